import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdentifierError, type IdentifierErrorCode } from "./identifier-error.ts";
import { normalizeEmail } from "./normalize-email.ts";

/** The code of the IdentifierError thrown, or undefined if nothing was thrown. Any other error fails the test. */
function errorCodeOf(input: string): IdentifierErrorCode | undefined {
  try {
    normalizeEmail(input);
  } catch (error) {
    if (error instanceof IdentifierError) return error.code;
    throw error;
  }
  return undefined;
}

const octets = (text: string) => new TextEncoder().encode(text).length;

/**
 * Base addresses, each with the spellings of its domain that must be treated as one (Unicode, NFD, punycode),
 * and the normalised address written out by hand (not computed by the code under test).
 */
const BASES = [
  { local: "bob", domains: ["example.com"], expected: "bob@example.com" },
  { local: "Alice.Smith+tag", domains: ["Example.ORG"], expected: "alice.smith+tag@example.org" },
  { local: "o'neil", domains: ["mail.example.co.uk"], expected: "o'neil@mail.example.co.uk" },
  { local: "x_y-z", domains: ["bücher.de", "bu\u0308cher.de", "xn--bcher-kva.de"], expected: "x_y-z@xn--bcher-kva.de" },
  { local: "info", domains: ["münchen.de", "xn--mnchen-3ya.de"], expected: "info@xn--mnchen-3ya.de" },
] as const;

const SURROUNDING_WHITESPACE = [" ", "\u00A0", "\u3000", "\u2003", "\u2009"];

/** Upper-cases each character whose flag is set (the bases avoid 'ß' and other characters that change length). */
function recase(text: string, upper: boolean[]): string {
  return [...text].map((character, index) => (upper[index] ? character.toUpperCase() : character)).join("");
}

const spelling = fc.constantFrom(...BASES).chain((base) =>
  fc
    .record({
      domain: fc.constantFrom(...base.domains),
      upper: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
      prefix: fc.constantFrom("", "mailto:", "MAILTO:", "Mailto:"),
      before: fc.array(fc.constantFrom(...SURROUNDING_WHITESPACE), { maxLength: 3 }),
      after: fc.array(fc.constantFrom(...SURROUNDING_WHITESPACE), { maxLength: 3 }),
    })
    .map(({ domain, upper, prefix, before, after }) => ({
      expected: base.expected,
      input: `${before.join("")}${prefix}${recase(`${base.local}@${domain}`, upper)}${after.join("")}`,
    })),
);

describe("normalizeEmail: every spelling of one address gives one mailto: URI", () => {
  it("casing, a mailto: prefix, surrounding whitespace and Unicode vs punycode domains normalise to one URI", () => {
    fc.assert(
      fc.property(spelling, ({ input, expected }) => {
        const csi = normalizeEmail(input);
        expect(csi).toEqual({ kind: "mailto", uri: `mailto:${expected}`, address: expected });
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ["Bob@Example.COM", "mailto:bob@example.com"],
    ["mailto:bob@bücher.de", "mailto:bob@xn--bcher-kva.de"],
    ["bob@BÜCHER.DE", "mailto:bob@xn--bcher-kva.de"],
    ["bob@XN--BCHER-KVA.DE", "mailto:bob@xn--bcher-kva.de"],
    ["ｂｏｂ＠ｅｘａｍｐｌｅ．ｃｏｍ", "mailto:bob@example.com"],
  ])("%j → %s", (input, uri) => {
    expect(normalizeEmail(input).uri).toBe(uri);
  });

  // Generated valid addresses: dot-atom local parts (every RFC 5322 atext character) and DNS-label domains.
  const atext = fc.constantFrom(..."abcxyzABCXYZ0189!#$%&'*+/=?^_`{|}~-".split(""));
  const localPart = fc
    .array(fc.string({ unit: atext, minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 6 })
    .map((atoms) => atoms.join("."))
    .filter((local) => local.length <= 64);
  const label = fc
    .string({ unit: fc.constantFrom(..."abcXYZ019-".split("")), minLength: 1, maxLength: 63 })
    .filter((text) => !text.startsWith("-") && !text.endsWith("-") && !text.startsWith("xn--"));
  const domain = fc
    .tuple(fc.array(label, { minLength: 1, maxLength: 4 }), fc.constantFrom("com", "org", "DE", "example"))
    .map(([labels, top]) => [...labels, top].join("."));

  it("its answer is lower-case, at most 254 octets, and normalises to itself", () => {
    fc.assert(
      fc.property(localPart, domain, (local, host) => {
        let csi;
        try {
          csi = normalizeEmail(`${local}@${host}`);
        } catch (error) {
          // The only acceptable refusal of a well-formed address is its length.
          expect(error).toBeInstanceOf(IdentifierError);
          expect((error as IdentifierError).code).toBe("too_long");
          expect(octets(`${local}@${host}`)).toBeGreaterThan(254);
          return;
        }
        expect(csi.address).toBe(`${local}@${host}`.toLowerCase());
        expect(csi.address).toBe(csi.address.toLowerCase());
        expect(octets(csi.address)).toBeLessThanOrEqual(254);
        expect(csi.uri).toBe(`mailto:${csi.address}`);
        expect(normalizeEmail(csi.uri)).toEqual(csi);
        expect(normalizeEmail(csi.address)).toEqual(csi);
      }),
      { numRuns: 500 },
    );
  });

  it("two @ signs are always refused, never shortened to one address", () => {
    fc.assert(
      fc.property(localPart, domain, domain, fc.constantFrom("@", "\uFF20"), (local, first, second, at) => {
        expect(errorCodeOf(`${local}@${first}${at}${second}`)).toBe("not_one_at_sign");
        expect(errorCodeOf(`mailto:${local}@${first}${at}${second}`)).toBe("not_one_at_sign");
      }),
      { numRuns: 200 },
    );
  });

  it("whatever it is given, it answers a lower-case address of at most 254 octets or throws an IdentifierError", () => {
    const anyText = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: "grapheme", maxLength: 60 }),
      fc.string({ unit: fc.constantFrom(..."ab.@-xn\u00FC\"()<> \r\n[]:0".split("")), maxLength: 40 }),
    );
    fc.assert(
      fc.property(anyText, (input) => {
        let address: string;
        try {
          address = normalizeEmail(input).address;
        } catch (error) {
          expect(error).toBeInstanceOf(IdentifierError);
          return;
        }
        expect(address).toBe(address.toLowerCase());
        expect(octets(address)).toBeLessThanOrEqual(254);
        expect(address.split("@")).toHaveLength(2);
        expect(address).not.toMatch(/[\s"()<>[\]\u0000-\u001F\u007F]/u);
        expect(address).toMatch(/^[\x21-\x7E]+$/u); // the domain is ASCII after IDNA, the local part is a dot-atom
      }),
      { numRuns: 1000 },
    );
  });
});

describe("normalizeEmail: refusals, each with its code", () => {
  it.each(["a@b.com@c.com", "mailto:a@b.com@c.com", "bob@example.com@", "bob", "bob.example.com", "mailto:bob"])(
    "%j → not_one_at_sign",
    (input) => {
      expect(errorCodeOf(input)).toBe("not_one_at_sign");
    },
  );

  it.each(["Bob <bob@example.com>", "<bob@example.com>", "bob@example.com>", "bob@example.com <evil@example.net>"])(
    "display name or angle brackets: %j → display_name_not_allowed",
    (input) => {
      expect(errorCodeOf(input)).toBe("display_name_not_allowed");
    },
  );

  it.each(["bob(x)@example.com", "bob@example.com(comment)", "(x)bob@example.com", "bob@(x)example.com"])(
    "comment: %j → comment_not_allowed",
    (input) => {
      expect(errorCodeOf(input)).toBe("comment_not_allowed");
    },
  );

  it.each(['"bob"@example.com', '"bob smith"@example.com', '"a@b.com"@c.com'])("quoted local part: %j → quoted_local_part", (input) => {
    expect(errorCodeOf(input)).toBe("quoted_local_part");
  });

  it.each([
    "bob@example.com\r\nBcc: x@y.com",
    "bob@example.com\r\n",
    "bob@example.com\n",
    "\r\nbob@example.com",
    "bob\r@example.com",
    "bob@exa\nmple.com",
    "bob@example.com\u0000",
    "bob@example.com\t",
    "mailto:bob@example.com\u007F",
  ])("control characters anywhere: %j → control_characters", (input) => {
    expect(errorCodeOf(input)).toBe("control_characters");
  });

  it.each([
    "bob@[127.0.0.1]",
    "bob@[IPv6:::1]",
    "bob@1.2.3.4",
    "bob@127.1",
    "bob@0x7f.0.0.1",
    "bob@localhost",
    "bob@com",
    "bob@",
    "bob@.example.com",
    "bob@example..com",
    "bob@example.com.",
    "bob@-example.com",
    "bob@example-.com",
    "bob@ex_ample.com",
    "bob@example.com:25",
    "bob@example.com/path",
    "bob@exa mple.com",
    `bob@${"a".repeat(64)}.com`,
    `bob@example.${"b".repeat(64)}`,
  ])("domain: %j → invalid_domain", (input) => {
    expect(errorCodeOf(input)).toBe("invalid_domain");
  });

  it("accepts a 63-character label and refuses a 64-character one", () => {
    expect(normalizeEmail(`bob@${"a".repeat(63)}.com`).address).toBe(`bob@${"a".repeat(63)}.com`);
    expect(errorCodeOf(`bob@${"a".repeat(64)}.com`)).toBe("invalid_domain");
  });

  it("refuses a label whose punycode form is over 63 characters", () => {
    // 60 'ü' are 60 characters as typed, far more once encoded: the limit applies to the ASCII form.
    expect(errorCodeOf(`bob@${"ü".repeat(60)}.de`)).toBe("invalid_domain");
  });

  it.each([
    "@example.com",
    ".bob@example.com",
    "bob.@example.com",
    "bo..b@example.com",
    "bób@example.com",
    "bob smith@example.com",
    "bob,alice@example.com",
    "bob;alice@example.com",
    "bob:x@example.com",
    "bob\\x@example.com",
  ])("local part: %j → invalid_local_part", (input) => {
    expect(errorCodeOf(input)).toBe("invalid_local_part");
  });

  it("accepts a 64-octet local part and refuses a 65-octet one", () => {
    expect(normalizeEmail(`${"a".repeat(64)}@example.com`).address).toBe(`${"a".repeat(64)}@example.com`);
    expect(errorCodeOf(`${"a".repeat(65)}@example.com`)).toBe("invalid_local_part");
  });

  it("accepts an address of exactly 254 octets and refuses one of 255", () => {
    const local = "a".repeat(64);
    const domainOf = (lastLabel: number) => `${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(lastLabel)}.com`;
    const longest = `${local}@${domainOf(57)}`;
    expect(octets(longest)).toBe(254);
    expect(normalizeEmail(longest).address).toBe(longest);
    const tooLong = `${local}@${domainOf(58)}`;
    expect(octets(tooLong)).toBe(255);
    expect(errorCodeOf(tooLong)).toBe("too_long");
  });

  it("counts the 254 octets on the ASCII (punycode) form, not on what was typed", () => {
    const typed = `${"a".repeat(64)}@${"bücher.".repeat(14)}de`;
    expect(typed.length).toBeLessThanOrEqual(254);
    expect(errorCodeOf(typed)).toBe("too_long");
  });

  it("refuses input over 512 characters before any other work", () => {
    expect(errorCodeOf(`bob@example.com${" ".repeat(600)}`)).toBe("too_long");
    expect(errorCodeOf(`${"a".repeat(513)}`)).toBe("too_long");
  });

  it.each(["", "   ", "\u00A0\u3000", "mailto:", "MAILTO:", "  mailto:  "])("empty: %j → empty", (input) => {
    expect(errorCodeOf(input)).toBe("empty");
  });
});

describe("normalizeEmail: mailto: with a space after the colon", () => {
  it("reads the address after the space", () => {
    expect(normalizeEmail("mailto: Bob@Example.com").uri).toBe("mailto:bob@example.com");
  });
});
