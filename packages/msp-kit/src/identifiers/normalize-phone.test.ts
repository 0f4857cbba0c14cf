import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdentifierError, type IdentifierErrorCode } from "./identifier-error.ts";
import { normalizePhone, type NormalizePhoneOptions } from "./normalize-phone.ts";

/** The code of the IdentifierError thrown, or undefined if nothing was thrown. Any other error fails the test. */
function errorCodeOf(input: string, options?: NormalizePhoneOptions): IdentifierErrorCode | undefined {
  try {
    normalizePhone(input, options);
  } catch (error) {
    if (error instanceof IdentifierError) return error.code;
    throw error;
  }
  return undefined;
}

const BASE_NUMBERS = ["+14085551212", "+442079460958", "+33612345678", "+4930123456", "+16502530000"] as const;

// Protocol section 1: spaces, dots, dashes, parentheses and zero-width characters are formatting.
const FORMATTING_CHARACTERS = [
  " ",
  ".",
  "-",
  "(",
  ")",
  "\u00A0", // no-break space
  "\u200B", // zero-width space
  "\u200C", // zero-width non-joiner
  "\u200D", // zero-width joiner
  "\u2060", // word joiner
  "\uFEFF", // zero-width no-break space (BOM)
  "\u2010", // hyphen
  "\u2013", // en dash
  "\u2212", // minus sign
  "\u3000", // ideographic space
  "\uFF0D", // full-width hyphen-minus
  "\uFF08", // full-width parentheses
  "\uFF09",
];

/** ASCII digit or '+' to its full-width form (U+FF10..U+FF19, U+FF0B). */
function toFullWidth(character: string): string {
  if (character === "+") return "\uFF0B";
  if (/^\d$/u.test(character)) return String.fromCharCode(0xff10 + Number(character));
  return character;
}

/** Inserts each formatting character at a position of the growing string (positions wrap around its length). */
function insertAll(text: string, insertions: ReadonlyArray<readonly [number, string]>): string {
  let result = text;
  for (const [position, character] of insertions) {
    const at = position % (result.length + 1);
    result = result.slice(0, at) + character + result.slice(at);
  }
  return result;
}

const formattingCharacter = fc.constantFrom(...FORMATTING_CHARACTERS);
// Up to 40 insertions keeps every spelling (at most 17 characters before them) under the 64-character input limit.
const insertions = fc.array(fc.tuple(fc.nat(), formattingCharacter), { maxLength: 40 });

/** Spellings of one number: formatting anywhere in the number, random full-width digits and '+', optional tel:. */
function spellingsOf(digits: string, options: { prefixes: string[] }) {
  return fc
    .record({
      fullWidth: fc.array(fc.boolean(), { minLength: digits.length, maxLength: digits.length }),
      insertions,
      prefix: fc.constantFrom(...options.prefixes),
    })
    .map(({ fullWidth, insertions: inserts, prefix }) => {
      const widened = [...digits].map((character, index) => (fullWidth[index] ? toFullWidth(character) : character)).join("");
      return prefix + insertAll(widened, inserts);
    });
}

const numberAndSpelling = fc
  .constantFrom(...BASE_NUMBERS)
  .chain((e164) => spellingsOf(e164, { prefixes: ["", "tel:", "TEL:", "Tel:"] }).map((spelling) => ({ e164, spelling })));

describe("normalizePhone: every spelling of one number gives one tel: URI", () => {
  it("formatting characters, full-width digits and '+', and a tel: prefix all normalise to tel:+E164", () => {
    fc.assert(
      fc.property(numberAndSpelling, ({ e164, spelling }) => {
        const csi = normalizePhone(spelling);
        expect(csi.uri).toBe(`tel:${e164}`);
        expect(csi.e164).toBe(e164);
        expect(csi.kind).toBe("tel");
        // Equal spellings must be equal in every field, line type included: it picks the OTP channel.
        expect(csi).toEqual(normalizePhone(e164));
      }),
      { numRuns: 500 },
    );
  });

  it("the tel: URI it answers normalises to itself", () => {
    fc.assert(
      fc.property(numberAndSpelling, ({ spelling }) => {
        const csi = normalizePhone(spelling);
        expect(normalizePhone(csi.uri)).toEqual(csi);
      }),
      { numRuns: 200 },
    );
  });

  it("national spellings of a US number are accepted with defaultRegion US and refused without one", () => {
    const nationalSpellings = fc.oneof(
      spellingsOf("4085551212", { prefixes: ["", "tel:"] }),
      spellingsOf("14085551212", { prefixes: ["", "tel:"] }),
    );
    fc.assert(
      fc.property(nationalSpellings, (spelling) => {
        expect(normalizePhone(spelling, { defaultRegion: "US" }).uri).toBe("tel:+14085551212");
        expect(errorCodeOf(spelling)).toBe("missing_country_code");
      }),
      { numRuns: 300 },
    );
  });

  it("a default region does not override the country code that was typed", () => {
    expect(normalizePhone("+44 20 7946 0958", { defaultRegion: "US" }).uri).toBe("tel:+442079460958");
  });

  it.each([
    ["+1 (408) 555-1212", "tel:+14085551212"],
    ["tel:+1-408-555-1212", "tel:+14085551212"],
    ["  +44 20 7946 0958  ", "tel:+442079460958"],
    ["+33 6 12 34 56 78", "tel:+33612345678"],
    ["+49 30 123456", "tel:+4930123456"],
    ["\uFF0B\uFF11 \uFF16\uFF15\uFF10 \uFF12\uFF15\uFF13 \uFF10\uFF10\uFF10\uFF10", "tel:+16502530000"],
  ])("%j → %s", (input, uri) => {
    expect(normalizePhone(input).uri).toBe(uri);
  });
});

describe("normalizePhone: line type and region", () => {
  it.each([
    ["+33612345678", "mobile", "FR"],
    ["+442079460958", "fixed_line", "GB"],
    ["+4930123456", "fixed_line", "DE"],
    ["+18003569377", "toll_free", "US"],
  ] as const)("%s is %s in %s", (input, lineType, region) => {
    const csi = normalizePhone(input);
    expect(csi.lineType).toBe(lineType);
    expect(csi.region).toBe(region);
  });

  it("keeps the line type across spellings", () => {
    expect(normalizePhone("tel:+33 6 12 34 56 78").lineType).toBe("mobile");
    expect(normalizePhone("\uFF0B44 (20) 7946-0958").lineType).toBe("fixed_line");
  });
});

describe("normalizePhone: refusals, each with its code", () => {
  it.each([
    ["+1 408 FLOWERS", "letters_in_number"],
    ["+1 800 CALL NOW", "letters_in_number"],
    ["tel:+1408555121a", "letters_in_number"],
  ])("letters: %j → %s", (input, code) => {
    expect(errorCodeOf(input)).toBe(code);
  });

  it.each([
    "+1 408 555 1212 ext 5",
    "+1 408 555 1212 ext. 5",
    "+1 408 555 1212 extension 5",
    "+1 408 555 1212 EXT5",
    "+1 408 555 1212 x5",
    "+1 408 555 1212 X 5",
    "+1 408 555 1212 #5",
    "+1 408 555 1212;ext=5",
    "tel:+14085551212;ext=5",
  ])("extension: %j → extension_not_allowed", (input) => {
    expect(errorCodeOf(input)).toBe("extension_not_allowed");
  });

  it.each([
    "+1 123",
    "+999 1234",
    // The right length for their country, so "possible", but not valid: validity is what is checked.
    "+1 123 456 7890",
    "+1 000 555 1212",
    "+33 0 12 34 56 78",
    "+1 408 555 12",
    "+44 20 7946 09581234",
    "++14085551212",
    "+1 408 555 1212 +",
    "+1/408/555/1212",
    "+1 408 555 1212 *",
  ])("malformed or invalid: %j → invalid_number", (input) => {
    expect(errorCodeOf(input)).toBe("invalid_number");
  });

  it.each(["4085551212", "14085551212", "(408) 555-1212", "tel:4085551212"])(
    "no country code and no default region: %j → missing_country_code",
    (input) => {
      expect(errorCodeOf(input)).toBe("missing_country_code");
    },
  );

  it.each(["(408) 555-1212", "14085551212", "408.555.1212", "1 (408) 555-1212"])(
    "with defaultRegion US, %j is accepted as +14085551212",
    (input) => {
      const csi = normalizePhone(input, { defaultRegion: "US" });
      expect(csi.uri).toBe("tel:+14085551212");
      expect(csi.region).toBe("US");
    },
  );

  it.each([
    "+1 408 555 1212\r\n",
    "+1 408\r555 1212",
    "+1 408\n555 1212",
    "\r\n+14085551212",
    "+14085551212\u0000",
    "+1\t408 555 1212",
    "+14085551212\u007F",
  ])("control characters: %j → control_characters", (input) => {
    expect(errorCodeOf(input)).toBe("control_characters");
  });

  it("refuses input over 64 characters, even when it is only a formatted valid number", () => {
    const padded64 = `+14085551212${" ".repeat(64 - "+14085551212".length)}`;
    expect(padded64).toHaveLength(64);
    expect(normalizePhone(padded64).uri).toBe("tel:+14085551212");
    expect(errorCodeOf(`${padded64} `)).toBe("too_long");
    expect(errorCodeOf(`+1${"4".repeat(200)}`)).toBe("too_long");
    expect(errorCodeOf("1".repeat(10_000))).toBe("too_long");
  });

  it.each(["", "   ", "tel:", "TEL:  ", "+", "tel:+", "( ) - .", "\u200B\u2060\uFEFF"])("empty: %j → empty", (input) => {
    expect(errorCodeOf(input)).toBe("empty");
  });

  it("whatever it is given, it answers a valid tel: URI or throws an IdentifierError, nothing else", () => {
    const anyText = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: fc.constantFrom(..."+0123456789 ().-x#tel:;=\uFF0B\uFF11\u200B\r\n".split("")), maxLength: 40 }),
    );
    fc.assert(
      fc.property(anyText, (input) => {
        let uri: string;
        try {
          uri = normalizePhone(input).uri;
        } catch (error) {
          expect(error).toBeInstanceOf(IdentifierError);
          return;
        }
        // E.164: a '+', a non-zero first digit, at most 15 digits.
        expect(uri).toMatch(/^tel:\+[1-9]\d{1,14}$/u);
        expect(input.length).toBeLessThanOrEqual(64);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("normalizePhone: formatting is removed before anything is judged", () => {
  it("accepts zero-width characters before a tel: prefix", () => {
    expect(normalizePhone("\u200Btel:+14085551212").uri).toBe("tel:+14085551212");
  });

  it("calls a letter inside the number a letter, not an extension", () => {
    expect(() => normalizePhone("+1 408 55X 1212")).toThrow(expect.objectContaining({ code: "letters_in_number" }));
    expect(() => normalizePhone("+1 408 555 1212 x\u200B5")).toThrow(expect.objectContaining({ code: "extension_not_allowed" }));
  });
});
