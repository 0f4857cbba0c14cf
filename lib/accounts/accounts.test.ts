import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { federationOutbox, identifiers, otpChallenges, sessions, users } from "@/db/schema";
import { createOtpHarness, testKeys } from "@/test/support/otp-harness";
import { hashSessionToken } from "@/lib/auth/session-rules";
import { addIdentifierWithCode } from "./add-identifier-with-code";
import { reauthenticateWithCode } from "./reauthenticate-with-code";
import { removeIdentifier } from "./remove-identifier";
import { signInWithCode } from "./sign-in-with-code";
import { useTestDatabase } from "@/test/support/seeded-test-database";

const ISSUER = "http://localhost:3000";
  // Every DP has one from its first start; a new holder's proof is signed with it for the peers (issue 14).
const testDb = useTestDatabase({ signingKey: true, truncateBeforeEach: ["users", "otp_challenges", "rate_events"] });

async function signIn(otp: ReturnType<typeof createOtpHarness>, identifier: string, previousSessionToken?: string) {
  const { challengeId } = await otp.request(identifier);
  const outcome = await signInWithCode({ db: testDb.db, keys: testKeys, challengeId, code: otp.lastCode(), now: otp.now(), previousSessionToken });
  if (!outcome.ok) throw new Error(`sign-in failed: ${outcome.reason}`);
  if (outcome.status !== "signed_in") throw new Error("sign-in asked for a step-up");
  return outcome;
}

describe("signInWithCode", () => {
  it("creates an account for a first-time identifier and returns to it later, storing only token hashes", async () => {
    const otp = createOtpHarness(testDb.db);
    const first = await signIn(otp, "Ada@Example.com");
    expect(first.newAccount).toBe(true);
    const again = await signIn(otp, "ada@example.com");
    expect(again.newAccount).toBe(false);
    expect(again.userId).toBe(first.userId);
    const stored = await testDb.db.select().from(sessions);
    expect(stored.map((row) => row.sessionToken).sort()).toEqual([first.session.token, again.session.token].map(hashSessionToken).sort());
  });

  it("rotates the session: signing in again ends the browser's previous session", async () => {
    const otp = createOtpHarness(testDb.db);
    const first = await signIn(otp, "bob@example.com");
    const second = await signIn(otp, "bob@example.com", first.session.token);
    expect(second.session.token).not.toBe(first.session.token);
    const stored = await testDb.db.select().from(sessions);
    expect(stored.map((row) => row.sessionToken)).toEqual([hashSessionToken(second.session.token)]);
  });

  it("leaves nothing half-written and the code unused when a wrong code is given", async () => {
    const otp = createOtpHarness(testDb.db);
    const { challengeId } = await otp.request("carol@example.com");
    const wrong = otp.lastCode() === "000000" ? "111111" : "000000";
    const outcome = await signInWithCode({ db: testDb.db, keys: testKeys, challengeId, code: wrong, now: otp.now() });
    expect(outcome).toMatchObject({ ok: false, reason: "wrong_code" });
    expect(await testDb.db.select().from(users)).toHaveLength(0);
    expect(await testDb.db.select().from(sessions)).toHaveLength(0);
    const [challenge] = await testDb.db.select().from(otpChallenges).where(eq(otpChallenges.id, challengeId));
    expect(challenge!.consumedAt).toBeNull();
  });

  it("of 20 concurrent submissions of the right code, exactly one signs in", async () => {
    const otp = createOtpHarness(testDb.db);
    const { challengeId } = await otp.request("dave@example.com");
    const code = otp.lastCode();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => signInWithCode({ db: testDb.db, keys: testKeys, challengeId, code, now: otp.now() })),
    );
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    expect(outcomes.filter((outcome) => !outcome.ok).every((outcome) => !outcome.ok && outcome.reason === "used")).toBe(true);
    expect(await testDb.db.select().from(sessions)).toHaveLength(1);
    expect(await testDb.db.select().from(users)).toHaveLength(1);
  });

  it("two first sign-ins of one new identifier at once end in one account", async () => {
    const otp = createOtpHarness(testDb.db);
    const a = await otp.request("erin@example.com");
    const codeA = otp.lastCode();
    const b = await otp.request("erin@example.com", { purpose: "sign_in", clientIp: "192.0.2.2" });
    const codeB = otp.lastCode();
    // The second request closed the first challenge: re-open it to race two valid codes.
    await testDb.db.update(otpChallenges).set({ closedAt: null }).where(eq(otpChallenges.id, a.challengeId));
    const [first, second] = await Promise.all([
      signInWithCode({ db: testDb.db, keys: testKeys, challengeId: a.challengeId, code: codeA, now: otp.now() }),
      signInWithCode({ db: testDb.db, keys: testKeys, challengeId: b.challengeId, code: codeB, now: otp.now() }),
    ]);
    expect(first.ok && second.ok).toBe(true);
    expect(first.ok && second.ok && first.status === "signed_in" && second.status === "signed_in" && first.userId === second.userId).toBe(true);
    expect(await testDb.db.select().from(users)).toHaveLength(1);
  });
});

describe("identifiers on an account", () => {
  it("adds an identifier with a code sent to it, and a fresh proof moves it from another account", async () => {
    const otp = createOtpHarness(testDb.db);
    const alice = await signIn(otp, "alice@example.com");
    const bob = await signIn(otp, "bob@example.com");
    const { challengeId } = await otp.request("+33 6 12 34 56 78", { purpose: "add_identifier", userId: alice.userId });
    const added = await addIdentifierWithCode({ db: testDb.db, keys: testKeys, userId: alice.userId, challengeId, code: otp.lastCode(), now: otp.now(), issuer: ISSUER, sealingKey: testKeys.sealing });
    expect(added).toEqual({ ok: true, uri: "tel:+33612345678", notice: null });

    const again = await otp.request("+33612345678", { purpose: "add_identifier", userId: bob.userId });
    expect(
      await addIdentifierWithCode({ db: testDb.db, keys: testKeys, userId: alice.userId, challengeId: again.challengeId, code: otp.lastCode(), now: otp.now(), issuer: ISSUER, sealingKey: testKeys.sealing }),
    ).toEqual({ ok: false, reason: "unknown" });
    const moved = await addIdentifierWithCode({ db: testDb.db, keys: testKeys, userId: bob.userId, challengeId: again.challengeId, code: otp.lastCode(), now: otp.now(), issuer: ISSUER, sealingKey: testKeys.sealing });
    // The previous holder is told, and the notice does not say who took the identifier over.
    expect(moved.ok && moved.notice).toMatchObject({ userId: alice.userId, kind: "identifier.taken_over" });
    expect(moved.ok && moved.notice && moved.notice.text).not.toMatch(/bob/i);
    const [row] = await testDb.db.select().from(identifiers).where(eq(identifiers.uri, "tel:+33612345678"));
    expect(row!.userId).toBe(bob.userId);
    // Peers are told too: a statement signed by this DP, naming the identifier and neither holder.
    const queued = await testDb.db.select().from(federationOutbox);
    expect(queued).toHaveLength(1);
    const claims = JSON.parse(Buffer.from(queued[0]!.statement!.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
    expect(claims).toEqual({ iss: ISSUER, sub: "tel:+33612345678", iat: Math.floor(otp.now().getTime() / 1000) });
  });

  it("re-authenticates the current session with a code to the account's own identifier only", async () => {
    const otp = createOtpHarness(testDb.db);
    const alice = await signIn(otp, "alice@example.com");
    otp.advance(30 * 60_000);
    const { challengeId } = await otp.request("alice@example.com", { purpose: "reauthenticate", userId: alice.userId });
    const outcome = await reauthenticateWithCode({
      db: testDb.db,
      keys: testKeys,
      userId: alice.userId,
      sessionToken: alice.session.token,
      challengeId,
      code: otp.lastCode(),
      now: otp.now(),
    });
    expect(outcome).toEqual({ ok: true });
    const [session] = await testDb.db.select().from(sessions);
    expect(session!.reauthenticatedAt).toEqual(otp.now());

    const stranger = await otp.request("mallory@example.com", { purpose: "reauthenticate", userId: alice.userId });
    const refused = await reauthenticateWithCode({
      db: testDb.db,
      keys: testKeys,
      userId: alice.userId,
      sessionToken: alice.session.token,
      challengeId: stranger.challengeId,
      code: otp.lastCode(),
      now: otp.now(),
    });
    expect(refused).toEqual({ ok: false, reason: "unknown" });
  });

  it("removes an identifier of the account, never the last one, never another account's", async () => {
    const otp = createOtpHarness(testDb.db);
    const alice = await signIn(otp, "alice@example.com");
    const bob = await signIn(otp, "bob@example.com");
    const [aliceRow] = await testDb.db.select().from(identifiers).where(eq(identifiers.userId, alice.userId));
    expect(await removeIdentifier({ db: testDb.db, issuer: ISSUER, sealingKey: testKeys.sealing, userId: alice.userId, identifierId: aliceRow!.id, now: otp.now() })).toEqual({ ok: false, reason: "last_identifier" });
    expect(await removeIdentifier({ db: testDb.db, issuer: ISSUER, sealingKey: testKeys.sealing, userId: bob.userId, identifierId: aliceRow!.id, now: otp.now() })).toEqual({ ok: false, reason: "not_found" });
    expect(await removeIdentifier({ db: testDb.db, issuer: ISSUER, sealingKey: testKeys.sealing, userId: bob.userId, identifierId: "x' or 1=1", now: otp.now() })).toEqual({ ok: false, reason: "not_found" });
    expect(await testDb.db.select().from(identifiers)).toHaveLength(2);
  });
});
