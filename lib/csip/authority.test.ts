import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { authorityFor, mayAct, type PortRecord } from "./authority";
import type { Claim } from "./claims";

const prefix = (csipId: string, value: string): Claim => ({ csipId, kind: "e164_prefix", value });
const domain = (csipId: string, value: string): Claim => ({ csipId, kind: "email_domain", value });
const port = (csi: string, fromCsipId: string | null, toCsipId: string | null, at: string): PortRecord => ({
  csi,
  fromCsipId,
  toCsipId,
  at: new Date(at),
});

const BOB = "tel:+14085551212";
const CLAIMS = [prefix("telco-a", "+1408"), prefix("telco-b", "+1650"), domain("mail-a", "example.com")];

describe("authorityFor: number portability (slides' table, as authority changes)", () => {
  // The table's result column is about which app provider serves the user, a matter of mappings. Authority to act on
  // the number follows the number provider in every row: after a port from A to B, B may act and A may not.
  it.each([
    ["is not the App Provider", "is not the App Provider", "No change"],
    ["is not the App Provider", "is the App Provider", "Adds a second AP for this user"],
    ["is the App Provider", "is not the App Provider", "Removes the AP for this user"],
    ["is the App Provider", "is the App Provider", "Changes the AP for this user"],
  ])("donor %s, receiving %s (%s): authority moves to the receiving provider", () => {
    const records = [port(BOB, "telco-a", "telco-b", "2024-05-01T10:00:00Z")];
    expect(authorityFor(BOB, CLAIMS, [])).toMatchObject({ csipId: "telco-a", basis: "range" });
    expect(authorityFor(BOB, CLAIMS, records)).toMatchObject({ csipId: "telco-b", basis: "port" });
    expect(mayAct("telco-b", BOB, CLAIMS, records)).toBe(true);
    expect(mayAct("telco-a", BOB, CLAIMS, records)).toBe(false);
  });

  it("gives a ported-in number to the receiving CSIP although it lies inside the donor's range", () => {
    const records = [port(BOB, "telco-a", "telco-b", "2024-05-01T10:00:00Z")];
    const authority = authorityFor(BOB, CLAIMS, records);
    expect(authority).toEqual({
      csipId: "telco-b",
      basis: "port",
      detail: "Ported in to telco-b from telco-a at 2024-05-01T10:00:00.000Z.",
    });
    // Only this number moved: its neighbours in the range stay with the range holder.
    expect(authorityFor("tel:+14085551213", CLAIMS, records)).toMatchObject({ csipId: "telco-a", basis: "range" });
  });

  it("gives a number ported in from a provider that is not a CSIP here to the receiving CSIP", () => {
    const records = [port("tel:+442071234567", null, "telco-b", "2024-05-01T10:00:00Z")];
    expect(authorityFor("tel:+442071234567", CLAIMS, [])).toMatchObject({ csipId: null, basis: "none" });
    expect(authorityFor("tel:+442071234567", CLAIMS, records)).toMatchObject({ csipId: "telco-b", basis: "port" });
  });

  it("gives a number ported out to a provider that is not a CSIP here to nobody, not back to its range holder", () => {
    const records = [port(BOB, "telco-a", null, "2024-05-01T10:00:00Z")];
    expect(authorityFor(BOB, CLAIMS, records)).toMatchObject({ csipId: null, basis: "port" });
    expect(mayAct("telco-a", BOB, CLAIMS, records)).toBe(false);
    // Until a CSIP ports it in: then that CSIP, and still not the range holder.
    const later = [...records, port(BOB, null, "telco-c", "2024-09-01T00:00:00Z")];
    expect(authorityFor(BOB, CLAIMS, later)).toMatchObject({ csipId: "telco-c", basis: "port" });
    expect(mayAct("telco-a", BOB, CLAIMS, later)).toBe(false);
  });

  it("lets the latest port win when a number goes A to B and back to A, whatever the order of the records", () => {
    const away = port(BOB, "telco-a", "telco-b", "2024-05-01T10:00:00Z");
    const back = port(BOB, "telco-b", "telco-a", "2024-08-01T10:00:00Z");
    for (const records of [[away, back], [back, away]]) {
      expect(authorityFor(BOB, CLAIMS, records)).toMatchObject({ csipId: "telco-a", basis: "port" });
      expect(mayAct("telco-b", BOB, CLAIMS, records)).toBe(false);
    }
    // One millisecond decides.
    const bounce = port(BOB, "telco-a", "telco-b", "2024-08-01T10:00:00.001Z");
    expect(authorityFor(BOB, CLAIMS, [away, back, bounce]).csipId).toBe("telco-b");
  });

  it("gives nobody authority when the latest records disagree or a time is invalid, rather than guess", () => {
    const at = "2024-05-01T10:00:00Z";
    const split = [port(BOB, "telco-a", "telco-b", at), port(BOB, "telco-a", "telco-c", at)];
    expect(authorityFor(BOB, CLAIMS, split)).toMatchObject({ csipId: null, basis: "port" });
    const agreeing = [port(BOB, "telco-a", "telco-b", at), port(BOB, null, "telco-b", at)];
    expect(authorityFor(BOB, CLAIMS, agreeing)).toMatchObject({ csipId: "telco-b", basis: "port" });
    const invalid = [port(BOB, "telco-a", "telco-b", at), port(BOB, "telco-b", "telco-c", "not a date")];
    expect(authorityFor(BOB, CLAIMS, invalid)).toMatchObject({ csipId: null, basis: "port" });
  });

  it("ignores port records of other numbers and other spellings", () => {
    const records = [port("tel:+14085551213", "telco-a", "telco-b", "2024-05-01T10:00:00Z")];
    expect(authorityFor(BOB, CLAIMS, records)).toMatchObject({ csipId: "telco-a", basis: "range" });
  });
});

describe("authorityFor: ranges", () => {
  const nested = [prefix("country", "+1"), prefix("region", "+1408"), prefix("block", "+1408555"), prefix("other", "+1409")];

  it.each([
    ["tel:+14085551212", "block", "+1408555"],
    ["tel:+14084441212", "region", "+1408"],
    ["tel:+12125551212", "country", "+1"],
    ["tel:+14095551212", "other", "+1409"],
  ])("gives %s to the longest approved prefix (%s, %s)", (csi, csipId, value) => {
    expect(authorityFor(csi, nested, [])).toEqual({ csipId, basis: "range", detail: `${csipId} holds the approved range ${value}.` });
  });

  it("gives a number outside every range to nobody", () => {
    expect(authorityFor("tel:+442071234567", nested, [])).toEqual({
      csipId: null,
      basis: "none",
      detail: "No approved number range covers this number.",
    });
  });

  it("picks the lowest csipId when two CSIPs hold the same prefix, and says so", () => {
    const tied = [prefix("zeta", "+1408"), prefix("Alpha", "+1408"), prefix("alpha", "+1408"), prefix("short", "+1")];
    const authority = authorityFor(BOB, tied, []);
    // Code-unit order: upper case sorts before lower case, whatever the locale.
    expect(authority.csipId).toBe("Alpha");
    expect(authority.detail).toMatch(/Alpha, alpha, zeta all hold the approved range \+1408; chose Alpha/u);
    // The same CSIP listed twice is not a tie.
    expect(authorityFor(BOB, [prefix("a", "+1408"), prefix("a", "+1408")], []).detail).toBe("a holds the approved range +1408.");
  });

  it("ignores malformed and other-kind claims, so a damaged row never covers every number", () => {
    const damaged = [
      prefix("empty", ""),
      prefix("plus", "+"),
      prefix("wild", "+1*"),
      prefix("spaced", "+1 408"),
      domain("mail", "+1408"),
    ];
    expect(authorityFor(BOB, damaged, [])).toMatchObject({ csipId: null, basis: "none" });
  });

  it("covers a 15-digit prefix that is the whole number", () => {
    expect(authorityFor("tel:+123456789012345", [prefix("one", "+123456789012345")], []).csipId).toBe("one");
  });
});

describe("authorityFor: email domains", () => {
  const claims = [domain("mail-a", "example.com"), domain("mail-b", "sub.example.com"), domain("idn", "xn--bcher-kva.de")];

  it.each([
    ["mailto:bob@example.com", "mail-a", "example.com"],
    ["mailto:bob@sub.example.com", "mail-b", "sub.example.com"],
    ["mailto:info@xn--bcher-kva.de", "idn", "xn--bcher-kva.de"],
  ])("gives %s to the claim for exactly its domain", (csi, csipId, value) => {
    expect(authorityFor(csi, claims, [])).toEqual({ csipId, basis: "domain", detail: `${csipId} holds the approved domain ${value}.` });
  });

  it("does not extend a domain claim to its subdomains or its parent", () => {
    expect(authorityFor("mailto:bob@other.example.com", claims, [])).toMatchObject({ csipId: null, basis: "none" });
    expect(authorityFor("mailto:bob@example.com", [domain("mail-b", "sub.example.com")], []).csipId).toBeNull();
    expect(authorityFor("mailto:bob@notexample.com", claims, []).csipId).toBeNull();
  });

  it("does not read port records for an address", () => {
    const records = [port("mailto:bob@example.com", "mail-a", "mail-b", "2024-05-01T10:00:00Z")];
    expect(authorityFor("mailto:bob@example.com", claims, records)).toMatchObject({ csipId: "mail-a", basis: "domain" });
  });

  it("picks the lowest csipId when two CSIPs hold the same domain", () => {
    const authority = authorityFor("mailto:bob@example.com", [domain("m2", "example.com"), domain("m1", "example.com")], []);
    expect(authority.csipId).toBe("m1");
    expect(authority.detail).toContain("chose m1");
  });

  it("never matches a number range against an address or a domain against a number", () => {
    expect(authorityFor("mailto:bob@example.com", [prefix("t", "+1")], []).csipId).toBeNull();
    expect(authorityFor(BOB, [domain("m", "example.com")], []).csipId).toBeNull();
  });
});

describe("authorityFor: CSIs not in normalised form have no authority", () => {
  const ported = [port(BOB, "telco-a", "telco-b", "2024-05-01T10:00:00Z")];

  it.each([
    "tel:+1 408 555 1212",
    "tel:14085551212",
    "TEL:+14085551212",
    "tel:+04085551212",
    "tel:+1234567890123456",
    "+14085551212",
    "tel:+1408555121x",
    "mailto:Bob@example.com",
    "mailto:bob@Example.com",
    "mailto:bob@bücher.de",
    "MAILTO:bob@example.com",
    "mailto:bob@example.com@evil.com",
    "mailto:bob",
    "mailto:",
    "bob@example.com",
    "",
    "xtel:+14085551212",
    "tel:+14085551212;ext=1",
    "tel:+1408555121a",
    "sip:bob@example.com",
  ])("%j", (csi) => {
    const claims = [...CLAIMS, domain("idn", "xn--bcher-kva.de"), prefix("country", "+1")];
    expect(authorityFor(csi, claims, ported)).toMatchObject({ csipId: null, basis: "none" });
    // In particular, a loose spelling of a ported-out number does not hand it back to its old range holder.
    expect(mayAct("telco-a", csi, claims, ported)).toBe(false);
  });
});

// Nested ranges drawn from a small alphabet so that prefixes of the number and near misses are both common.
const digits = (min: number, max: number) =>
  fc.array(fc.constantFrom("1", "2", "3"), { minLength: min, maxLength: max }).map((list) => list.join(""));
const numberArb = digits(6, 14).map((rest) => `+1${rest}`);
const claimArb = fc.record({ csipId: fc.constantFrom("a", "b", "c", "d", "B"), value: digits(0, 8).map((rest) => `+1${rest}`) });
const csipOrNull = fc.option(fc.constantFrom("a", "b", "c", "x"), { nil: null });

/** Brute force: every prefix of the number from longest to shortest, and the first that somebody holds. */
function referenceByRange(e164: string, claims: Claim[]): string | null {
  for (let length = e164.length; length >= 2; length -= 1) {
    const holders = claims.filter((claim) => claim.value === e164.slice(0, length)).map((claim) => claim.csipId);
    if (holders.length > 0) return holders.sort()[0]!;
  }
  return null;
}

describe("authorityFor: properties", () => {
  it("equals a brute-force longest-prefix reference for random nested prefix sets", () => {
    fc.assert(
      fc.property(numberArb, fc.array(claimArb, { maxLength: 12 }), (e164, raw) => {
        const claims = raw.map(({ csipId, value }) => prefix(csipId, value));
        const expected = referenceByRange(e164, claims);
        const authority = authorityFor(`tel:${e164}`, claims, []);
        expect(authority.csipId).toBe(expected);
        expect(authority.basis).toBe(expected === null ? "none" : "range");
      }),
    );
  });

  it("lets the latest port record for the number override every range", () => {
    const recordArb = fc.record({ toMe: fc.boolean(), from: csipOrNull, to: csipOrNull, at: fc.integer({ min: 0, max: 20 }) });
    fc.assert(
      fc.property(numberArb, fc.array(claimArb, { maxLength: 8 }), fc.array(recordArb, { maxLength: 6 }), (e164, raw, rawRecords) => {
        const csi = `tel:${e164}`;
        const claims = raw.map(({ csipId, value }) => prefix(csipId, value));
        const records = rawRecords.map(({ toMe, from, to, at }) => ({
          csi: toMe ? csi : "tel:+19999999999",
          fromCsipId: from,
          toCsipId: to,
          at: new Date(at * 1000),
        }));
        const mine = records.filter((record) => record.csi === csi);
        const latest = Math.max(...mine.map((record) => record.at.getTime()));
        const receivers = [...new Set(mine.filter((record) => record.at.getTime() === latest).map((record) => record.toCsipId))];
        const expected = mine.length === 0 ? referenceByRange(e164, claims) : receivers.length === 1 ? receivers[0]! : null;
        const authority = authorityFor(csi, claims, records);
        expect(authority.csipId).toBe(expected);
        if (mine.length > 0) expect(authority.basis).toBe("port");
      }),
    );
  });

  it("lets at most one CSIP act on any CSI, the one authorityFor names", () => {
    const csiArb = fc.oneof(
      numberArb.map((e164) => `tel:${e164}`),
      fc.constantFrom("mailto:bob@example.com", "mailto:bob@sub.example.com", "mailto:bob@other.org"),
    );
    const anyClaim = fc.oneof(
      claimArb.map(({ csipId, value }) => prefix(csipId, value)),
      fc.record({ csipId: fc.constantFrom("a", "b"), value: fc.constantFrom("example.com", "sub.example.com") }).map(
        ({ csipId, value }) => domain(csipId, value),
      ),
    );
    fc.assert(
      fc.property(csiArb, fc.array(anyClaim, { maxLength: 10 }), fc.array(fc.tuple(csipOrNull, fc.nat(5)), { maxLength: 3 }), (csi, claims, raw) => {
        const records = raw.map(([to, at]) => ({ csi, fromCsipId: null, toCsipId: to, at: new Date(at) }));
        const allowed = ["a", "b", "c", "d", "B", "x"].filter((id) => mayAct(id, csi, claims, records));
        expect(allowed.length).toBeLessThanOrEqual(1);
        expect(allowed[0] ?? null).toBe(authorityFor(csi, claims, records).csipId);
      }),
    );
  });
});

// The detail is what an operator reads in the log and the console: it names the deciding fact, never the identifier.
describe("authorityFor: what each decision says", () => {
  it.each([
    ["a tel: URI that is not E.164", "tel:+0408", [], "The CSI is not a normalised tel: URI."],
    ["a loose address", "mailto:Bob@example.com", [], "The CSI is not a normalised mailto: URI."],
    ["another scheme", "sip:bob@example.com", [], "The CSI is neither a tel: nor a mailto: URI."],
    ["a number in no range", "tel:+33612345678", [], "No approved number range covers this number."],
    ["an address of no claimed domain", "mailto:bob@example.org", [], "No approved claim for the domain example.org."],
    ["an invalid port time", BOB, [port(BOB, "telco-a", "telco-b", "not a time")], "A port record for this number has an invalid time; nobody may act until it is corrected."],
    [
      "disagreeing ports",
      BOB,
      [port(BOB, "telco-a", "telco-b", "2024-05-01T10:00:00Z"), port(BOB, "telco-a", "telco-c", "2024-05-01T10:00:00Z")],
      "Port records at 2024-05-01T10:00:00.000Z name different receiving providers; nobody may act until they are corrected.",
    ],
    [
      "a port out of the DP's CSIPs",
      BOB,
      [port(BOB, null, null, "2024-05-01T10:00:00Z")],
      "Ported out from a provider that is not a CSIP here at 2024-05-01T10:00:00.000Z to a provider that is not a CSIP here; nobody may act until a CSIP ports it in.",
    ],
    ["a port in", BOB, [port(BOB, null, "telco-b", "2024-05-01T10:00:00Z")], "Ported in to telco-b from a provider that is not a CSIP here at 2024-05-01T10:00:00.000Z."],
    ["a port between CSIPs", BOB, [port(BOB, "telco-a", "telco-b", "2024-05-01T10:00:00Z")], "Ported in to telco-b from telco-a at 2024-05-01T10:00:00.000Z."],
  ] as const)("for %s", (_name, csi, records, detail) => {
    expect(authorityFor(csi, CLAIMS, records).detail).toBe(detail);
  });

  it("keeps claim kinds apart even when a damaged row names a domain as a prefix", () => {
    const damaged: Claim = { csipId: "t", kind: "e164_prefix", value: "example.org" };
    expect(authorityFor("mailto:bob@example.org", [damaged], []).csipId).toBeNull();
  });
});

