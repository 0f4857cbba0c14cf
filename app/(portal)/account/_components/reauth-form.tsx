"use client";

import { useActionState } from "react";
import type { FormState } from "@/web/form-state";
import { FormMessage } from "@/components/ui/form-message";
import { SelectField } from "@/components/ui/select-field";
import { SubmitButton } from "@/components/ui/submit-button";

/** Chooses which of the account's own identifiers gets the confirmation code. */
export function ReauthForm({
  identifiers,
  action,
}: {
  identifiers: { id: string; display: string }[];
  action: (state: FormState, formData: FormData) => Promise<FormState>;
}) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} className="flex flex-col gap-4">
      <FormMessage state={state} />
      <SelectField
        id="reauth-identifier"
        name="identifierId"
        label="Send a code to"
        error={state.errors?.identifierId}
        options={identifiers.map((identifier) => ({ value: identifier.id, label: identifier.display }))}
      />
      <div>
        <SubmitButton pendingText="Sending…">Send code</SubmitButton>
      </div>
    </form>
  );
}
