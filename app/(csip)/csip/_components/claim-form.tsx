"use client";

import { useActionState } from "react";
import type { FormState } from "@/web/form-state";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { SelectField } from "@/components/ui/select-field";

const KINDS = [
  { value: "e164_prefix", label: "Number range (E.164 prefix)" },
  { value: "email_domain", label: "Email domain" },
] as const;

/** Files a claim on a number range or an email domain; the operator approves it before it grants anything. */
export function ClaimForm({ csipId, action }: { csipId: string; action: (state: FormState, formData: FormData) => Promise<FormState> }) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="csipId" value={csipId} />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <SelectField
          id="claim-kind"
          name="kind"
          label="What you claim"
          options={KINDS}
          defaultValue={state.values?.kind ?? "e164_prefix"}
          error={state.errors?.kind}
        />
        <TextField
          className="min-w-0"
          id="claim-value"
          name="value"
          label="Prefix or domain"
          hint="A prefix starts with + and the country code (+33 6 95); a domain is exact (mail.example)."
          defaultValue={state.values?.value ?? ""}
          error={state.errors?.value}
          autoComplete="off"
          spellCheck={false}
          maxLength={512}
          required
        />
      </div>
      <div>
        <SubmitButton pendingText="Filing…">File claim</SubmitButton>
      </div>
    </form>
  );
}
