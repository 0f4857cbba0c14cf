"use client";

import { useActionState } from "react";
import type { FormState } from "@/web/form-state";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";

/** Rotating a key is deliberate: the operator types "rotate", and the error stands beside the field. */
export function RotateForm({ id, label, action }: { id: string; label: string; action: (state: FormState, formData: FormData) => Promise<FormState> }) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} className="flex flex-col gap-4 sm:max-w-sm" noValidate>
      <FormMessage state={state} />
      <TextField id={`${id}-confirm`} name="confirm" label="Type rotate to confirm" error={state.errors?.confirm} autoComplete="off" />
      <div>
        <SubmitButton pendingText="Rotating…">{label}</SubmitButton>
      </div>
    </form>
  );
}
