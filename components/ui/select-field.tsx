import type { SelectHTMLAttributes } from "react";
import { controlClass, Field } from "./field";

/** A labelled select with its hint and its error beside it. */
export function SelectField({
  id,
  label,
  hint,
  error,
  options,
  className = "",
  ...select
}: SelectHTMLAttributes<HTMLSelectElement> & {
  id: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  options: readonly { value: string; label: string }[];
}) {
  return (
    <Field id={id} label={label} hint={hint} error={error} className={className}>
      {(wiring) => (
        <select id={id} {...wiring} className={controlClass(error)} {...select}>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
