"use client";

import { useActionState } from "react";
import type { FormState } from "@/web/form-state";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";

type Values = { id?: string; displayName?: string; contact?: string | null; lookupBurst?: number; lookupRefillPerSecond?: number };

/** Create an MSP (with its id) or edit one (id fixed), including its lookup limits. */
export function MspForm({
  action,
  initial = {},
  mode,
}: {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  initial?: Values;
  mode: "create" | "edit";
}) {
  const [state, formAction] = useActionState(action, {});
  const value = (name: keyof Values) => state.values?.[name] ?? String(initial[name] ?? "");
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <FormMessage state={state} />
      {mode === "create" ? (
        <TextField id="msp-id" name="id" label="MSP id (its domain name)" hint="For example chat.example. It cannot change later." defaultValue={value("id")} error={state.errors?.id} required maxLength={253} />
      ) : (
        <input type="hidden" name="mspId" value={initial.id} />
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField id="msp-name" name="displayName" label="Display name" defaultValue={value("displayName")} error={state.errors?.displayName} required maxLength={80} />
        <TextField id="msp-contact" name="contact" label="Contact (optional)" hint="Who to reach about interoperability." defaultValue={value("contact")} error={state.errors?.contact} maxLength={254} />
        <TextField
          id="msp-burst"
          name="lookupBurst"
          type="number"
          label="Burst (identifiers)"
          hint="How many identifiers it may look up at once."
          defaultValue={value("lookupBurst") || "2000"}
          error={state.errors?.lookupBurst}
          min={1}
          required
        />
        <TextField
          id="msp-refill"
          name="lookupRefillPerSecond"
          type="number"
          step="any"
          label="Refill (identifiers per second)"
          hint="5 per second is 432,000 a day."
          defaultValue={value("lookupRefillPerSecond") || "5"}
          error={state.errors?.lookupRefillPerSecond}
          min={0.001}
          required
        />
      </div>
      <div>
        <SubmitButton pendingText="Saving…">{mode === "create" ? "Register MSP" : "Save changes"}</SubmitButton>
      </div>
    </form>
  );
}
