"use client";

import { useRouter } from "next/navigation";
import { startTransition } from "react";
import { Button } from "@/components/ui/button";
import { SERVICE_UNAVAILABLE_DIGEST } from "@/web/service-unavailable";

/**
 * What a page that cannot be shown says instead. A database that does not answer is "briefly unavailable": nothing
 * was changed and the person is still signed in (the session was not read as "signed out"), so trying again is
 * all there is to do. Anything else is our fault, said without details.
 */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const router = useRouter();
  const unavailable = error.digest === SERVICE_UNAVAILABLE_DIGEST;
  const retry = () =>
    startTransition(() => {
      router.refresh();
      reset();
    });
  return (
    <section aria-labelledby="error-heading" className="mx-auto flex max-w-xl flex-col gap-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 id="error-heading" className="text-2xl font-bold">
        {unavailable ? "The service is briefly unavailable" : "Something went wrong on our side"}
      </h1>
      {unavailable ? (
        <>
          <p className="text-slate-700">
            A part of the service we depend on is not answering right now. <strong>Nothing was changed</strong>, and you are still signed in.
          </p>
          <p className="text-slate-700">This usually lasts a few seconds. Try again in a moment.</p>
        </>
      ) : (
        <p className="text-slate-700">Nothing was changed. Please try again; if it keeps happening, come back later.</p>
      )}
      <div>
        <Button type="button" onClick={retry}>
          Try again
        </Button>
      </div>
    </section>
  );
}
