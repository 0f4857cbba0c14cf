import type { InputHTMLAttributes } from "react";
import { controlClass, Field } from "./field";

/** A labelled input with its hint and its error beside it. */
export function TextField({
  id,
  label,
  hint,
  error,
  className = "",
  inputClassName = "",
  ...input
}: InputHTMLAttributes<HTMLInputElement> & {
  id: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  inputClassName?: string;
}) {
  return (
    <Field id={id} label={label} hint={hint} error={error} className={className}>
      {(wiring) => <input id={id} {...wiring} className={`${controlClass(error)} ${inputClassName}`} {...input} />}
    </Field>
  );
}
