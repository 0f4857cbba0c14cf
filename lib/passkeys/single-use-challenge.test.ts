import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identifiers, mappings, webauthnChallenges } from "@/db/schema";
import { SoftwareAuthenticator } from "@mimi-discovery/msp-kit/testing";
import { createOtpHarness, testKeys } from "@/test/support/otp-harness";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { signInWithCode } from "@/lib/accounts/sign-in-with-code";
import { seedDemoMsps } from "@/lib/bootstrap/demo-msps";
import { ensureSigningKey } from "@/lib/keys/ensure-signing-key";
import { mappingDraftSchema } from "@/lib/mappings/draft-schema";
import { prepareMapping } from "@/lib/mappings/prepare-mapping";
import { publishMapping } from "@/lib/mappings/publish-mapping";
import { finishRecipientRemoval, startRecipientRemoval } from "@/lib/removals/recipient-removal";
import { PasskeyError } from "./passkey-error";
import { finishPasskeyRegistration, startPasskeyRegistration } from "./register-passkey";
import { relyingPartyFor } from "./relying-party";
import { signInWithPasskey, startPasskeySignIn } from "./sign-in-with-passkey";

const ORIGIN = "http://localhost:3000";
const rp = relyingPartyFor(ORIGIN);
let testDb: TestDatabase;
let counter = 0;

beforeAll(async () => {
  testDb = await createTestDatabase();
  await ensureSigningKey(testDb.db, testKeys.sealing);
  await seedDemoMsps(testDb.db);
});
afterAll(async () => {
  await testDb.close();
});

async function person() {
  const email = `single-use-${++counter}@example.com`;
  const otp = createOtpHarness(testDb.db);
  const { challengeId } = await otp.request(email, { clientIp: `192.0.2.${counter}` });
  const signedIn = await signInWithCode({ db: testDb.db, keys: testKeys, challengeId, code: otp.lastCode(), now: otp.now() });
  if (!signedIn.ok || signedIn.status !== "signed_in") throw new Error("sign-in failed");
  const authenticator = await SoftwareAuthenticator.create();
  const started = await startPasskeyRegistration({ db: testDb.db, rp, userId: signedIn.userId, userName: email, now: new Date() });
  await finishPasskeyRegistration({
    db: testDb.db,
    rp,
    userId: signedIn.userId,
    challengeId: started.challengeId,
    name: "key",
    response: (await authenticator.register(started.options, ORIGIN)) as never,
    now: new Date(),
  });
  const [identifier] = await testDb.db.select().from(identifiers).where(eq(identifiers.userId, signedIn.userId));
  return { userId: signedIn.userId, identifierId: identifier!.id, email, authenticator };
}

const assertion = async (authenticator: SoftwareAuthenticator, challenge: string, flags: { userVerified?: boolean } = {}) =>
  (await authenticator.authenticate({ challenge, rpId: rp.rpId, origin: ORIGIN, ...flags })) as never;

async function refusedWith(action: Promise<unknown>): Promise<string> {
  const error = await action.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PasskeyError);
  return (error as PasskeyError).code;
}

async function challengeRows(id: string) {
  return testDb.db.select().from(webauthnChallenges).where(eq(webauthnChallenges.id, id));
}

/**
 * Security rules, "Passkeys": a challenge is single use. A refused answer rolls the action's transaction back, and
 * the challenge must stay consumed all the same, or the same challenge could be answered again, correctly, later.
 */
describe("a WebAuthn challenge answered once and refused cannot be answered again", () => {
  it("at passkey sign-in", async () => {
    const bob = await person();
    const started = await startPasskeySignIn({ db: testDb.db, rp, now: new Date() });
    const refused = signInWithPasskey({ db: testDb.db, rp, challengeId: started.challengeId, response: await assertion(bob.authenticator, started.options.challenge, { userVerified: false }), now: new Date() });
    expect(await refusedWith(refused)).toBe("not_verified");
    expect(await challengeRows(started.challengeId)).toEqual([]);
    const retried = signInWithPasskey({ db: testDb.db, rp, challengeId: started.challengeId, response: await assertion(bob.authenticator, started.options.challenge), now: new Date() });
    expect(await refusedWith(retried)).toBe("challenge_invalid");
  });

  it("when a mapping is signed", async () => {
    const bob = await person();
    const draft = mappingDraftSchema.parse({
      identifierId: bob.identifierId,
      label: "Personal",
      fresh: false,
      entries: [{ msp: "chat.example", tags: ["Default"], audience: { kind: "everyone" } }],
    });
    const prepared = await prepareMapping({ db: testDb.db, rp, issuer: ORIGIN, userId: bob.userId, draft, ttlDays: 365, now: new Date() });
    const publish = async (response: never) =>
      publishMapping({ db: testDb.db, rp, issuer: ORIGIN, sealingKey: testKeys.sealing, userId: bob.userId, challengeId: prepared.challengeId, response, now: new Date() });
    expect(await refusedWith(publish(await assertion(bob.authenticator, prepared.options.challenge, { userVerified: false })))).toBe("not_verified");
    expect(await refusedWith(publish(await assertion(bob.authenticator, prepared.options.challenge)))).toBe("challenge_invalid");
    expect(await testDb.db.select().from(mappings).where(eq(mappings.userId, bob.userId))).toEqual([]);
  });

  it("when mappings are removed", async () => {
    const bob = await person();
    const draft = mappingDraftSchema.parse({
      identifierId: bob.identifierId,
      label: "Personal",
      fresh: false,
      entries: [{ msp: "chat.example", tags: ["Default"], audience: { kind: "everyone" } }],
    });
    const prepared = await prepareMapping({ db: testDb.db, rp, issuer: ORIGIN, userId: bob.userId, draft, ttlDays: 365, now: new Date() });
    const published = await publishMapping({
      db: testDb.db,
      rp,
      issuer: ORIGIN,
      sealingKey: testKeys.sealing,
      userId: bob.userId,
      challengeId: prepared.challengeId,
      response: await assertion(bob.authenticator, prepared.options.challenge),
      now: new Date(),
    });
    const started = await startRecipientRemoval({ db: testDb.db, rp, userId: bob.userId, mappingIds: [published.id], now: new Date() });
    const remove = async (response: never) =>
      finishRecipientRemoval({ db: testDb.db, rp, issuer: ORIGIN, sealingKey: testKeys.sealing, userId: bob.userId, challengeId: started.challengeId, response, now: new Date() });
    expect(await refusedWith(remove(await assertion(bob.authenticator, started.options.challenge, { userVerified: false })))).toBe("not_verified");
    expect(await refusedWith(remove(await assertion(bob.authenticator, started.options.challenge)))).toBe("challenge_invalid");
    const [row] = await testDb.db.select({ status: mappings.status }).from(mappings).where(eq(mappings.id, published.id));
    expect(row!.status).toBe("active");
  });

  it("when a passkey is registered", async () => {
    const bob = await person();
    const another = await SoftwareAuthenticator.create();
    const started = await startPasskeyRegistration({ db: testDb.db, rp, userId: bob.userId, userName: bob.email, now: new Date() });
    const register = async (origin: string) =>
      finishPasskeyRegistration({
        db: testDb.db,
        rp,
        userId: bob.userId,
        challengeId: started.challengeId,
        name: "second",
        response: (await another.register(started.options, origin)) as never,
        now: new Date(),
      });
    expect(await refusedWith(register("https://evil.example"))).toBe("not_verified");
    expect(await refusedWith(register(ORIGIN))).toBe("challenge_invalid");
  });
});
