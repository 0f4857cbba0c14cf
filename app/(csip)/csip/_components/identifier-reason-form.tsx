"use client";

import { useActionState } from "react";
import type { FormState } from "@/web/form-state";
import { FormMessage } from "@/components/ui/form-message";
import { SelectField } from "@/components/ui/select-field";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";

/**
 * One identifier inside the CSIP's authority, and a reason: the form of removing one identifier's mappings and of
 * locking one against a change of holder.
 */
export function IdentifierReasonForm({
  csipId,
  idPrefix,
  reasons,
  reasonHint,
  submit,
  action,
}: {
  csipId: string;
  idPrefix: string;
  reasons: readonly { value: string; label: string }[];
  reasonHint: string;
  submit: { label: string; pending: string; variant?: "primary" | "danger" };
  action: (state: FormState, formData: FormData) => Promise<FormState>;
}) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="csipId" value={csipId} />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <TextField
          className="min-w-0"
          id={`${idPrefix}-csi`}
          name="csi"
          label="Phone number or email address"
          hint="A number with + and the country code, or an address in one of your domains."
          defaultValue={state.values?.csi ?? ""}
          error={state.errors?.csi}
          autoComplete="off"
          spellCheck={false}
          maxLength={512}
          required
        />
        <SelectField
          id={`${idPrefix}-reason`}
          name="reason"
          label="Reason"
          hint={reasonHint}
          options={[...reasons]}
          defaultValue={state.values?.reason ?? reasons[0]?.value}
          error={state.errors?.reason}
        />
      </div>
      <div>
        <SubmitButton variant={submit.variant} pendingText={submit.pending}>
          {submit.label}
        </SubmitButton>
      </div>
    </form>
  );
}
