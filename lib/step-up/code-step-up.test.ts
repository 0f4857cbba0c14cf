import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { identifiers, otpChallenges, sessions, signInStepUps } from "@/db/schema";
import { hashCode, type CodeMessage } from "@/lib/otp/request-code";
import { parseIdentifier } from "@mimi-discovery/msp-kit";
import { testKeys } from "@/test/support/otp-harness";
import { createRecipients } from "@/test/support/recipients";
import { finishCodeStepUp, requestStepUpCode } from "./code-step-up";
import { describeStepUp } from "./describe-step-up";
import { useTestDatabase } from "@/test/support/seeded-test-database";

const PHONE = "tel:+33612345678";
const testDb = useTestDatabase({ signingKey: true, truncateBeforeEach: ["users", "otp_challenges", "rate_events", "sign_in_step_ups"] });

/** Alice: an email and the number, no passkey; the number unproven for 60 days, then a code sign-in with it. */
async function absentNumber() {
  const people = createRecipients(testDb.db);
  const alice = await people.signUp("alice@example.com");
  await people.addIdentifier(alice.userId, PHONE.slice(4));
  people.otp.advance(60 * 24 * 60 * 60_000);
  const token = await people.stepUpFor(PHONE.slice(4));
  const sent: CodeMessage[] = [];
  const request = (typed: string) =>
    requestStepUpCode({
      db: testDb.db,
      keys: testKeys,
      token,
      csi: parseIdentifier(typed),
      clientIp: people.nextIp(),
      phoneRegions: "*",
      now: people.otp.now(),
      deliver: async (message) => void sent.push(message),
    });
  return { people, alice, token, sent, request };
}

describe("a code to another of the account's identifiers", () => {
  it("opens the account once that identifier's code is entered, and both identifiers are freshly proven", async () => {
    const { people, alice, token, sent, request } = await absentNumber();
    const view = await describeStepUp(testDb.db, token, people.otp.now());
    expect(view).toMatchObject({ reason: "long_absence", offers: { passkey: false, otherIdentifier: true, ownAccount: false, newHolder: true } });
    // The page shows the number the person proved, masked, and nothing of the account's other identifiers.
    expect(JSON.stringify(view)).not.toContain("alice");

    await request("Alice@Example.com");
    expect(sent.map((message) => [message.csi.uri, message.purpose])).toEqual([["mailto:alice@example.com", "step_up"]]);
    const opened = await finishCodeStepUp({ db: testDb.db, keys: testKeys, token, code: sent[0]!.code, now: people.otp.now() });
    expect(opened).toMatchObject({ ok: true, userId: alice.userId });
    const proven = await testDb.db.select({ uri: identifiers.uri, verifiedAt: identifiers.verifiedAt }).from(identifiers).where(eq(identifiers.userId, alice.userId));
    expect(proven.every((row) => row.verifiedAt.getTime() === people.otp.now().getTime())).toBe(true);
    expect(await testDb.db.select().from(signInStepUps)).toHaveLength(0);
  });

  it("answers an identifier that is not on the account exactly as one that is, and sends it nothing", async () => {
    const { people, alice, token, sent, request } = await absentNumber();
    const stranger = await request("someone.else@example.com");
    const own = await request("alice@example.com");
    expect(Object.keys(stranger).sort()).toEqual(Object.keys(own).sort());
    expect(stranger.channel).toBe(own.channel);
    expect(sent.map((message) => message.csi.uri)).toEqual(["mailto:alice@example.com"]);
    // The stranger's code cannot open the account even if guessed right: that identifier is not on it.
    const [strangerChallenge] = await testDb.db.select().from(otpChallenges).where(eq(otpChallenges.id, stranger.challengeId));
    expect(strangerChallenge).toMatchObject({ purpose: "step_up", identifier: "mailto:someone.else@example.com" });
    await testDb.db.update(otpChallenges).set({ codeHash: hashCode(testKeys.otp, stranger.challengeId, "424242") }).where(eq(otpChallenges.id, stranger.challengeId));
    await testDb.db.update(signInStepUps).set({ codeChallengeId: stranger.challengeId }).where(eq(signInStepUps.userId, alice.userId));
    expect(await finishCodeStepUp({ db: testDb.db, keys: testKeys, token, code: "424242", now: people.otp.now() })).toEqual({ ok: false, reason: "unknown" });
    expect(await testDb.db.select().from(sessions).where(eq(sessions.userId, alice.userId))).toHaveLength(1);
  });

  it("refuses the number just used, and counts a wrong code without ending the step-up", async () => {
    const { people, alice, token, sent, request } = await absentNumber();
    await expect(request("+33 6 12 34 56 78")).rejects.toMatchObject({ code: "same_identifier" });
    await expect(finishCodeStepUp({ db: testDb.db, keys: testKeys, token, code: "123456", now: people.otp.now() })).rejects.toMatchObject({ code: "no_code" });

    await request("alice@example.com");
    const wrong = sent[0]!.code === "000000" ? "111111" : "000000";
    expect(await finishCodeStepUp({ db: testDb.db, keys: testKeys, token, code: wrong, now: people.otp.now() })).toEqual({ ok: false, reason: "wrong_code", attemptsLeft: 4 });
    expect(await testDb.db.select().from(sessions).where(eq(sessions.userId, alice.userId))).toHaveLength(1);
    expect(await testDb.db.select().from(signInStepUps)).toHaveLength(1);
    expect(await finishCodeStepUp({ db: testDb.db, keys: testKeys, token, code: sent[0]!.code, now: people.otp.now() })).toMatchObject({ ok: true, userId: alice.userId });
  });
});
