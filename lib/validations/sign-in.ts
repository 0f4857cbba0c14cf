import { z } from "zod";
import { IdentifierError, isUuid, parseIdentifier } from "@mimi-discovery/msp-kit";

/** A phone number or email address, typed loosely, parsed into its normalised form. */
export function identifierField(defaultRegion: string | undefined) {
  return z
    .string({ error: "Enter a phone number or an email address." })
    .max(512, "That is too long.")
    .transform((value, ctx) => {
      try {
        return parseIdentifier(value, { defaultRegion });
      } catch (error) {
        if (!(error instanceof IdentifierError)) throw error;
        ctx.addIssue({ code: "custom", message: error.message });
        return z.NEVER;
      }
    });
}

/** Six digits; spaces and full-width digits are forgiven, anything else is not. */
export const codeField = z
  .string({ error: "Enter the 6-digit code." })
  .max(32, "Enter the 6-digit code.")
  .transform((value) => value.normalize("NFKC").replace(/[\s-]/gu, ""))
  .pipe(z.string().regex(/^\d{6}$/u, "Enter the 6 digits of the code."));

export const uuidField = z.string().refine(isUuid, "Unknown item.");
