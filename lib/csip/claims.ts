/**
 * What a CSIP (telco or email provider) asks the DP operator to recognise as its own: a range of E.164 numbers or an
 * email domain. Plain data in, decisions out: the caller loads claims and stores the results.
 */
export type ClaimKind = "e164_prefix" | "email_domain";

/**
 * `value` is always in the form normaliseClaimValue returns: "+1408" for a prefix ("+", then 1 to 15 digits, the
 * first 1-9), "example.com" for a domain (lower-case ASCII, IDNs as punycode, at least two labels).
 */
export type Claim = { csipId: string; kind: ClaimKind; value: string };

export type ClaimStatus = "pending" | "approved";

export type NormaliseClaimValueResult = { ok: true; value: string } | { ok: false; message: string };

export type CheckNewClaimResult =
  | { ok: true }
  | { ok: false; code: "duplicate" | "held_by_other" | "overlaps_own"; message: string };

// Bounded before any parsing, so the work done on hostile input stays bounded (as in lib/identifiers).
const MAX_PREFIX_INPUT_LENGTH = 64;
const MAX_DOMAIN_INPUT_LENGTH = 512;
// A whole E.164 number has at most 15 digits, so a longer prefix could never match anything.
const MAX_E164_DIGITS = 15;
// RFC 1035: 253 characters in the written form of a domain, without the trailing dot.
const MAX_DOMAIN_LENGTH = 253;
const CONTROL = /[\u0000-\u001F\u007F]/u;
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/gu;
// The same formatting characters lib/identifiers/normalize-phone.ts ignores in a number: "+1 (408)" is "+1408".
const PHONE_FORMATTING = /[\s.\-\u2010-\u2015\u2212()]/gu;
const E164_PREFIX = /^\+[1-9]\d{0,14}$/u;
const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/u;

const refuse = (message: string): NormaliseClaimValueResult => ({ ok: false, message });

/** True for a prefix in stored form. Authority ignores anything else, so a damaged "+" or "" never matches all. */
export function isE164Prefix(value: string): boolean {
  return E164_PREFIX.test(value);
}

/**
 * Turns what an operator or CSIP admin typed into the stored form of a claim, or says why it cannot.
 *
 * Decisions, each because a claim grants authority over many identifiers and a wrong guess grants the wrong ones:
 * - A prefix must start with "+": bare digits ("1408", "0044") are refused, not read as international. Without the
 *   "+" they may be a national number ("0" or, in North America, "1" is also a trunk prefix).
 * - Spaces, dots, dashes and parentheses inside a prefix are formatting, as in a phone number; an optional "tel:"
 *   is dropped. Wildcards ("+1408*", "+1408xxx") are refused: a prefix already covers what starts with it.
 * - The country code is not checked against the ITU list: the operator's approval is that check, and the plan changes.
 * - A domain is normalised as lib/identifiers/normalize-email.ts normalises the part after the @ (NFKC, then IDNA
 *   through the WHATWG URL parser), so a claim equals byte for byte the domain of every address it covers.
 * - A domain is exact: no wildcards, no leading "@", no trailing dot, no IP address, no single label ("localhost"),
 *   no scheme, port or path, no whitespace inside (surrounding whitespace is trimmed).
 */
export function normaliseClaimValue(kind: ClaimKind, input: string): NormaliseClaimValueResult {
  if (kind === "e164_prefix") return normalisePrefix(input);
  if (kind === "email_domain") return normaliseDomain(input);
  // Reachable only from untyped callers (a JSON body): refuse rather than guess the kind.
  return refuse("Unknown claim kind.");
}

function normalisePrefix(input: string): NormaliseClaimValueResult {
  if (input.length > MAX_PREFIX_INPUT_LENGTH) return refuse("That is too long to be a number prefix.");
  if (CONTROL.test(input)) return refuse("Line breaks and control characters are not allowed.");
  // NFKC turns full-width digits and "＋" into ASCII, as the phone normaliser does.
  let text = input.normalize("NFKC").replace(ZERO_WIDTH, "").trim();
  if (/^tel:/iu.test(text)) text = text.slice(4);
  const compact = text.replace(PHONE_FORMATTING, "");
  if (compact === "" || compact === "+") {
    return refuse("Enter a number prefix: + and the country code, then any further digits (for example +1 408).");
  }
  if (/[*?%#]|[xX]+$/u.test(compact)) {
    return refuse("Wildcards are not needed: a prefix already covers every number that starts with it. Enter digits only.");
  }
  if (/\p{L}/u.test(compact)) return refuse("A number prefix contains digits only, no letters.");
  if (!/^\+?\d+$/u.test(compact)) return refuse("A number prefix contains digits only, after one leading +.");
  if (!compact.startsWith("+")) {
    return refuse("Start with + and the country code (for example +1 408): without it the digits could be a national number.");
  }
  if (compact[1] === "0") return refuse("A country code never starts with 0: enter + and the country code.");
  if (compact.length - 1 > MAX_E164_DIGITS) {
    return refuse("A number prefix has at most 15 digits, the length of a whole E.164 number.");
  }
  return { ok: true, value: compact };
}

function normaliseDomain(input: string): NormaliseClaimValueResult {
  if (input.length > MAX_DOMAIN_INPUT_LENGTH) return refuse("That is too long to be a domain.");
  if (CONTROL.test(input)) return refuse("Line breaks and control characters are not allowed.");
  const text = input.normalize("NFKC").trim();
  if (text === "") return refuse("Enter a domain, for example example.com.");
  if (text.startsWith("@")) return refuse("Enter the domain without the @: example.com, not @example.com.");
  // Checked before the URL parser sees the text: it would read "a@b.com" as user "a" at host "b.com".
  if (text.includes("@")) return refuse("Enter a domain, not an email address.");
  if (text.includes("*")) {
    return refuse("Wildcards are not accepted: a claim covers exactly one domain, and each subdomain is claimed by itself.");
  }
  if (/\s/u.test(text)) return refuse("A domain contains no spaces.");
  // The URL parser would take these as the start of a port, path, query or fragment and drop the rest silently.
  if (/[/\\?#%:[\]]/u.test(text)) return refuse("Enter the domain only, without a scheme, port or path.");
  const invalid = refuse("That is not a valid domain.");
  let hostname: string;
  try {
    hostname = new URL(`http://${text}`).hostname;
  } catch {
    return invalid;
  }
  // Addresses never carry the trailing dot (the email normaliser refuses it), so a claim with one would match nothing.
  if (hostname.endsWith(".")) return refuse("Enter the domain without the trailing dot.");
  const labels = hostname.split(".");
  // An all-numeric last label means the URL parser read an IPv4 address (also "0x7f.1" or "2130706433").
  if (/^\d+$/u.test(labels.at(-1) ?? "")) return refuse("An IP address is not a domain.");
  if (labels.length < 2) return refuse("A domain has at least two labels (example.com); a single name cannot be claimed.");
  if (!labels.every((label) => DNS_LABEL.test(label))) return invalid;
  if (hostname.length > MAX_DOMAIN_LENGTH) return refuse("A domain has at most 253 characters.");
  return { ok: true, value: hostname };
}

/**
 * Whether a new claim may be filed next to the pending and approved ones (rejected and withdrawn claims are not passed).
 * Checked in this order, so that the most serious conflict is the one reported:
 * - held_by_other: another CSIP already has the same value, pending or approved. Two holders of one value would make
 *   authority a tie; a pending claim counts so that the operator is never asked to approve both. The message does not
 *   name the other CSIP, since it may be shown to the requesting CSIP.
 * - duplicate: this CSIP already has the same value, pending or approved.
 * - overlaps_own (prefixes only): the new prefix contains, or lies inside, one of this CSIP's own prefixes. Such a
 *   claim adds no number and makes it unclear which approval covers a number, and so which to revoke.
 * Nesting across CSIPs is allowed ("+1" for one, "+1408" for another): the longest approved prefix decides.
 * Domains match exactly: "sub.example.com" is not under "example.com", because mail domains are delegated to
 * different providers all the time and a parent's owner has no say over a subdomain's mailboxes. Each is its own claim.
 *
 * The new claim's value must already be normalised: comparing a loose value would miss the conflicts this exists to
 * find, so a loose value is a programming error and throws.
 */
export function checkNewClaim(
  claim: Claim,
  existing: readonly { claim: Claim; status: ClaimStatus }[],
): CheckNewClaimResult {
  const normalised = normaliseClaimValue(claim.kind, claim.value);
  if (!normalised.ok || normalised.value !== claim.value) {
    throw new TypeError("checkNewClaim needs a value from normaliseClaimValue.");
  }
  const sameKind = existing.filter((entry) => entry.claim.kind === claim.kind);
  const label = claim.kind === "e164_prefix" ? "The prefix" : "The domain";

  if (sameKind.some((entry) => entry.claim.value === claim.value && entry.claim.csipId !== claim.csipId)) {
    return { ok: false, code: "held_by_other", message: `${label} ${claim.value} is already claimed by another CSIP.` };
  }
  const own = sameKind.filter((entry) => entry.claim.csipId === claim.csipId);
  const duplicate = own.find((entry) => entry.claim.value === claim.value);
  if (duplicate) {
    const state = duplicate.status === "approved" ? "approved" : "awaiting approval";
    return { ok: false, code: "duplicate", message: `${label} ${claim.value} is already yours (${state}).` };
  }
  if (claim.kind !== "e164_prefix") return { ok: true };

  const wider = own.find((entry) => claim.value.startsWith(entry.claim.value));
  if (wider) {
    return {
      ok: false,
      code: "overlaps_own",
      message: `The prefix ${claim.value} lies inside your claim ${wider.claim.value}, which already covers it.`,
    };
  }
  const narrower = own.find((entry) => entry.claim.value.startsWith(claim.value));
  if (narrower) {
    return {
      ok: false,
      code: "overlaps_own",
      message: `The prefix ${claim.value} contains your claim ${narrower.claim.value}: withdraw that claim first.`,
    };
  }
  return { ok: true };
}
