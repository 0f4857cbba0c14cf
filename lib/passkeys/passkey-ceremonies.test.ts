import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, passkeys, sessions } from "@/db/schema";
import { SoftwareAuthenticator } from "@mimi-discovery/msp-kit/testing";
import { signInWithCode } from "@/lib/accounts/sign-in-with-code";
import { createOtpHarness, testKeys } from "@/test/support/otp-harness";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { WEBAUTHN_CHALLENGE_TTL_MS } from "./challenges";
import { listPasskeys, removePasskey } from "./manage-passkeys";
import { finishPasskeyRegistration, startPasskeyRegistration } from "./register-passkey";
import { relyingPartyFor } from "./relying-party";
import { signInWithPasskey, startPasskeySignIn } from "./sign-in-with-passkey";

const ORIGIN = "http://localhost:3000";
const rp = relyingPartyFor(ORIGIN);
const T0 = new Date("2026-11-22T10:00:00Z");
let testDb: TestDatabase;
let counter = 0;

beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(async () => {
  await testDb.close();
});

async function account(): Promise<string> {
  const otp = createOtpHarness(testDb.db);
  const { challengeId } = await otp.request(`ceremony-${++counter}@example.com`, { clientIp: `192.0.2.${counter % 250}` });
  const signedIn = await signInWithCode({ db: testDb.db, keys: testKeys, challengeId, code: otp.lastCode(), now: otp.now() });
  if (!signedIn.ok) throw new Error("sign-in failed");
  if (signedIn.status !== "signed_in") throw new Error("sign-in asked for a step-up: a fresh identifier was expected");
  return signedIn.userId;
}

async function register(userId: string, authenticator: SoftwareAuthenticator, now = T0) {
  const started = await startPasskeyRegistration({ db: testDb.db, rp, userId, userName: "someone", now });
  return finishPasskeyRegistration({
    db: testDb.db,
    rp,
    userId,
    challengeId: started.challengeId,
    name: `key ${counter}`,
    response: (await authenticator.register(started.options, ORIGIN)) as never,
    now,
  });
}

type AssertFlags = Omit<Parameters<SoftwareAuthenticator["authenticate"]>[0], "challenge" | "rpId" | "origin">;

async function signIn(authenticator: SoftwareAuthenticator, options: { startedAt?: Date; answeredAt?: Date; flags?: AssertFlags } = {}) {
  const started = await startPasskeySignIn({ db: testDb.db, rp, now: options.startedAt ?? T0 });
  const response = (await authenticator.authenticate({ challenge: started.options.challenge, rpId: rp.rpId, origin: ORIGIN, ...options.flags })) as never;
  return signInWithPasskey({ db: testDb.db, rp, challengeId: started.challengeId, response, now: options.answeredAt ?? options.startedAt ?? T0 });
}

const refusal = (promise: Promise<unknown>) => promise.then(() => "accepted", (error: { code?: string }) => error.code ?? String(error));
const stored = async (passkeyId: string) => (await testDb.db.select().from(passkeys).where(eq(passkeys.id, passkeyId)))[0]!;
const sessionsOf = async (userId: string) => testDb.db.select().from(sessions).where(eq(sessions.userId, userId));

describe("the sign counter", () => {
  it("is stored after every use, so an assertion replaying an older count is refused as a possible clone", async () => {
    const userId = await account();
    const authenticator = await SoftwareAuthenticator.create({ signCount: 5 });
    const passkey = await register(userId, authenticator);
    expect((await stored(passkey.id)).counter).toBe(5);
    await signIn(authenticator);
    expect(await stored(passkey.id)).toMatchObject({ counter: 6, lastUsedAt: T0 });
    await signIn(authenticator, { startedAt: new Date(T0.getTime() + 1000) });
    expect((await stored(passkey.id)).counter).toBe(7);
    expect(await refusal(signIn(authenticator, { flags: { signCount: 6 } }))).toBe("counter_went_backwards");
    expect((await stored(passkey.id)).counter).toBe(7);
  });

  it("stays at 0 for an authenticator that never counts (0 to 0 is no clone)", async () => {
    const userId = await account();
    const authenticator = await SoftwareAuthenticator.create({ signCount: 0 });
    const passkey = await register(userId, authenticator);
    await signIn(authenticator);
    await signIn(authenticator);
    expect((await stored(passkey.id)).counter).toBe(0);
  });
});

describe("backup state without backup eligibility (our own check, whatever the library does)", () => {
  it("is refused at registration, by its own code, and nothing is stored", async () => {
    const userId = await account();
    const odd = await SoftwareAuthenticator.create({ backupEligible: false, backupState: true });
    expect(await refusal(register(userId, odd))).toBe("backup_state_without_eligibility");
    expect(await listPasskeys(testDb.db, userId)).toEqual([]);
  });

  it("is accepted when eligible, and the flags are stored", async () => {
    const userId = await account();
    const synced = await SoftwareAuthenticator.create({ backupEligible: true, backupState: true });
    const passkey = await register(userId, synced);
    expect(await stored(passkey.id)).toMatchObject({ backupEligible: true, backupState: true });
    await signIn(synced);
  });

  it("is refused at sign-in, and no session starts", async () => {
    const userId = await account();
    const authenticator = await SoftwareAuthenticator.create();
    const passkey = await register(userId, authenticator);
    expect(await refusal(signIn(authenticator, { flags: { backupEligible: false, backupState: true } }))).toBe("backup_state_without_eligibility");
    expect(await sessionsOf(userId)).toHaveLength(1);
    expect((await stored(passkey.id)).lastUsedAt).toBeNull();
  });

  it("is refused at sign-in when a single-device passkey suddenly claims eligibility (BE never changes)", async () => {
    const userId = await account();
    const authenticator = await SoftwareAuthenticator.create();
    await register(userId, authenticator);
    expect(await refusal(signIn(authenticator, { flags: { backupEligible: true, backupState: true } }))).toBe("backup_state_without_eligibility");
    expect(await refusal(signIn(authenticator, { flags: { backupEligible: true, backupState: false } }))).toBe("backup_state_without_eligibility");
  });
});

describe("WebAuthn challenges", () => {
  it("expire 5 minutes after they were made: answered a millisecond before, accepted", async () => {
    const userId = await account();
    const authenticator = await SoftwareAuthenticator.create();
    await register(userId, authenticator);
    expect(WEBAUTHN_CHALLENGE_TTL_MS).toBe(5 * 60_000);
    const session = await signIn(authenticator, { startedAt: T0, answeredAt: new Date(T0.getTime() + WEBAUTHN_CHALLENGE_TTL_MS - 1) });
    expect(session.userId).toBe(userId);
  });

  it("expire 5 minutes after they were made: answered at 5 minutes, refused", async () => {
    const userId = await account();
    const authenticator = await SoftwareAuthenticator.create();
    await register(userId, authenticator);
    expect(await refusal(signIn(authenticator, { startedAt: T0, answeredAt: new Date(T0.getTime() + WEBAUTHN_CHALLENGE_TTL_MS) }))).toBe("challenge_invalid");
    expect(await sessionsOf(userId)).toHaveLength(1);
  });

  it("expire for registrations too", async () => {
    const userId = await account();
    const started = await startPasskeyRegistration({ db: testDb.db, rp, userId, userName: "late", now: T0 });
    const response = (await (await SoftwareAuthenticator.create()).register(started.options, ORIGIN)) as never;
    const late = finishPasskeyRegistration({ db: testDb.db, rp, userId, challengeId: started.challengeId, name: "late", response, now: new Date(T0.getTime() + WEBAUTHN_CHALLENGE_TTL_MS) });
    expect(await refusal(late)).toBe("challenge_invalid");
    expect(await listPasskeys(testDb.db, userId)).toEqual([]);
  });
});

describe("a failed passkey sign-in", () => {
  it("with a passkey nobody registered starts no session", async () => {
    const before = (await testDb.db.select().from(sessions)).length;
    expect(await refusal(signIn(await SoftwareAuthenticator.create()))).toBe("unknown_credential");
    expect(await testDb.db.select().from(sessions)).toHaveLength(before);
  });

  it("without user verification starts no session and leaves the counter", async () => {
    const userId = await account();
    const authenticator = await SoftwareAuthenticator.create();
    const passkey = await register(userId, authenticator);
    expect(await refusal(signIn(authenticator, { flags: { userVerified: false } }))).toBe("not_verified");
    expect(await sessionsOf(userId)).toHaveLength(1);
    expect(await stored(passkey.id)).toMatchObject({ counter: 1, lastUsedAt: null });
  });

  it("made on another origin starts no session", async () => {
    const userId = await account();
    const authenticator = await SoftwareAuthenticator.create();
    await register(userId, authenticator);
    const started = await startPasskeySignIn({ db: testDb.db, rp, now: T0 });
    const response = (await authenticator.authenticate({ challenge: started.options.challenge, rpId: rp.rpId, origin: "https://evil.example" })) as never;
    expect(await refusal(signInWithPasskey({ db: testDb.db, rp, challengeId: started.challengeId, response, now: T0 }))).toBe("not_verified");
    expect(await sessionsOf(userId)).toHaveLength(1);
  });
});

describe("removing a passkey", () => {
  it("removes the account's own passkey with an audit row; it can no longer sign in", async () => {
    const userId = await account();
    const authenticator = await SoftwareAuthenticator.create();
    const passkey = await register(userId, authenticator);
    expect(await removePasskey({ db: testDb.db, userId, passkeyId: passkey.id, now: T0 })).toBe(true);
    expect(await listPasskeys(testDb.db, userId)).toEqual([]);
    const audit = await testDb.db.select().from(auditLog).where(eq(auditLog.subjectId, passkey.id));
    expect(audit.map((row) => [row.action, row.actorUserId, row.details])).toEqual([
      ["passkey.registered", userId, { name: passkey.name }],
      ["passkey.removed", userId, { name: passkey.name }],
    ]);
    expect(await refusal(signIn(authenticator))).toBe("unknown_credential");
  });

  it("never removes another account's passkey, nor anything for a malformed id", async () => {
    const owner = await account();
    const mallory = await account();
    const passkey = await register(owner, await SoftwareAuthenticator.create());
    expect(await removePasskey({ db: testDb.db, userId: mallory, passkeyId: passkey.id, now: T0 })).toBe(false);
    expect(await removePasskey({ db: testDb.db, userId: owner, passkeyId: "x' or 1=1", now: T0 })).toBe(false);
    expect((await listPasskeys(testDb.db, owner)).map((row) => row.id)).toEqual([passkey.id]);
    expect((await testDb.db.select().from(auditLog).where(eq(auditLog.subjectId, passkey.id))).map((row) => row.action)).toEqual(["passkey.registered"]);
  });
});
