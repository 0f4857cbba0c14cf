import "server-only";
import { unstable_rethrow } from "next/navigation";
import { type z } from "zod";
import { isDatabaseUnavailable } from "../../db/errors";
import { MappingError } from "../mappings/mapping-error";
import { PasskeyError } from "../passkeys/passkey-error";
import type { ActionResult } from "./action-result";

export type { ActionResult } from "./action-result";

/**
 * The JSON twin of formAction, for actions the browser calls with objects (WebAuthn ceremonies, the mapping
 * editor): input validated by zod with per-path errors, domain errors turned into their message, a database
 * outage into a fail-closed message, anything else into a message that leaks nothing.
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
      if (error instanceof PasskeyError || error instanceof MappingError) return { ok: false, message: error.message };
      if (isDatabaseUnavailable(error)) {
        return { ok: false, message: "The service is temporarily unavailable. Nothing was changed; please try again shortly." };
      }
      console.error("action failed:", error);
      return { ok: false, message: "Something went wrong on our side. Nothing was changed; please try again." };
    }
  };
}
