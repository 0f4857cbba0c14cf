"use client";

import { useActionState } from "react";
import type { FormState } from "@/web/form-state";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { CopyButton } from "./copy-button";

/**
 * Issues an API key (an MSP's or a CSIP's) and shows it exactly once: it is stored only as a hash and cannot be
 * shown again. `owner` is the hidden field naming whose key it is.
 */
export function ApiKeyIssueForm({
  owner,
  hint,
  action,
}: {
  owner: { name: "mspId" | "csipId"; value: string };
  hint: string;
  action: (state: FormState, formData: FormData) => Promise<FormState>;
}) {
  const [state, formAction] = useActionState(action, {});
  const issued = state.tone === "success" ? state.message : undefined;
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      {state.tone === "error" && <Alert tone="error">{state.message}</Alert>}
      {issued && (
        <Alert tone="success">
          <p className="font-semibold">Copy this key now: it will not be shown again.</p>
          <code className="mt-2 block break-all rounded bg-white p-2 font-mono text-sm text-slate-900" data-testid="issued-key">
            {issued}
          </code>
          <div className="mt-2">
            <CopyButton text={issued} label="Copy the key" />
          </div>
        </Alert>
      )}
      <input type="hidden" name={owner.name} value={owner.value} />
      <TextField id="key-label" name="label" label="Key name" hint={hint} error={state.errors?.label} maxLength={60} autoComplete="off" required />
      <div>
        <SubmitButton pendingText="Issuing…">Issue API key</SubmitButton>
      </div>
    </form>
  );
}
