"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/web/form-state";

/**
 * "I am the new holder": asked twice, because it moves the identifier out of the account it is on. Going back, or
 * leaving the page, moves nothing.
 */
export function NewHolderChoice({
  masked,
  thing,
  action,
}: {
  masked: string;
  thing: "number" | "address";
  action: (state: FormState, formData: FormData) => Promise<FormState>;
}) {
  const [state, formAction] = useActionState(action, {});
  const [confirming, setConfirming] = useState(false);
  const heading = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (confirming) heading.current?.focus();
  }, [confirming]);

  if (!confirming) {
    return (
      <div>
        <Button type="button" variant="secondary" onClick={() => setConfirming(true)}>
          I am the new holder of this {thing}
        </Button>
      </div>
    );
  }
  return (
    <form action={formAction} className="flex flex-col gap-3 rounded-md border border-amber-300 bg-amber-50 p-4" role="group" aria-labelledby="new-holder-confirm">
      <FormMessage state={state} />
      <p id="new-holder-confirm" ref={heading} tabIndex={-1} className="text-sm font-semibold text-amber-950 focus:outline-none">
        Move {masked} to a new account of your own?
      </p>
      <p className="text-sm text-amber-950">
        Its previous holder keeps their account without it. They can only take the {thing} back by proving it again with a code, which now comes to you.
      </p>
      <div className="flex flex-wrap gap-2">
        <SubmitButton pendingText="Moving…">Move it to a new account</SubmitButton>
        <Button type="button" variant="secondary" onClick={() => setConfirming(false)}>
          Go back
        </Button>
      </div>
    </form>
  );
}
