import "server-only";
import { unstable_rethrow } from "next/navigation";
import { type z } from "zod";
import { describeActionError } from "./action-errors";
import type { ActionResult } from "./action-result";

export type { ActionResult } from "./action-result";

/**
 * The JSON twin of formAction, for actions the browser calls with objects (WebAuthn ceremonies, the mapping
 * editor): input validated by zod with per-path errors, every other failure turned into the message
 * describeActionError gives it.
 */
type Failure = Extract<ActionResult, { ok: false }>;

export function jsonAction<S extends z.ZodType, R extends ActionResult>(
  schema: S,
  handler: (input: z.output<S>) => Promise<R>,
): (input: unknown) => Promise<R | Failure> {
  return async (input) => {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[issue.path.join(".") || "form"] ??= issue.message;
      return { ok: false, message: "Some fields need your attention.", errors };
    }
    try {
      return await handler(parsed.data);
    } catch (error) {
      unstable_rethrow(error);
      return { ok: false, message: describeActionError(error, "action") };
    }
  };
}
