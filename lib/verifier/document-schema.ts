import { z } from "zod";
import type { MappingDocument } from "../mappings/types";
import { isBase64urlOfLength } from "../encoding/base64url";

/**
 * The mapping document of protocol section 2, structurally. Product rules (how many entries a recipient may
 * publish, which MSPs exist) belong to the DP; the caps here only stop a hostile document from costing a verifier
 * unbounded work. Objects are strict: an unknown member would be signed without anyone knowing what it means.
 */
export const MAX_ENTRIES = 64;
export const MAX_TAGS = 16;
export const MAX_TAG_LENGTH = 64;
export const MAX_SELECTORS = 2000;
const MAX_MSPS = 256;
const MAX_LABEL_LENGTH = 256;
const SALT_BYTES = 16;
const SELECTOR_BYTES = 32;

// RFC 1035 host names in their ASCII (IDNA) form, lower case, as MSP ids are registered.
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/u;
const TEL_URI = /^tel:\+[1-9][0-9]{1,14}$/u;
// One @, no whitespace or control characters, at most 254 octets of address (protocol section 1).
const MAILTO_URI = /^mailto:[^\s@\u0000-\u001f\u007f]+@[^\s@\u0000-\u001f\u007f]+$/u;
const RFC3339_WHOLE_SECONDS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/u;

const mspId = z.string().regex(DOMAIN, "must be a lower-case domain name");
const tag = z.string().min(1).max(MAX_TAG_LENGTH);
const tags = z.array(tag).max(MAX_TAGS);

const timestamp = z
  .string()
  .regex(RFC3339_WHOLE_SECONDS_UTC, "must be an RFC 3339 UTC time in whole seconds, such as 2026-11-22T10:00:00Z")
  // The pattern lets 2026-02-30 through; Date would roll it over to March, so compare the round trip.
  .refine((value) => isRealInstant(value), "is not a real date and time");

const csi = z.union([
  z.string().regex(TEL_URI, "must be tel:+ followed by E.164 digits"),
  z
    .string()
    .regex(MAILTO_URI, "must be mailto: followed by one address")
    .refine((value) => new TextEncoder().encode(value.slice("mailto:".length)).length <= 254, "the address is over 254 octets"),
]);

const issuerOrigin = z
  .string()
  .max(2048)
  .refine((value) => originOf(value) === value, "must be a web origin such as https://dp.example");

export const audienceSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("everyone") }),
  z.strictObject({ kind: z.literal("sender_msps"), msps: z.array(mspId).max(MAX_MSPS) }),
  z.strictObject({ kind: z.literal("same_msp") }),
  z.strictObject({ kind: z.literal("context"), tags }),
  z.strictObject({
    kind: z.literal("senders"),
    salt: z.string().refine((value) => isBase64urlOfLength(value, SALT_BYTES), `must be base64url of ${SALT_BYTES} bytes`),
    selectors: z
      .array(
        z.string().refine((value) => isBase64urlOfLength(value, SELECTOR_BYTES), `must be base64url of ${SELECTOR_BYTES} bytes`),
      )
      .max(MAX_SELECTORS),
  }),
]);

export const mappingEntrySchema = z.strictObject({
  msp: mspId,
  tags,
  priority: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  audience: audienceSchema,
});

export const mappingDocumentSchema = z
  .strictObject({
    v: z.literal(1),
    dp: issuerOrigin,
    csi,
    seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    fresh: z.boolean(),
    label: z.string().max(MAX_LABEL_LENGTH),
    created: timestamp,
    expires: timestamp,
    entries: z.array(mappingEntrySchema).max(MAX_ENTRIES),
  })
  .refine((document) => document.expires > document.created, { message: "expires must be after created", path: ["expires"] });

// If the wire types and this schema drift apart in either direction, this line stops the build.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _schemaMatchesWireType: Same<z.output<typeof mappingDocumentSchema>, MappingDocument> = true;

function isRealInstant(value: string): boolean {
  const date = new Date(value);
  return !Number.isNaN(date.getTime()) && date.toISOString() === value.replace("Z", ".000Z");
}

function originOf(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}
