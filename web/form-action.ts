import "server-only";
import { unstable_rethrow } from "next/navigation";
import { type z } from "zod";
import { describeActionError } from "./action-errors";

import type { FormState } from "./form-state";

export type { FormState } from "./form-state";

/**
 * Validates FormData with a zod schema, runs the handler, and turns failures into a FormState: invalid fields
 * get their own message, and every other failure the message describeActionError gives it. Redirects and other
 * Next.js control flow pass through.
 */
export function formAction<S extends z.ZodType>(
  schemaOrFactory: S | (() => S),
  handler: (input: z.output<S>) => Promise<FormState>,
): (previous: FormState, formData: FormData) => Promise<FormState> {
  return async (_previous, formData) => {
    const raw: Record<string, string> = {};
    for (const [key, value] of formData.entries()) {
      if (!key.startsWith("$") && typeof value === "string") raw[key] = value;
    }
    // A factory lets a schema depend on configuration without reading it when the module loads (at build).
    const schema = typeof schemaOrFactory === "function" ? (schemaOrFactory as () => S)() : schemaOrFactory;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? "form");
        errors[field] ??= issue.message;
      }
      return { errors, values: raw };
    }
    try {
      return await handler(parsed.data);
    } catch (error) {
      unstable_rethrow(error);
      return { tone: "error", message: describeActionError(error, "form action"), values: raw };
    }
  };
}
