"use client";

import { useActionState } from "react";
import type { FormState } from "@/web/form-state";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";

/** Step one of every code flow: which phone number or email address should get a code. */
export function RequestCodeForm({
  action,
  idPrefix,
  label = "Phone number or email address",
  hint = "Phone numbers with their country code, for example +1 408 555 0100.",
  submitLabel = "Send code",
}: {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  idPrefix: string;
  label?: string;
  hint?: string;
  submitLabel?: string;
}) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <FormMessage state={state} />
      <TextField
        id={`${idPrefix}-identifier`}
        name="identifier"
        label={label}
        hint={hint}
        autoComplete="username"
        required
        maxLength={512}
        defaultValue={state.values?.identifier ?? ""}
        error={state.errors?.identifier}
      />
      <div>
        <SubmitButton pendingText="Sending…">{submitLabel}</SubmitButton>
      </div>
    </form>
  );
}
