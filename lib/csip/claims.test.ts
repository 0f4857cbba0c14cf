import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeEmail } from "@mimi-discovery/msp-kit";
import { checkNewClaim, normaliseClaimValue, type Claim, type ClaimKind, type ClaimStatus } from "./claims";

function accepted(kind: ClaimKind, input: string): string {
  const result = normaliseClaimValue(kind, input);
  if (!result.ok) throw new Error(`refused ${JSON.stringify(input)}: ${result.message}`);
  return result.value;
}

function refusal(kind: ClaimKind, input: string): string | undefined {
  const result = normaliseClaimValue(kind, input);
  return result.ok ? undefined : result.message;
}

const prefix = (csipId: string, value: string): Claim => ({ csipId, kind: "e164_prefix", value });
const domain = (csipId: string, value: string): Claim => ({ csipId, kind: "email_domain", value });
const held = (claim: Claim, status: ClaimStatus = "approved") => ({ claim, status });

describe("normaliseClaimValue: E.164 prefixes", () => {
  // Expected values written out by hand, not computed by the code under test.
  it.each([
    ["+1408", "+1408"],
    ["+1 (408)", "+1408"],
    ["  +1 408  ", "+1408"],
    ["+1-408-555", "+1408555"],
    ["+44.20", "+4420"],
    ["tel:+1408", "+1408"],
    ["TEL:+33 1", "+331"],
    ["＋１ ４０８", "+1408"], // full-width, as typed on some keyboards
    ["+1\u200B408", "+1408"],
    ["+1\u2011408", "+1408"], // non-breaking hyphen
    ["+1", "+1"],
    ["+123456789012345", "+123456789012345"], // 15 digits: a whole number
  ])("accepts %j as %j", (input, expected) => {
    expect(accepted("e164_prefix", input)).toBe(expected);
  });

  it.each([
    ["", /enter a number prefix/iu],
    ["+", /enter a number prefix/iu],
    ["  ", /enter a number prefix/iu],
    ["+1*", /wildcard/iu],
    ["+1408*", /wildcard/iu],
    ["+1408xxx", /wildcard/iu],
    ["+1408XX", /wildcard/iu],
    ["+1408?", /wildcard/iu],
    ["+1408%", /wildcard/iu],
    ["+1408#", /wildcard/iu],
    ["+1abc", /letters/iu],
    ["+1 408 CALL", /letters/iu],
    ["+1+408", /digits only/iu],
    ["+1/408", /digits only/iu],
    ["+1_408", /digits only/iu],
    ["+١٤٠٨", /digits only/iu], // Arabic-Indic digits: NFKC keeps them, so they are not ASCII digits
    ["1408", /start with \+/iu], // decision: bare digits could be a national number
    ["001408", /start with \+/iu],
    ["0044", /start with \+/iu],
    ["+0", /never starts with 0/iu],
    ["+0123", /never starts with 0/iu],
    ["+1234567890123456", /at most 15 digits/iu],
    ["+1\n408", /control/iu],
    ["+1\u0000", /control/iu],
    [`+1${" ".repeat(70)}`, /too long/iu],
  ])("refuses %j", (input, message) => {
    expect(refusal("e164_prefix", input)).toMatch(message);
  });

  it("reads any formatting of a valid prefix as the prefix itself", () => {
    const formatting = fc.constantFrom(" ", ".", "-", "(", ")", "\u00A0", "\u2013", "\u200B");
    const digits = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 14 }));
    fc.assert(
      fc.property(digits, fc.array(fc.array(formatting, { maxLength: 2 }), { minLength: 16, maxLength: 16 }), ([first, rest], gaps) => {
        const value = `+${[first, ...rest].join("")}`;
        const typed = [...value].map((character, index) => `${character}${gaps[index]?.join("") ?? ""}`).join("");
        expect(accepted("e164_prefix", typed)).toBe(value);
      }),
    );
  });
});

describe("normaliseClaimValue: email domains", () => {
  it.each([
    ["example.com", "example.com"],
    ["Example.COM", "example.com"],
    ["  example.com\u00A0", "example.com"],
    ["mail.example.co.uk", "mail.example.co.uk"],
    ["bücher.de", "xn--bcher-kva.de"],
    ["bu\u0308cher.de", "xn--bcher-kva.de"], // NFD spelling of the same name
    ["XN--BCHER-KVA.DE", "xn--bcher-kva.de"],
    ["ＥＸＡＭＰＬＥ．ｃｏｍ", "example.com"], // full-width letters and full stop
    ["example\u3002com", "example.com"], // ideographic full stop, a label separator under IDNA
    ["my-mail.example", "my-mail.example"],
    ["123.example", "123.example"], // numeric labels are fine anywhere but last
  ])("accepts %j as %j", (input, expected) => {
    expect(accepted("email_domain", input)).toBe(expected);
  });

  it.each([
    ["", /enter a domain/iu],
    ["example", /two labels/iu],
    ["localhost", /two labels/iu],
    ["1.2.3.4", /IP address/iu],
    ["2130706433", /IP address/iu], // the URL parser reads this as 127.0.0.1
    ["0x7f.1", /IP address/iu],
    ["[::1]", /without a scheme/iu],
    ["*.example.com", /wildcard/iu],
    ["ex*ample.com", /wildcard/iu],
    ["@example.com", /without the @/iu],
    ["bob@example.com", /not an email address/iu],
    ["evil.com@example.com", /not an email address/iu],
    ["exa mple.com", /no spaces/iu],
    ["example.com/x", /without a scheme/iu],
    ["http://example.com", /without a scheme/iu],
    ["example.com:25", /without a scheme/iu],
    ["example.com?x", /without a scheme/iu],
    ["example.com#x", /without a scheme/iu],
    ["exa%6Dple.com", /without a scheme/iu],
    ["example\\com", /without a scheme/iu],
    ["example.com.", /trailing dot/iu],
    ["example..com", /not a valid domain/iu],
    ["-example.com", /not a valid domain/iu],
    ["example-.com", /not a valid domain/iu],
    ["_dmarc.example.com", /not a valid domain/iu],
    ["exa!mple.com", /not a valid domain/iu],
    ["exa<mple.com", /not a valid domain/iu],
    [`${"a".repeat(64)}.com`, /not a valid domain/iu],
    [`${Array.from({ length: 4 }, () => "a".repeat(63)).join(".")}.com`, /at most 253/iu],
    [`${"a".repeat(600)}.com`, /too long/iu],
    ["example.com\n", /control/iu],
    ["mailto:example.com", /without a scheme/iu],
  ])("refuses %j", (input, message) => {
    expect(refusal("email_domain", input)).toMatch(message);
  });

  // The property that matters for authority: a claim must equal the domain of every normalised address it covers.
  it("gives the same domain as the email normaliser gives an address at that domain", () => {
    const label = fc.stringMatching(/^[a-zA-Z0-9äöüßéñ]([a-zA-Z0-9äöüéñ-]{0,10}[a-zA-Z0-9äöüéñ])?$/u);
    const plausible = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => [...labels, "com"].join("."));
    // Mostly refused by both; surrounding whitespace is left out, since a claim trims it and "bob@ x.com" is refused.
    const piece = fc.constantFrom(..."aZ09-_.!*(%/:@?#[]<>\"'` ſKé\u3002\uFF0E\u00AD\u200B", "ß", "xn--");
    const soup = fc
      .array(fc.array(piece, { minLength: 1, maxLength: 6 }).map((pieces) => pieces.join("")), { minLength: 1, maxLength: 4 })
      .map((labels) => labels.join("."))
      .filter((text) => text === text.trim());
    fc.assert(
      fc.property(fc.oneof(plausible, soup), (input) => {
        const claim = normaliseClaimValue("email_domain", input);
        let address: string | undefined;
        try {
          address = normalizeEmail(`bob@${input}`).address;
        } catch {
          address = undefined;
        }
        // Both accept or both refuse; when both accept they agree byte for byte.
        expect(claim.ok ? `bob@${claim.value}` : undefined).toBe(address);
      }),
    );
  });

  it("is idempotent on whatever it accepts, for both kinds", () => {
    const kind = fc.constantFrom<ClaimKind>("e164_prefix", "email_domain");
    const input = fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^\+?[0-9 ().-]{1,20}$/u), fc.domain());
    fc.assert(
      fc.property(kind, input, (claimKind, text) => {
        const first = normaliseClaimValue(claimKind, text);
        if (!first.ok) return;
        expect(normaliseClaimValue(claimKind, first.value)).toEqual(first);
      }),
    );
  });

  it("refuses an unknown kind from an untyped caller", () => {
    expect(normaliseClaimValue("ip_range" as ClaimKind, "10.0.0.0/8").ok).toBe(false);
  });
});

describe("checkNewClaim", () => {
  it("accepts a first claim", () => {
    expect(checkNewClaim(prefix("a", "+1408"), [])).toEqual({ ok: true });
    expect(checkNewClaim(domain("a", "example.com"), [])).toEqual({ ok: true });
  });

  it.each<[string, Claim, { claim: Claim; status: ClaimStatus }[], string]>([
    ["the same prefix approved for another CSIP", prefix("a", "+1408"), [held(prefix("b", "+1408"))], "held_by_other"],
    ["the same prefix pending for another CSIP", prefix("a", "+1408"), [held(prefix("b", "+1408"), "pending")], "held_by_other"],
    ["the same domain held by another CSIP", domain("a", "example.com"), [held(domain("b", "example.com"))], "held_by_other"],
    ["the same prefix already approved for itself", prefix("a", "+1408"), [held(prefix("a", "+1408"))], "duplicate"],
    ["the same prefix already pending for itself", prefix("a", "+1408"), [held(prefix("a", "+1408"), "pending")], "duplicate"],
    ["the same domain already its own", domain("a", "example.com"), [held(domain("a", "example.com"), "pending")], "duplicate"],
    ["a prefix inside its own approved prefix", prefix("a", "+1408"), [held(prefix("a", "+1"))], "overlaps_own"],
    ["a prefix inside its own pending prefix", prefix("a", "+14085"), [held(prefix("a", "+1408"), "pending")], "overlaps_own"],
    ["a prefix containing its own prefix", prefix("a", "+1"), [held(prefix("a", "+1408555"))], "overlaps_own"],
    // Held by another and also by itself (only if the rule was bypassed): the contest is the more serious news.
    ["a value held by both", prefix("a", "+1408"), [held(prefix("a", "+1408")), held(prefix("b", "+1408"))], "held_by_other"],
  ])("refuses %s", (_name, claim, existing, code) => {
    const result = checkNewClaim(claim, existing);
    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.code).toBe(code);
  });

  it.each<[string, Claim, { claim: Claim; status: ClaimStatus }[]]>([
    ["a prefix nested inside another CSIP's prefix", prefix("b", "+1408"), [held(prefix("a", "+1"))]],
    ["a prefix containing another CSIP's prefix", prefix("a", "+1"), [held(prefix("b", "+1408"))]],
    ["a sibling of its own prefix", prefix("a", "+1409"), [held(prefix("a", "+1408"))]],
    ["a subdomain of its own domain (domains match exactly)", domain("a", "sub.example.com"), [held(domain("a", "example.com"))]],
    ["a subdomain of another CSIP's domain", domain("b", "sub.example.com"), [held(domain("a", "example.com"))]],
    ["the parent of another CSIP's domain", domain("a", "example.com"), [held(domain("b", "mail.example.com"))]],
    ["a domain whose text equals a prefix of the other kind", domain("a", "example.com"), [held(prefix("b", "+1"))]],
  ])("accepts %s", (_name, claim, existing) => {
    expect(checkNewClaim(claim, existing)).toEqual({ ok: true });
  });

  // What the CSIP admin reads next to the field: the value, the kind and what to do, never the other CSIP.
  it.each<[Claim, { claim: Claim; status: ClaimStatus }[], string]>([
    [prefix("a", "+1408"), [held(prefix("b", "+1408"))], "The prefix +1408 is already claimed by another CSIP."],
    [domain("a", "example.com"), [held(domain("b", "example.com"))], "The domain example.com is already claimed by another CSIP."],
    [prefix("a", "+1408"), [held(prefix("a", "+1408"))], "The prefix +1408 is already yours (approved)."],
    [domain("a", "example.com"), [held(domain("a", "example.com"), "pending")], "The domain example.com is already yours (awaiting approval)."],
    [prefix("a", "+1408"), [held(prefix("a", "+1"))], "The prefix +1408 lies inside your claim +1, which already covers it."],
    [prefix("a", "+1"), [held(prefix("a", "+1408555"))], "The prefix +1 contains your claim +1408555: withdraw that claim first."],
  ])("says why it refuses %j", (claim, existing, message) => {
    const result = checkNewClaim(claim, existing);
    expect(result.ok ? undefined : result.message).toBe(message);
  });

  it("compares a claim only with claims of its own kind", () => {
    // A damaged row of the other kind with the same text must neither block nor duplicate the new claim.
    expect(checkNewClaim(domain("a", "example.com"), [held({ csipId: "b", kind: "e164_prefix", value: "example.com" })])).toEqual({ ok: true });
    expect(checkNewClaim(prefix("a", "+1408"), [held({ csipId: "a", kind: "email_domain", value: "+1" })])).toEqual({ ok: true });
  });

  it("checks nesting for prefixes only: a domain inside its own domain's text is its own claim", () => {
    expect(checkNewClaim(domain("a", "example.co"), [held(domain("a", "example.com"))])).toEqual({ ok: true });
  });

  it("names the rule in the error it throws for a loose value", () => {
    expect(() => checkNewClaim(prefix("a", "+1 408"), [])).toThrow("checkNewClaim needs a value from normaliseClaimValue.");
  });

  it("does not name the other CSIP in a held_by_other message", () => {
    const result = checkNewClaim(prefix("a", "+1408"), [held(prefix("secret-csip", "+1408"))]);
    expect(result.ok ? "" : result.message).not.toContain("secret-csip");
  });

  it("throws on a value that was not normalised, instead of missing a conflict", () => {
    expect(() => checkNewClaim(prefix("a", "+1 408"), [held(prefix("b", "+1408"))])).toThrow(TypeError);
    expect(() => checkNewClaim(domain("a", "Example.com"), [])).toThrow(TypeError);
    expect(() => checkNewClaim(prefix("a", "+"), [])).toThrow(TypeError);
  });

  // Whatever order claims arrive in, those accepted never share a value across CSIPs nor nest within one CSIP.
  it("keeps the accepted set free of ties and own overlaps", () => {
    const attempt = fc.record({
      csipId: fc.constantFrom("a", "b", "c"),
      value: fc.stringMatching(/^\+[1-3][0-3]{0,4}$/u),
      status: fc.constantFrom<ClaimStatus>("pending", "approved"),
    });
    fc.assert(
      fc.property(fc.array(attempt, { maxLength: 40 }), (attempts) => {
        const kept: { claim: Claim; status: ClaimStatus }[] = [];
        for (const { csipId, value, status } of attempts) {
          const claim = prefix(csipId, value);
          if (checkNewClaim(claim, kept).ok) kept.push({ claim, status });
        }
        for (const [i, x] of kept.entries()) {
          for (const y of kept.slice(i + 1)) {
            expect(x.claim.value === y.claim.value).toBe(false);
            if (x.claim.csipId === y.claim.csipId) {
              expect(x.claim.value.startsWith(y.claim.value) || y.claim.value.startsWith(x.claim.value)).toBe(false);
            }
          }
        }
      }),
    );
  });
});

describe("normaliseClaimValue: lengths and edges", () => {
  it("takes a prefix typed in up to 64 characters, and refuses a 65th", () => {
    expect(accepted("e164_prefix", `+1 408${" ".repeat(58)}`)).toBe("+1408");
    expect(refusal("e164_prefix", `+1 408${" ".repeat(59)}`)).toBe("That is too long to be a number prefix.");
  });

  it("takes a domain typed in up to 512 characters, and refuses a 513th", () => {
    expect(accepted("email_domain", `example.com${" ".repeat(501)}`)).toBe("example.com");
    expect(refusal("email_domain", `example.com${" ".repeat(502)}`)).toBe("That is too long to be a domain.");
  });

  it("takes a domain of 253 characters, and refuses one of 254", () => {
    const of = (length: number) => `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(length - 3 * 64)}`;
    expect(accepted("email_domain", of(253))).toHaveLength(253);
    expect(refusal("email_domain", of(254))).toBe("A domain has at most 253 characters.");
  });

  it("drops tel: only in front, and reads x as a wildcard only at the end", () => {
    expect(accepted("e164_prefix", "tel:+1408")).toBe("+1408");
    expect(refusal("e164_prefix", "+1408tel:")).toBe("A number prefix contains digits only, no letters.");
    expect(refusal("e164_prefix", "+1x408")).toBe("A number prefix contains digits only, no letters.");
    expect(refusal("e164_prefix", "+1408xx")).toBe("Wildcards are not needed: a prefix already covers every number that starts with it. Enter digits only.");
  });

  it("refuses an all-numeric last label as an IP address, but not a label that only starts with digits", () => {
    expect(refusal("email_domain", "127.1")).toBe("An IP address is not a domain.");
    expect(accepted("email_domain", "mail.example.1com")).toBe("mail.example.1com");
    expect(accepted("email_domain", "mail.example.com1")).toBe("mail.example.com1");
  });

  it("refuses an unknown kind with a sentence saying so", () => {
    expect(refusal("ip_range" as ClaimKind, "10.0.0.0/8")).toBe("Unknown claim kind.");
  });
});

