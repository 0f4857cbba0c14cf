import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdentifierError } from "./identifier-error.ts";
import { normalizeEmail } from "./normalize-email.ts";
import { normalizePhone } from "./normalize-phone.ts";
import { maskIdentifier, parseIdentifier } from "./parse-identifier.ts";

function errorCodeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof IdentifierError) return error.code;
    throw error;
  }
  return undefined;
}

describe("parseIdentifier routes each input to one normaliser", () => {
  it.each([
    ["Bob@Example.COM", "mailto:bob@example.com"],
    ["mailto:bob@example.com", "mailto:bob@example.com"],
    ["  MAILTO:Bob@Example.com ", "mailto:bob@example.com"],
    ["bob\uFF20example.com", "mailto:bob@example.com"], // full-width @, as typed with a CJK input method
  ])("%j is an email address: %s", (input, uri) => {
    const csi = parseIdentifier(input);
    expect(csi.kind).toBe("mailto");
    expect(csi.uri).toBe(uri);
  });

  it.each([
    ["+1 (408) 555-1212", "tel:+14085551212"],
    ["tel:+33 6 12 34 56 78", "tel:+33612345678"],
    ["\uFF0B44 20 7946 0958", "tel:+442079460958"],
  ])("%j is a phone number: %s", (input, uri) => {
    const csi = parseIdentifier(input);
    expect(csi.kind).toBe("tel");
    expect(csi.uri).toBe(uri);
  });

  it("an @ or a mailto: prefix sends malformed input to the email rules, not the phone rules", () => {
    // The phone rules would answer letters_in_number or invalid_number for these.
    expect(errorCodeOf(() => parseIdentifier("mailto:bob"))).toBe("not_one_at_sign");
    expect(errorCodeOf(() => parseIdentifier("+14085551212@example.com@x.com"))).toBe("not_one_at_sign");
    expect(errorCodeOf(() => parseIdentifier("bob@localhost"))).toBe("invalid_domain");
  });

  it("anything else goes to the phone rules, with the default region passed on", () => {
    expect(errorCodeOf(() => parseIdentifier("bob.example.com"))).toBe("letters_in_number");
    expect(errorCodeOf(() => parseIdentifier("(408) 555-1212"))).toBe("missing_country_code");
    expect(parseIdentifier("(408) 555-1212", { defaultRegion: "US" }).uri).toBe("tel:+14085551212");
  });

  it("answers exactly what the normaliser for that kind answers", () => {
    expect(parseIdentifier("Bob@Example.COM")).toEqual(normalizeEmail("Bob@Example.COM"));
    expect(parseIdentifier("+1 408 555 1212")).toEqual(normalizePhone("+1 408 555 1212"));
  });

  it("reads back the URIs it answers (stored identifiers are parsed again for display)", () => {
    for (const input of ["Bob@Bücher.de", "+44 20 7946 0958", "+1 800 356 9377"]) {
      const csi = parseIdentifier(input);
      expect(parseIdentifier(csi.uri)).toEqual(csi);
    }
  });
});

describe("maskIdentifier", () => {
  it("shows only the first character of an email's local part, and its domain", () => {
    const masked = maskIdentifier(parseIdentifier("alice.smith@example.com"));
    expect(masked).toBe("a•••@example.com");
    expect(masked).not.toContain("lice");
  });

  it("shows at most the country code's first digits and the last two digits of a number", () => {
    const masked = maskIdentifier(parseIdentifier("+1 408 555 1212"));
    expect(masked).toBe("+14•••••12");
    expect(masked).not.toContain("555");
  });

  it("never reveals more than 4 digits of any valid number, nor more than one character of a local part", () => {
    const numbers = ["+14085551212", "+442079460958", "+33612345678", "+4930123456", "+16502530000", "+18003569377"];
    for (const number of numbers) {
      const masked = maskIdentifier(normalizePhone(number));
      expect(masked.replace(/\D/gu, "").length).toBeLessThanOrEqual(4);
      expect(masked.startsWith(number.slice(0, 3))).toBe(true);
      expect(masked.endsWith(number.slice(-2))).toBe(true);
    }
    const local = fc.stringMatching(/^[a-z0-9]{2,20}$/u);
    fc.assert(
      fc.property(local, (name) => {
        const masked = maskIdentifier(normalizeEmail(`${name}@example.com`));
        // One character and a fixed mask: neither the rest nor the length of the local part shows.
        expect(masked).toBe(`${name[0]}•••@example.com`);
      }),
    );
  });
});
