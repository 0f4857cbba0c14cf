/** What every form action returns: per-field errors next to their fields, and one message for the form. */
export type FormState = {
  errors?: Record<string, string>;
  message?: string;
  /** "error" is shown as an alert; "success" as a confirmation. */
  tone?: "error" | "success";
  /** Echoed values, so a refused form keeps what the person typed. */
  values?: Record<string, string>;
};

export const initialFormState: FormState = {};
