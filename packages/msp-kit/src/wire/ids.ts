import { z } from "zod";

/**
 * The identifiers of the wire format, each defined once: the DP's forms, its API and every verifier use these.
 *
 * An MSP id is a lower-case host name in its ASCII (IDNA) form, with at least two labels, as MSPs are registered
 * with a DP (RFC 1035 labels; the last label starts with a letter, so that an IP address is never an MSP id).
 */
export const MSP_ID_PATTERN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/u;

export const mspIdSchema = z.string().regex(MSP_ID_PATTERN, "must be an MSP id (a lower-case domain name such as chat.example)");

export function isMspId(value: string): boolean {
  return MSP_ID_PATTERN.test(value);
}

/** Protocol section 1: tel:+ and E.164 digits, or mailto: and one address of at most 254 octets. */
export const TEL_URI_PATTERN = /^tel:\+[1-9][0-9]{1,14}$/u;
const MAILTO_URI_PATTERN = /^mailto:[^\s@\u0000-\u001f\u007f]+@[^\s@\u0000-\u001f\u007f]+$/u;
const MAX_ADDRESS_OCTETS = 254;

export const csiUriSchema = z.union([
  z.string().regex(TEL_URI_PATTERN, "must be tel:+ followed by E.164 digits"),
  z
    .string()
    .regex(MAILTO_URI_PATTERN, "must be mailto: followed by one address")
    .refine((value) => new TextEncoder().encode(value.slice("mailto:".length)).length <= MAX_ADDRESS_OCTETS, "the address is over 254 octets"),
]);

/** An id the DP gave a mapping, a CSIP or a key: a UUID, in any of its versions. */
export const uuidSchema = z.uuid();

export function isUuid(value: string): boolean {
  return uuidSchema.safeParse(value).success;
}

const RFC3339_WHOLE_SECONDS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/u;

/** RFC 3339 in UTC and whole seconds: one spelling per instant, so that signed documents have one form. */
export const timestampSchema = z
  .string()
  .regex(RFC3339_WHOLE_SECONDS_UTC, "must be an RFC 3339 UTC time in whole seconds, such as 2026-11-22T10:00:00Z")
  // The pattern lets 2026-02-30 through; Date would roll it over to March, so compare the round trip.
  .refine((value) => isRealInstant(value), "is not a real date and time");

/** A web origin, exactly as URL writes it (scheme, host, port when not the default; no path, no trailing slash). */
export const originSchema = z
  .string()
  .max(2048)
  .refine((value) => originOf(value) === value, "must be a web origin such as https://dp.example");

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
