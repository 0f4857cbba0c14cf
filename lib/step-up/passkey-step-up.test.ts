import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { identifiers, mappings, passkeys, sessions, signInStepUps } from "@/db/schema";
import { PasskeyError } from "@/lib/passkeys/passkey-error";
import { startPasskeySignIn } from "@/lib/passkeys/sign-in-with-passkey";
import { authenticationResponseSchema } from "@/lib/validations/webauthn";
import { SoftwareAuthenticator } from "@mimi-discovery/msp-kit/testing";
import { createRecipients } from "@/test/support/recipients";
import { finishPasskeyStepUp, startPasskeyStepUp } from "./passkey-step-up";
import { StepUpError } from "./step-up-error";
import { useSeededTestDatabase } from "@/test/support/seeded-test-database";

const PHONE = "tel:+33612345678";
const testDb = useSeededTestDatabase();
beforeEach(async () => {
  await testDb.db.execute(sql`truncate users, mappings, tombstones, audit_log, webauthn_challenges, otp_challenges, rate_events, sign_in_step_ups cascade`);
});

/** Alice: an email and the number, a passkey, a published mapping of the number; then a code sign-in with the number. */
async function aliceAtStepUp() {
  const people = createRecipients(testDb.db);
  const alice = await people.signUp("alice@example.com");
  await people.addIdentifier(alice.userId, PHONE.slice(4));
  const key = await people.registerPasskey(alice.userId);
  const mappingId = await people.publish(alice.userId, PHONE, key);
  people.otp.advance(60_000);
  const token = await people.stepUpFor(PHONE.slice(4));
  return { people, alice, key, mappingId, token };
}

async function answer(people: ReturnType<typeof createRecipients>, token: string, authenticator: SoftwareAuthenticator, tweak: { origin?: string; userVerified?: boolean } = {}) {
  const started = await startPasskeyStepUp({ db: testDb.db, rp: people.rp, token, now: people.otp.now() });
  const raw = await authenticator.authenticate({ challenge: started.options.challenge, rpId: people.rp.rpId, origin: tweak.origin ?? people.origin, userVerified: tweak.userVerified ?? true });
  return { challengeId: started.challengeId, response: authenticationResponseSchema.parse(raw) };
}

async function provenAt(): Promise<Date> {
  const [phone] = await testDb.db.select({ verifiedAt: identifiers.verifiedAt }).from(identifiers).where(eq(identifiers.uri, PHONE));
  return phone!.verifiedAt;
}

/** What must not have changed after a refused step-up: the number on Alice's account as it was, her mapping served. */
async function expectUntouched(context: Awaited<ReturnType<typeof aliceAtStepUp>>, provenBefore: Date) {
  const [phone] = await testDb.db.select().from(identifiers).where(eq(identifiers.uri, PHONE));
  expect(phone).toMatchObject({ userId: context.alice.userId, verifiedAt: provenBefore });
  const [mapping] = await testDb.db.select().from(mappings).where(eq(mappings.id, context.mappingId));
  expect(mapping!.status).toBe("active");
  expect(await testDb.db.select().from(sessions).where(eq(sessions.userId, context.alice.userId))).toHaveLength(1);
  expect(await testDb.db.select().from(signInStepUps)).toHaveLength(1);
}

describe("the passkey step-up", () => {
  it("opens the account with its own passkey: a session for it, the step-up gone, the number freshly proven", async () => {
    const context = await aliceAtStepUp();
    const { people, alice, key, token } = context;
    const { challengeId, response } = await answer(people, token, key);
    const signedIn = await finishPasskeyStepUp({ db: testDb.db, rp: people.rp, token, challengeId, response, now: people.otp.now() });
    expect(signedIn.userId).toBe(alice.userId);
    expect(await testDb.db.select().from(sessions).where(eq(sessions.userId, alice.userId))).toHaveLength(2);
    expect(await testDb.db.select().from(signInStepUps)).toHaveLength(0);
    const [phone] = await testDb.db.select().from(identifiers).where(eq(identifiers.uri, PHONE));
    expect(phone!.verifiedAt).toEqual(people.otp.now());
    // Answered once: the same step-up cannot open the account a second time.
    await expect(answer(people, token, key)).rejects.toMatchObject({ code: "ended" });
  });

  it("refuses another account's passkey: the account untouched, the number not moved, the step-up still open", async () => {
    const context = await aliceAtStepUp();
    const { people, key, token } = context;
    const verifiedAt = await provenAt();
    const mallory = await people.signUp("mallory@example.com");
    const malloryKey = await people.registerPasskey(mallory.userId);
    const [counterBefore] = await testDb.db.select({ counter: passkeys.counter }).from(passkeys).where(eq(passkeys.userId, mallory.userId));

    const { challengeId, response } = await answer(people, token, malloryKey);
    const refused = finishPasskeyStepUp({ db: testDb.db, rp: people.rp, token, challengeId, response, now: people.otp.now() });
    await expect(refused).rejects.toBeInstanceOf(StepUpError);
    await expect(refused).rejects.toMatchObject({ code: "wrong_passkey", message: expect.stringContaining("Nothing was changed") });
    await expectUntouched(context, verifiedAt);
    expect(await testDb.db.select().from(sessions).where(eq(sessions.userId, mallory.userId))).toHaveLength(1);
    const [counterAfter] = await testDb.db.select({ counter: passkeys.counter }).from(passkeys).where(eq(passkeys.userId, mallory.userId));
    expect(counterAfter).toEqual(counterBefore);

    // The right passkey still opens it afterwards.
    const retry = await answer(people, token, key);
    expect((await finishPasskeyStepUp({ db: testDb.db, rp: people.rp, token, ...retry, now: people.otp.now() })).userId).toBe(context.alice.userId);
  });

  it("refuses a passkey registered nowhere here, a forged signature, a missing user verification and a wrong origin", async () => {
    const context = await aliceAtStepUp();
    const { people, key, token } = context;
    const verifiedAt = await provenAt();

    const stranger = await SoftwareAuthenticator.create();
    const unknown = await answer(people, token, stranger);
    await expect(finishPasskeyStepUp({ db: testDb.db, rp: people.rp, token, ...unknown, now: people.otp.now() })).rejects.toMatchObject({ code: "wrong_passkey" });

    const forged = await answer(people, token, key);
    const signature = Buffer.from(forged.response.response.signature, "base64url");
    signature[signature.length - 1]! ^= 0x01;
    forged.response.response.signature = signature.toString("base64url");
    await expect(finishPasskeyStepUp({ db: testDb.db, rp: people.rp, token, ...forged, now: people.otp.now() })).rejects.toMatchObject({ code: "not_verified" });

    const unverified = await answer(people, token, key, { userVerified: false });
    await expect(finishPasskeyStepUp({ db: testDb.db, rp: people.rp, token, ...unverified, now: people.otp.now() })).rejects.toBeInstanceOf(PasskeyError);

    const phished = await answer(people, token, key, { origin: "https://dp.example.evil" });
    await expect(finishPasskeyStepUp({ db: testDb.db, rp: people.rp, token, ...phished, now: people.otp.now() })).rejects.toMatchObject({ code: "not_verified" });

    await expectUntouched(context, verifiedAt);
  });

  it("does not take an assertion made for a passkey sign-in, or for another step-up of the same account", async () => {
    const context = await aliceAtStepUp();
    const { people, key, token } = context;
    const verifiedAt = await provenAt();

    const signIn = await startPasskeySignIn({ db: testDb.db, rp: people.rp, now: people.otp.now() });
    const forSignIn = authenticationResponseSchema.parse(await key.authenticate({ challenge: signIn.options.challenge, rpId: people.rp.rpId, origin: people.origin }));
    await expect(
      finishPasskeyStepUp({ db: testDb.db, rp: people.rp, token, challengeId: signIn.challengeId, response: forSignIn, now: people.otp.now() }),
    ).rejects.toMatchObject({ code: "challenge_invalid" });

    const otherTab = await people.stepUpFor(PHONE.slice(4));
    const forOtherTab = await answer(people, otherTab, key);
    await expect(finishPasskeyStepUp({ db: testDb.db, rp: people.rp, token, ...forOtherTab, now: people.otp.now() })).rejects.toMatchObject({ code: "challenge_invalid" });

    const [phone] = await testDb.db.select().from(identifiers).where(eq(identifiers.uri, PHONE));
    expect(phone).toMatchObject({ userId: context.alice.userId, verifiedAt });
  });

  it("ends with the sign-in attempt: after 10 minutes the step-up is gone and nothing opens", async () => {
    const { people, key, token } = await aliceAtStepUp();
    const { challengeId, response } = await answer(people, token, key);
    people.otp.advance(10 * 60_000 + 1);
    await expect(finishPasskeyStepUp({ db: testDb.db, rp: people.rp, token, challengeId, response, now: people.otp.now() })).rejects.toMatchObject({ code: "ended" });
    await expect(startPasskeyStepUp({ db: testDb.db, rp: people.rp, token, now: people.otp.now() })).rejects.toMatchObject({ code: "ended" });
    await expect(startPasskeyStepUp({ db: testDb.db, rp: people.rp, token: "not-a-token", now: people.otp.now() })).rejects.toMatchObject({ code: "ended" });
  });
});
