"use client";

import { useActionState } from "react";
import type { FormState } from "../../../../lib/app/form-state";
import { FormMessage } from "../../../../components/ui/form-message";
import { SubmitButton } from "../../../../components/ui/submit-button";

/** Chooses which of the account's own identifiers gets the confirmation code. */
export function ReauthForm({
  identifiers,
  action,
}: {
  identifiers: { id: string; display: string }[];
  action: (state: FormState, formData: FormData) => Promise<FormState>;
}) {
  const [state, formAction] = useActionState(action, {});
  const error = state.errors?.identifierId;
  return (
    <form action={formAction} className="flex flex-col gap-4">
      <FormMessage state={state} />
      <div className="flex flex-col gap-1">
        <label htmlFor="reauth-identifier" className="text-sm font-medium">
          Send a code to
        </label>
        <select
          id="reauth-identifier"
          name="identifierId"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "reauth-identifier-error" : undefined}
          className="rounded-md border border-slate-300 bg-white px-3 py-2 text-base"
        >
          {identifiers.map((identifier) => (
            <option key={identifier.id} value={identifier.id}>
              {identifier.display}
            </option>
          ))}
        </select>
        {error && (
          <p id="reauth-identifier-error" className="text-sm font-medium text-red-700">
            {error}
          </p>
        )}
      </div>
      <div>
        <SubmitButton pendingText="Sending…">Send code</SubmitButton>
      </div>
    </form>
  );
}
