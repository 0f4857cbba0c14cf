import { describe, expect, it } from "vitest";
import { hashSessionToken, isFreshlyAuthenticated, REAUTH_WINDOW_MS } from "./session-rules";

const SIGNED_IN = new Date("2026-11-22T10:00:00Z");
const at = (ms: number) => new Date(SIGNED_IN.getTime() + ms);

/** Adding or removing an identifier or a passkey needs a sign-in or re-authentication from the last 10 minutes. */
describe("the re-authentication window", () => {
  it("is 10 minutes", () => {
    expect(REAUTH_WINDOW_MS).toBe(10 * 60_000);
  });

  it("counts a sign-in as fresh up to exactly 10 minutes, and not a millisecond longer", () => {
    const session = { authenticatedAt: SIGNED_IN, reauthenticatedAt: null };
    expect(isFreshlyAuthenticated(session, SIGNED_IN)).toBe(true);
    expect(isFreshlyAuthenticated(session, at(10 * 60_000))).toBe(true);
    expect(isFreshlyAuthenticated(session, at(10 * 60_000 + 1))).toBe(false);
    expect(isFreshlyAuthenticated(session, at(24 * 60 * 60_000))).toBe(false);
  });

  it("opens again for 10 minutes from a re-authentication", () => {
    const session = { authenticatedAt: SIGNED_IN, reauthenticatedAt: at(60 * 60_000) };
    expect(isFreshlyAuthenticated(session, at(60 * 60_000 + 10 * 60_000))).toBe(true);
    expect(isFreshlyAuthenticated(session, at(60 * 60_000 + 10 * 60_000 + 1))).toBe(false);
  });

  it("takes the later of sign-in and re-authentication, whichever came last", () => {
    const stale = { authenticatedAt: at(30 * 60_000), reauthenticatedAt: SIGNED_IN };
    expect(isFreshlyAuthenticated(stale, at(35 * 60_000))).toBe(true);
    expect(isFreshlyAuthenticated(stale, at(41 * 60_000))).toBe(false);
  });
});

describe("session tokens at rest", () => {
  it("are stored as their SHA-256, in hex", () => {
    expect(hashSessionToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
