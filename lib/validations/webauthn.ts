import { z } from "zod";

const base64url = (max: number) => z.string().max(max).regex(/^[A-Za-z0-9_-]*$/u, "must be base64url");

/**
 * The browser's WebAuthn responses, bounded before any parsing: sizes here are generous ceilings, not the rules
 * (the credential id rule, 1023 bytes, is checked on the decoded value). Unknown extra fields that browsers add
 * are kept for the library but cannot be large.
 */
export const registrationResponseSchema = z.object({
  id: base64url(1400),
  rawId: base64url(1400),
  type: z.literal("public-key"),
  response: z.looseObject({
    clientDataJSON: base64url(8192),
    attestationObject: base64url(65536),
    transports: z.array(z.string().max(32)).max(8).optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
});

export const authenticationResponseSchema = z.object({
  id: base64url(1400),
  rawId: base64url(1400),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url(8192),
    authenticatorData: base64url(8192),
    signature: base64url(1024),
    userHandle: base64url(1024).optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
});

export const passkeyNameField = z
  .string()
  .trim()
  .min(1, "Give the passkey a name, such as “Work laptop”.")
  .max(60, "At most 60 characters.")
  .refine((value) => !/[\u0000-\u001F\u007F]/u.test(value), "Line breaks and control characters are not allowed.");
