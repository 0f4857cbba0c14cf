import Link from "next/link";

/** Shown on every page while some channel writes codes to the development outbox instead of delivering them. */
export function DevBanner() {
  return (
    <div role="region" aria-label="Development mode" className="bg-amber-300 px-4 py-2 text-center text-sm font-medium text-amber-950">
      Development mode: codes are not sent to phones or inboxes, they go to the{" "}
      <Link href="/dev/outbox" className="underline underline-offset-2">
        development outbox
      </Link>
      . Not for production.
    </div>
  );
}
