"use client";

import { useActionState } from "react";
import type { FormState } from "@/web/form-state";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";

export type SimpleField = { name: string; label: string; hint?: string; required?: boolean; maxLength?: number };

/** A small operator form: text fields with their errors beside them, hidden values, one button. */
export function SimpleForm({
  action,
  fields,
  hidden = {},
  submitLabel,
  idPrefix,
}: {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  fields: SimpleField[];
  hidden?: Record<string, string>;
  submitLabel: string;
  idPrefix: string;
}) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <FormMessage state={state} />
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {fields.map((field) => (
        <TextField
          key={field.name}
          id={`${idPrefix}-${field.name}`}
          name={field.name}
          label={field.label}
          hint={field.hint}
          required={field.required}
          maxLength={field.maxLength ?? 254}
          defaultValue={state.values?.[field.name] ?? ""}
          error={state.errors?.[field.name]}
        />
      ))}
      <div>
        <SubmitButton pendingText="Saving…">{submitLabel}</SubmitButton>
      </div>
    </form>
  );
}
