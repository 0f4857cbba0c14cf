import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { isoCBOR } from "@simplewebauthn/server/helpers";
import { auditLog, identifiers, passkeys, sessions } from "@/db/schema";
import { SoftwareAuthenticator } from "@mimi-discovery/msp-kit/testing";
import { signInWithCode } from "@/lib/accounts/sign-in-with-code";
import { createOtpHarness, testKeys } from "@/test/support/otp-harness";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { storeChallenge, takeChallenge, WEBAUTHN_CHALLENGE_TTL_MS } from "./challenges";
import { listPasskeys, removePasskey } from "./manage-passkeys";
import { finishPasskeyRegistration, startPasskeyRegistration } from "./register-passkey";
import { relyingPartyFor } from "./relying-party";
import { signInWithPasskey, startPasskeySignIn } from "./sign-in-with-passkey";
import { maySign } from "./signing-passkeys";
import { verifyPasskeyAssertion } from "./verify-passkey-assertion";

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

describe("registration, as the browser is asked for it", () => {
  it("asks for a discoverable ES256 credential with user verification and no attestation, and excludes the account's own", async () => {
    const userId = await account();
    const existing = await SoftwareAuthenticator.create();
    await register(userId, existing);
    const { options } = await startPasskeyRegistration({ db: testDb.db, rp, userId, userName: "someone", now: T0 });
    expect(options).toMatchObject({
      rp: { name: "mimi-discovery", id: "localhost" },
      user: { id: Buffer.from(userId).toString("base64url") },
      attestation: "none",
      authenticatorSelection: { residentKey: "required", userVerification: "required" },
      pubKeyCredParams: [{ alg: -7, type: "public-key" }],
      timeout: 120_000,
    });
    expect(options.excludeCredentials?.map((credential) => credential.id)).toEqual([Buffer.from(existing.credentialId).toString("base64url")]);
  });

  it("gives an identifier's own passkey a user handle of its own, and excludes only the passkeys of that scope", async () => {
    const userId = await account();
    await register(userId, await SoftwareAuthenticator.create());
    const [identifier] = await testDb.db.select().from(identifiers).where(eq(identifiers.userId, userId));
    const { options } = await startPasskeyRegistration({ db: testDb.db, rp, userId, userName: "someone", identifierId: identifier!.id, now: T0 });
    expect(options.user.id).toBe(createHash("sha256").update(`${userId}/${identifier!.id}`).digest("base64url"));
    expect(options.excludeCredentials).toEqual([]);
  });

  it("refuses an identifier id that is not a UUID as unknown, without asking the database", async () => {
    const userId = await account();
    expect(await refusal(startPasskeyRegistration({ db: testDb.db, rp, userId, userName: "someone", identifierId: "x' or 1=1", now: T0 }))).toBe("unknown_identifier");
  });

  it("refuses a registration whose identifier left the account between the two steps, and stores nothing", async () => {
    const userId = await account();
    const [identifier] = await testDb.db.select().from(identifiers).where(eq(identifiers.userId, userId));
    const started = await startPasskeyRegistration({ db: testDb.db, rp, userId, userName: "someone", identifierId: identifier!.id, now: T0 });
    const other = await account();
    await testDb.db.update(identifiers).set({ userId: other }).where(eq(identifiers.id, identifier!.id));
    const response = (await (await SoftwareAuthenticator.create()).register(started.options, ORIGIN)) as never;
    const finishing = finishPasskeyRegistration({ db: testDb.db, rp, userId, challengeId: started.challengeId, name: "own", response, now: T0 });
    expect(await refusal(finishing)).toBe("unknown_identifier");
    expect(await listPasskeys(testDb.db, userId)).toEqual([]);
  });

  it("refuses a credential made without user verification", async () => {
    const userId = await account();
    const started = await startPasskeyRegistration({ db: testDb.db, rp, userId, userName: "someone", now: T0 });
    const response = (await (await SoftwareAuthenticator.create()).register(started.options, ORIGIN)) as { response: { attestationObject: string } };
    const attestation = isoCBOR.decodeFirst<Map<string, unknown>>(Buffer.from(response.response.attestationObject, "base64url"));
    const authData = new Uint8Array(attestation.get("authData") as Uint8Array);
    authData[32] = authData[32]! & ~0x04; // UV off
    attestation.set("authData", authData);
    response.response.attestationObject = Buffer.from(isoCBOR.encode(attestation as never)).toString("base64url");
    const finishing = finishPasskeyRegistration({ db: testDb.db, rp, userId, challengeId: started.challengeId, name: "no uv", response: response as never, now: T0 });
    const error = await finishing.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "not_verified" });
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(await listPasskeys(testDb.db, userId)).toEqual([]);
  });

  it("refuses an id of 1,024 bytes before verification, and a response whose id is not its credential's after", async () => {
    const userId = await account();
    const attempt = async (bytes: number) => {
      const started = await startPasskeyRegistration({ db: testDb.db, rp, userId, userName: "someone", now: T0 });
      const response = (await (await SoftwareAuthenticator.create()).register(started.options, ORIGIN)) as { id: string; rawId: string };
      response.id = response.rawId = Buffer.alloc(bytes, 1).toString("base64url");
      return refusal(finishPasskeyRegistration({ db: testDb.db, rp, userId, challengeId: started.challengeId, name: "long", response: response as never, now: T0 }));
    };
    expect(await attempt(1_023)).toBe("malformed_response");
    expect(await attempt(1_024)).toBe("credential_too_long");
    expect(await listPasskeys(testDb.db, userId)).toEqual([]);
  });

  it("refuses the same credential twice, keeps its transports and audits who registered what", async () => {
    const userId = await account();
    const authenticator = await SoftwareAuthenticator.create();
    const passkey = await register(userId, authenticator);
    expect(passkey.transports).toEqual(["internal"]);
    const again = await register(userId, authenticator).catch((caught: unknown) => caught);
    expect(again).toMatchObject({ code: "already_registered" });
    expect((again as Error).cause).toBeDefined();
    const [audit] = await testDb.db.select().from(auditLog).where(eq(auditLog.subjectId, passkey.id));
    expect(audit).toMatchObject({ actorKind: "recipient", subjectType: "passkey", action: "passkey.registered" });
  });

  it("stores no transports for a response that names none", async () => {
    const userId = await account();
    const started = await startPasskeyRegistration({ db: testDb.db, rp, userId, userName: "someone", now: T0 });
    const response = (await (await SoftwareAuthenticator.create()).register(started.options, ORIGIN)) as { response: { transports?: string[] } };
    delete response.response.transports;
    const passkey = await finishPasskeyRegistration({ db: testDb.db, rp, userId, challengeId: started.challengeId, name: "bare", response: response as never, now: T0 });
    expect(passkey.transports).toEqual([]);
  });

  it("names the identifier in the audit row of an identifier's own passkey", async () => {
    const userId = await account();
    const [identifier] = await testDb.db.select().from(identifiers).where(eq(identifiers.userId, userId));
    const started = await startPasskeyRegistration({ db: testDb.db, rp, userId, userName: "someone", identifierId: identifier!.id, now: T0 });
    const response = (await (await SoftwareAuthenticator.create()).register(started.options, ORIGIN)) as never;
    const passkey = await finishPasskeyRegistration({ db: testDb.db, rp, userId, challengeId: started.challengeId, name: "own", response, now: T0 });
    const [audit] = await testDb.db.select().from(auditLog).where(eq(auditLog.subjectId, passkey.id));
    expect(audit!.details).toEqual({ name: "own", identifier: identifier!.id });
  });
});

describe("assertions", () => {
  it("asks for user verification at sign-in, for this relying party, for two minutes", async () => {
    const { options } = await startPasskeySignIn({ db: testDb.db, rp, now: T0 });
    expect(options).toMatchObject({ rpId: "localhost", userVerification: "required", timeout: 120_000 });
  });

  it("refuses another account's passkey where an account is expected, and moves nothing", async () => {
    const owner = await account();
    const mallory = await account();
    const authenticator = await SoftwareAuthenticator.create();
    const passkey = await register(owner, authenticator);
    const challenge = "c2lnbi1mb3ItbWFsbG9yeQ";
    const response = (await authenticator.authenticate({ challenge, rpId: rp.rpId, origin: ORIGIN })) as never;
    const verifying = testDb.db.transaction((tx) => verifyPasskeyAssertion({ tx, rp, response, expectedChallenge: challenge, userId: mallory, now: T0 }));
    expect(await refusal(verifying)).toBe("other_account");
    expect(await stored(passkey.id)).toMatchObject({ counter: 1, lastUsedAt: null });
  });

  it("keeps the library's error as the cause of a refusal", async () => {
    const userId = await account();
    const authenticator = await SoftwareAuthenticator.create();
    await register(userId, authenticator);
    const error = await signIn(authenticator, { flags: { userVerified: false } }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "not_verified" });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it("lets every passkey of the account sign, not only the first", async () => {
    const userId = await account();
    await register(userId, await SoftwareAuthenticator.create());
    const second = await register(userId, await SoftwareAuthenticator.create());
    const [identifier] = await testDb.db.select().from(identifiers).where(eq(identifiers.userId, userId));
    expect(await maySign(testDb.db, second, identifier!.id)).toBe(true);
  });
});

describe("ids from outside", () => {
  it("are refused unless they are exactly a UUID, without a database error", async () => {
    const userId = await account();
    const stored = await storeChallenge(testDb.db, { purpose: "authenticate", userId: null, challenge: "abc", now: T0 });
    for (const id of [`x${stored.id}`, `${stored.id}x`]) {
      expect(await takeChallenge(testDb.db, { id, purpose: "authenticate", userId: null, now: T0 })).toBeNull();
    }
    const passkey = await register(userId, await SoftwareAuthenticator.create());
    for (const passkeyId of [`x${passkey.id}`, `${passkey.id}x`]) {
      expect(await removePasskey({ db: testDb.db, userId, passkeyId, now: T0 })).toBe(false);
    }
    const [removal] = await Promise.all([removePasskey({ db: testDb.db, userId, passkeyId: passkey.id, now: T0 })]);
    expect(removal).toBe(true);
    const audit = await testDb.db.select().from(auditLog).where(eq(auditLog.subjectId, passkey.id));
    expect(audit.find((row) => row.action === "passkey.removed")).toMatchObject({ actorKind: "recipient", subjectType: "passkey" });
  });
});

