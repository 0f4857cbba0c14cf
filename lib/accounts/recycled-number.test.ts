import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { identifiers, sessions, signInStepUps, users } from "@/db/schema";
import { testKeys } from "@/test/support/otp-harness";
import { createRecipients } from "@/test/support/recipients";
import { reauthenticateWithCode } from "./reauthenticate-with-code";
import { signInWithCode } from "./sign-in-with-code";
import { useTestDatabase } from "@/test/support/seeded-test-database";

const DAY = 24 * 60 * 60_000;
const testDb = useTestDatabase({ signingKey: true, truncateBeforeEach: ["users", "otp_challenges", "rate_events", "sign_in_step_ups"] });

async function provenAt(uri: string): Promise<Date> {
  const [row] = await testDb.db.select({ verifiedAt: identifiers.verifiedAt }).from(identifiers).where(eq(identifiers.uri, uri));
  return row!.verifiedAt;
}

describe("a code sign-in to an account that holds the code's identifier", () => {
  it("stops at a step-up when the account has a passkey: no session, the identifier's last proof untouched, the code used", async () => {
    const people = createRecipients(testDb.db);
    const alice = await people.signUp("+33612345678");
    await people.registerPasskey(alice.userId);
    const before = await provenAt("tel:+33612345678");
    people.otp.advance(60_000);

    const { challengeId } = await people.otp.request("+33612345678", { clientIp: people.nextIp() });
    const code = people.otp.lastCode();
    const outcome = await signInWithCode({ db: testDb.db, keys: testKeys, challengeId, code, now: people.otp.now() });
    expect(outcome).toMatchObject({ ok: true, status: "step_up", stepUp: { token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/u) } });
    expect(await testDb.db.select().from(sessions)).toHaveLength(1); // alice's sign-up session only
    expect(await provenAt("tel:+33612345678")).toEqual(before);
    // Only the token's hash is stored.
    const [stored] = await testDb.db.select().from(signInStepUps);
    expect(stored).toMatchObject({ userId: alice.userId, identifier: "tel:+33612345678", reason: "passkey" });
    expect(JSON.stringify(stored)).not.toContain(outcome.ok && outcome.status === "step_up" ? outcome.stepUp.token : "?");
    // The code cannot be entered again to try once more.
    expect(await signInWithCode({ db: testDb.db, keys: testKeys, challengeId, code, now: people.otp.now() })).toMatchObject({ ok: false, reason: "used" });
  });

  it("opens an account without a passkey directly while its identifier was proven in the last 45 days", async () => {
    const people = createRecipients(testDb.db);
    const bob = await people.signUp("bob@example.com");
    people.otp.advance(44 * DAY);
    const again = await people.codeSignIn("bob@example.com");
    expect(again).toMatchObject({ ok: true, status: "signed_in", userId: bob.userId, newAccount: false });
    expect(await provenAt("mailto:bob@example.com")).toEqual(people.otp.now());
  });

  it("asks after 45 days without a proof of the identifier, for a single-identifier account too", async () => {
    const people = createRecipients(testDb.db);
    await people.signUp("+14085551212");
    people.otp.advance(45 * DAY);
    const outcome = await people.codeSignIn("+14085551212");
    expect(outcome).toMatchObject({ ok: true, status: "step_up" });
    const [stored] = await testDb.db.select().from(signInStepUps);
    expect(stored!.reason).toBe("long_absence");
    expect(await testDb.db.select().from(users)).toHaveLength(1);
  });

  it("measures absence per identifier: an account used daily by email still asks about a number unproven for 45 days", async () => {
    const people = createRecipients(testDb.db);
    const carol = await people.signUp("carol@example.com");
    await people.addIdentifier(carol.userId, "+447911123456");
    for (let day = 0; day < 46; day += 5) {
      people.otp.advance(5 * DAY);
      expect(await people.codeSignIn("carol@example.com")).toMatchObject({ ok: true, status: "signed_in", userId: carol.userId });
    }
    expect(await people.codeSignIn("+447911123456")).toMatchObject({ ok: true, status: "step_up" });
  });

  it("counts a re-authentication code as a fresh proof of its identifier", async () => {
    const people = createRecipients(testDb.db);
    const dave = await people.signUp("dave@example.com");
    people.otp.advance(40 * DAY);
    const { challengeId } = await people.otp.request("dave@example.com", { purpose: "reauthenticate", userId: dave.userId, clientIp: people.nextIp() });
    const reauthenticated = await reauthenticateWithCode({
      db: testDb.db,
      keys: testKeys,
      userId: dave.userId,
      sessionToken: dave.session.token,
      challengeId,
      code: people.otp.lastCode(),
      now: people.otp.now(),
    });
    expect(reauthenticated).toEqual({ ok: true });
    people.otp.advance(10 * DAY);
    expect(await people.codeSignIn("dave@example.com")).toMatchObject({ ok: true, status: "signed_in" });
  });
});
