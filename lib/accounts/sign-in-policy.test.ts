import { describe, expect, it } from "vitest";
import { decideCodeSignIn, LONG_ABSENCE_DAYS, stepUpOffers } from "./sign-in-policy";

const NOW = new Date("2026-11-22T10:00:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 60 * 60_000);

describe("decideCodeSignIn", () => {
  it("never opens an account that has a passkey with a code alone, however recent the code's identifier", () => {
    expect(decideCodeSignIn({ hasPasskey: true, otherIdentifiers: 0, provenAt: NOW }, NOW)).toEqual({ kind: "step_up", reason: "passkey" });
    expect(decideCodeSignIn({ hasPasskey: true, otherIdentifiers: 2, provenAt: daysAgo(1) }, NOW)).toEqual({ kind: "step_up", reason: "passkey" });
  });

  it("opens an account without a passkey while the identifier was proven in the last 45 days, and asks from day 45", () => {
    expect(LONG_ABSENCE_DAYS).toBe(45);
    const justUnder = new Date(daysAgo(45).getTime() + 1);
    expect(decideCodeSignIn({ hasPasskey: false, otherIdentifiers: 0, provenAt: justUnder }, NOW)).toEqual({ kind: "direct" });
    expect(decideCodeSignIn({ hasPasskey: false, otherIdentifiers: 0, provenAt: daysAgo(45) }, NOW)).toEqual({ kind: "step_up", reason: "long_absence" });
    expect(decideCodeSignIn({ hasPasskey: false, otherIdentifiers: 1, provenAt: daysAgo(400) }, NOW)).toEqual({ kind: "step_up", reason: "long_absence" });
  });
});

describe("stepUpOffers", () => {
  it("offers the passkey, a code to another identifier, and always the new holder's way out", () => {
    expect(stepUpOffers({ hasPasskey: true, otherIdentifiers: 1 })).toEqual({ passkey: true, otherIdentifier: true, ownAccount: false, newHolder: true });
    expect(stepUpOffers({ hasPasskey: true, otherIdentifiers: 0 })).toEqual({ passkey: true, otherIdentifier: false, ownAccount: false, newHolder: true });
    expect(stepUpOffers({ hasPasskey: false, otherIdentifiers: 2 })).toEqual({ passkey: false, otherIdentifier: true, ownAccount: false, newHolder: true });
  });

  it("lets the holder's word open an account only when the code is all it has", () => {
    expect(stepUpOffers({ hasPasskey: false, otherIdentifiers: 0 })).toEqual({ passkey: false, otherIdentifier: false, ownAccount: true, newHolder: true });
  });
});
