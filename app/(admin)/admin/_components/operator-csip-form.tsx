"use client";

import { useActionState } from "react";
import type { FormState } from "../../../../lib/app/form-state";
import { FormMessage } from "../../../../components/ui/form-message";
import { SubmitButton } from "../../../../components/ui/submit-button";

export function OperatorCsipForm({
  mspId,
  current,
  csips,
  action,
}: {
  mspId: string;
  current: string | null;
  csips: { id: string; name: string }[];
  action: (state: FormState, formData: FormData) => Promise<FormState>;
}) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} className="flex flex-col gap-4">
      <FormMessage state={state} />
      <input type="hidden" name="mspId" value={mspId} />
      <div className="flex flex-col gap-1">
        <label htmlFor="operator-csip" className="text-sm font-medium">
          Operated by
        </label>
        <select id="operator-csip" name="csipId" defaultValue={current ?? ""} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-base">
          <option value="">No CSIP (an independent messaging service)</option>
          {csips.map((csip) => (
            <option key={csip.id} value={csip.id}>
              {csip.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <SubmitButton pendingText="Saving…">Save</SubmitButton>
      </div>
    </form>
  );
}
