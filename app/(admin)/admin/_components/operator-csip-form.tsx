"use client";

import { useActionState } from "react";
import type { FormState } from "@/web/form-state";
import { FormMessage } from "@/components/ui/form-message";
import { SelectField } from "@/components/ui/select-field";
import { SubmitButton } from "@/components/ui/submit-button";

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
      <SelectField
        id="operator-csip"
        name="csipId"
        label="Operated by"
        defaultValue={current ?? ""}
        options={[{ value: "", label: "No CSIP (an independent messaging service)" }, ...csips.map((csip) => ({ value: csip.id, label: csip.name }))]}
      />
      <div>
        <SubmitButton pendingText="Saving…">Save</SubmitButton>
      </div>
    </form>
  );
}
