"use client";

import { useActionState } from "react";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/web/form-state";

/** "It is my account", offered only where the code is all the account has. */
export function OwnAccountForm({ action }: { action: (state: FormState, formData: FormData) => Promise<FormState> }) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} className="flex flex-col gap-3">
      <FormMessage state={state} />
      <div>
        <SubmitButton pendingText="Opening…">Yes, it is my account</SubmitButton>
      </div>
    </form>
  );
}
