/** What a JSON server action answers: its data, or a message for the person and per-field errors. */
export type ActionResult<T extends object = object> =
  | ({ ok: true } & T)
  | { ok: false; message: string; errors?: Record<string, string> };
