"use client";

import { useActionState } from "react";
import type { FormState } from "@/web/form-state";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { SelectField } from "@/components/ui/select-field";

/** Reports one number as ported out, naming the receiving CSIP when it is registered here. */
export function PortForm({
  csipId,
  receivers,
  noReceiver,
  action,
}: {
  csipId: string;
  receivers: { id: string; name: string }[];
  noReceiver: string;
  action: (state: FormState, formData: FormData) => Promise<FormState>;
}) {
  const [state, formAction] = useActionState(action, {});
  const options = [{ value: noReceiver, label: "Not registered here, or not known" }, ...receivers.map((csip) => ({ value: csip.id, label: csip.name }))];
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="csipId" value={csipId} />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <TextField
          className="min-w-0"
          id="port-csi"
          name="csi"
          label="Phone number"
          hint="With + and the country code, for example +33 6 95 12 34 56."
          type="tel"
          defaultValue={state.values?.csi ?? ""}
          error={state.errors?.csi}
          autoComplete="off"
          maxLength={64}
          required
        />
        <SelectField
          id="port-receiver"
          name="receivingCsip"
          label="Receiving provider"
          hint="It gets authority over the number once you report it."
          options={options}
          defaultValue={state.values?.receivingCsip ?? noReceiver}
          error={state.errors?.receivingCsip}
        />
      </div>
      <div>
        <SubmitButton pendingText="Reporting…">Report ported out</SubmitButton>
      </div>
    </form>
  );
}
