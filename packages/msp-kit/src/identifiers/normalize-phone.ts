import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";
import type { PhoneCsi, PhoneLineType } from "./csi.ts";
import { IdentifierError } from "./identifier-error.ts";

/** Longer input is never a phone number, and bounding it keeps the parser's work bounded. */
const MAX_INPUT_LENGTH = 64;

// Protocol section 1: spaces, dots, dashes, parentheses and zero-width characters are formatting, nothing more.
const FORMATTING = /[\s.\-\u2010-\u2015\u2212()\u200B-\u200D\u2060\uFEFF]/gu;
const CONTROL = /[\u0000-\u001F\u007F]/u;
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/gu;
const EXTENSION = /^(.*?)(?:;ext=|extension|ext\.?|x|#)\s*\d{1,7}$/iu;

const LINE_TYPES: Record<string, PhoneLineType> = {
  MOBILE: "mobile",
  FIXED_LINE: "fixed_line",
  FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
  VOIP: "voip",
  PERSONAL_NUMBER: "personal_number",
  TOLL_FREE: "toll_free",
  PREMIUM_RATE: "premium_rate",
  SHARED_COST: "shared_cost",
  UAN: "uan",
  PAGER: "pager",
  VOICEMAIL: "voicemail",
};

export type NormalizePhoneOptions = { defaultRegion?: string | undefined };

/** Turns a loosely typed phone number into its E.164 `tel:` form, or explains why it cannot. */
export function normalizePhone(input: string, options: NormalizePhoneOptions = {}): PhoneCsi {
  if (input.length > MAX_INPUT_LENGTH) throw new IdentifierError("too_long", "That is too long to be a phone number.");
  if (CONTROL.test(input)) {
    throw new IdentifierError("control_characters", "Line breaks and control characters are not allowed.");
  }
  let text = input.normalize("NFKC").replace(ZERO_WIDTH, "").trim();
  if (/^tel:/iu.test(text)) text = text.slice(4);
  const compact = text.replace(FORMATTING, "");
  // An extension only if what precedes the marker is a whole number by itself: "55X 1212" is a letter.
  const extension = EXTENSION.exec(compact);
  if (extension && parse(extension[1] ?? "", options.defaultRegion)?.isValid()) {
    throw new IdentifierError("extension_not_allowed", "Enter the number without an extension.");
  }
  if (compact === "" || compact === "+") throw new IdentifierError("empty", "Enter a phone number.");
  if (/\p{L}/u.test(compact)) {
    throw new IdentifierError("letters_in_number", "A phone number contains digits only, no letters.");
  }
  if (!/^\+?\d+$/u.test(compact)) {
    throw new IdentifierError("invalid_number", "A phone number contains digits only, with an optional leading +.");
  }
  const international = compact.startsWith("+");
  if (!international && !options.defaultRegion) {
    throw new IdentifierError("missing_country_code", "Include the country code, starting with + (for example +1 408 555 0100).");
  }
  const parsed = parse(compact, options.defaultRegion);
  if (!parsed || !parsed.isValid()) {
    throw new IdentifierError("invalid_number", "That is not a valid phone number.");
  }
  const e164 = parsed.number as `+${string}`;
  return {
    kind: "tel",
    uri: `tel:${e164}`,
    e164,
    region: parsed.country,
    lineType: LINE_TYPES[parsed.getType() ?? ""] ?? "unknown",
  };
}

function parse(digits: string, defaultRegion: string | undefined) {
  return digits.startsWith("+")
    ? parsePhoneNumberFromString(digits)
    : defaultRegion
      ? parsePhoneNumberFromString(digits, defaultRegion as CountryCode)
      : undefined;
}
