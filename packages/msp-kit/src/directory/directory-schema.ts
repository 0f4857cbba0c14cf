import { z } from "zod";

/** The JWS `typ` of a signed directory (protocol section 8), so that no other statement can pass for one. */
export const DIRECTORY_JWS_TYPE = "mimi-directory+jwt";

const origin = z.url().refine((value) => URL.canParse(value) && new URL(value).origin === value, "must be an origin (scheme, host and port only)");
const e164Prefix = z.string().regex(/^\+[1-9][0-9]{0,14}$/u, "must be + and 1 to 15 digits, such as +33");
const emailDomain = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/u, "must be a lower-case ASCII (IDNA) domain name");

export const directoryDpSchema = z.strictObject({
  issuer: origin.describe("The DP's issuer origin, as in its metadata and in the `dp` of every mapping it signs"),
  rp_id: z.string().min(1).max(253).describe("The DP's WebAuthn rp_id, as in its metadata"),
  jwks_uri: z.url().describe("Where the DP publishes its keys (mapping bindings and DP-to-DP request signatures)"),
  endpoints: z.strictObject({
    metadata: z.url(),
    federation_lookup: z.url().describe("POST: the batch lookup body, answered only to DPs of this directory (RFC 9421 signed)"),
    invalidation: z.url().describe("POST: a signed invalidation (a fresh mapping), from DPs of this directory"),
  }),
  region: z.string().min(1).max(64).describe("A label for where the DP stores its mappings, such as EU"),
  authoritative_for: z.strictObject({
    e164_prefixes: z.array(e164Prefix).max(10_000).default([]),
    email_domains: z.array(emailDomain).max(10_000).default([]),
  }),
});

export const directorySchema = z
  .strictObject({
    v: z.literal(1),
    iss: z.string().min(1).max(512).describe("Who signed the directory (the directory operator)"),
    iat: z.number().int().nonnegative(),
    exp: z.number().int().positive(),
    dps: z.array(directoryDpSchema).min(1).max(1_000),
  })
  .superRefine((directory, ctx) => {
    if (directory.exp <= directory.iat) ctx.addIssue({ code: "custom", path: ["exp"], message: "exp must be after iat" });
    const seen = new Set<string>();
    for (const [index, dp] of directory.dps.entries()) {
      if (seen.has(dp.issuer)) ctx.addIssue({ code: "custom", path: ["dps", index, "issuer"], message: `${dp.issuer} is listed twice` });
      seen.add(dp.issuer);
    }
    // Two DPs authoritative for the same prefix or domain would make "the authoritative DP" ambiguous.
    const claims = new Map<string, string>();
    for (const dp of directory.dps) {
      for (const claim of [...dp.authoritative_for.e164_prefixes, ...dp.authoritative_for.email_domains]) {
        const other = claims.get(claim);
        if (other && other !== dp.issuer) ctx.addIssue({ code: "custom", path: ["dps"], message: `${claim} is claimed by both ${other} and ${dp.issuer}` });
        claims.set(claim, dp.issuer);
      }
    }
  });

export type DirectoryDp = z.output<typeof directoryDpSchema>;
export type Directory = z.output<typeof directorySchema>;
/** What an operator writes before signing: the DPs; `iss`, `iat` and `exp` are set by the signing tool. */
export const unsignedDirectorySchema = z.strictObject({ iss: z.string().min(1).max(512), dps: z.array(z.unknown()) });
