"use client";

import { useActionState } from "react";
import type { FormState } from "@/web/form-state";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { SelectField } from "@/components/ui/select-field";

const REASONS = [
  { value: "released", label: "Released: the line or mailbox was closed" },
  { value: "reassigned", label: "Reassigned: it now belongs to someone else" },
  { value: "other", label: "Other: remove its mappings only" },
] as const;

/** Removes the mappings of one identifier inside the CSIP's authority, with a reason. */
export function RemoveOneForm({ csipId, action }: { csipId: string; action: (state: FormState, formData: FormData) => Promise<FormState> }) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="csipId" value={csipId} />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <TextField
          className="min-w-0"
          id="remove-csi"
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
          id="remove-reason"
          name="reason"
          label="Reason"
          hint="Released and reassigned also take the identifier off its holder's account."
          options={REASONS}
          defaultValue={state.values?.reason ?? "released"}
          error={state.errors?.reason}
        />
      </div>
      <div>
        <SubmitButton variant="danger" pendingText="Removing…">
          Remove
        </SubmitButton>
      </div>
    </form>
  );
}
