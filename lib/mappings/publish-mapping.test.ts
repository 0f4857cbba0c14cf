import { and, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { auditLog, identifiers, mappings, msps, passkeys } from "@/db/schema";
import { SoftwareAuthenticator } from "@mimi-discovery/msp-kit/testing";
import { createOtpHarness, testKeys } from "@/test/support/otp-harness";
import { signInWithCode } from "@/lib/accounts/sign-in-with-code";
import { publishedJwks, rotateSigningKey } from "@/lib/keys/signing-keys";
import { lookupCsis, serializeLookup } from "@/lib/lookup/lookup-csis";
import { finishPasskeyRegistration, startPasskeyRegistration } from "@/lib/passkeys/register-passkey";
import { relyingPartyFor } from "@/lib/passkeys/relying-party";
import { verifyLookupItem } from "@mimi-discovery/msp-kit";
import type { MappingDraft } from "./draft-schema";
import { mappingDraftSchema } from "./draft-schema";
import { prepareMapping } from "./prepare-mapping";
import { publishMapping } from "./publish-mapping";
import { useSeededTestDatabase } from "@/test/support/seeded-test-database";

const ORIGIN = "http://localhost:3000";
const rp = relyingPartyFor(ORIGIN);
const testDb = useSeededTestDatabase();
beforeEach(async () => {
  await testDb.db.execute(sql`truncate users, mappings, audit_log, webauthn_challenges, otp_challenges, rate_events cascade`);
});

type Person = { userId: string; identifierId: string; csi: string; authenticator: SoftwareAuthenticator; passkeyId: string };

async function newPerson(email: string, options: { backupEligible?: boolean; backupState?: boolean } = {}): Promise<Person> {
  const otp = createOtpHarness(testDb.db);
  const { challengeId } = await otp.request(email);
  const signedIn = await signInWithCode({ db: testDb.db, keys: testKeys, challengeId, code: otp.lastCode(), now: otp.now() });
  if (!signedIn.ok || signedIn.status !== "signed_in") throw new Error("sign-in failed");
  const [identifier] = await testDb.db.select().from(identifiers).where(eq(identifiers.userId, signedIn.userId));
  const authenticator = await SoftwareAuthenticator.create(options);
  const started = await startPasskeyRegistration({ db: testDb.db, rp, userId: signedIn.userId, userName: email, now: new Date() });
  const passkey = await finishPasskeyRegistration({
    db: testDb.db,
    rp,
    userId: signedIn.userId,
    challengeId: started.challengeId,
    name: "test key",
    response: (await authenticator.register(started.options, ORIGIN)) as never,
    now: new Date(),
  });
  return { userId: signedIn.userId, identifierId: identifier!.id, csi: identifier!.uri, authenticator, passkeyId: passkey.id };
}

/** A second passkey of the person's account. */
async function addPasskey(person: Person): Promise<SoftwareAuthenticator> {
  const authenticator = await SoftwareAuthenticator.create();
  const started = await startPasskeyRegistration({ db: testDb.db, rp, userId: person.userId, userName: "second", now: new Date() });
  await finishPasskeyRegistration({
    db: testDb.db,
    rp,
    userId: person.userId,
    challengeId: started.challengeId,
    name: "second key",
    response: (await authenticator.register(started.options, ORIGIN)) as never,
    now: new Date(),
  });
  return authenticator;
}

function draft(person: Person, overrides: Partial<MappingDraft> = {}): MappingDraft {
  return mappingDraftSchema.parse({
    identifierId: person.identifierId,
    label: "Personal",
    fresh: false,
    entries: [
      { msp: "chat.example", tags: ["Personal", "Default"], audience: { kind: "everyone" } },
      { msp: "work.example", tags: ["Business"], audience: { kind: "context", tags: ["Business"] } },
    ],
    ...overrides,
  });
}

async function prepare(person: Person, overrides: Partial<MappingDraft> = {}) {
  return prepareMapping({ db: testDb.db, rp, issuer: ORIGIN, userId: person.userId, draft: draft(person, overrides), ttlDays: 365, now: new Date() });
}

async function sign(signer: SoftwareAuthenticator, challenge: string, flags: { userVerified?: boolean } = {}) {
  return (await signer.authenticate({ challenge, rpId: rp.rpId, origin: ORIGIN, ...flags })) as never;
}

async function publish(person: Person, challengeId: string, response: never) {
  return publishMapping({ db: testDb.db, rp, issuer: ORIGIN, sealingKey: testKeys.sealing, userId: person.userId, challengeId, response, now: new Date() });
}

async function publishNew(person: Person, overrides: Partial<MappingDraft> = {}) {
  const prepared = await prepare(person, overrides);
  return publish(person, prepared.challengeId, await sign(person.authenticator, prepared.options.challenge));
}

describe("passkey registration", () => {
  it("stores the key as a P-256 JWK with an audit row in the same transaction", async () => {
    const bob = await newPerson("bob@example.com");
    const [row] = await testDb.db.select().from(passkeys).where(eq(passkeys.id, bob.passkeyId));
    expect(row!.publicKeyJwk).toMatchObject({ kty: "EC", crv: "P-256", x: bob.authenticator.publicKeyJwk().x });
    const audit = await testDb.db.select().from(auditLog).where(eq(auditLog.subjectId, bob.passkeyId));
    expect(audit.map((entry) => entry.action)).toEqual(["passkey.registered"]);
  });

  it("refuses a reused challenge, a credential already registered, and backup state without eligibility", async () => {
    const bob = await newPerson("bob@example.com");
    const started = await startPasskeyRegistration({ db: testDb.db, rp, userId: bob.userId, userName: "bob", now: new Date() });
    const again = (await bob.authenticator.register(started.options, ORIGIN)) as never;
    const finish = (challengeId: string, response: never) =>
      finishPasskeyRegistration({ db: testDb.db, rp, userId: bob.userId, challengeId, name: "again", response, now: new Date() });
    await expect(finish(started.challengeId, again)).rejects.toMatchObject({ code: "already_registered" });

    const fresh = await SoftwareAuthenticator.create();
    const next = await startPasskeyRegistration({ db: testDb.db, rp, userId: bob.userId, userName: "bob", now: new Date() });
    const response = (await fresh.register(next.options, ORIGIN)) as never;
    await finish(next.challengeId, response);
    await expect(finish(next.challengeId, response)).rejects.toMatchObject({ code: "challenge_invalid" });

    const odd = await SoftwareAuthenticator.create({ backupEligible: false, backupState: true });
    const third = await startPasskeyRegistration({ db: testDb.db, rp, userId: bob.userId, userName: "bob", now: new Date() });
    await expect(finish(third.challengeId, (await odd.register(third.options, ORIGIN)) as never)).rejects.toMatchObject({
      code: "backup_state_without_eligibility",
    });
    expect(await testDb.db.select().from(passkeys).where(eq(passkeys.userId, bob.userId))).toHaveLength(2);
  });

  it("refuses a credential id longer than 1023 bytes before anything else", async () => {
    const bob = await newPerson("bob@example.com");
    const started = await startPasskeyRegistration({ db: testDb.db, rp, userId: bob.userId, userName: "bob", now: new Date() });
    const response = (await (await SoftwareAuthenticator.create()).register(started.options, ORIGIN)) as { id: string; rawId: string };
    const long = Buffer.alloc(1024, 7).toString("base64url");
    const tooLong = { ...response, id: long, rawId: long } as never;
    await expect(
      finishPasskeyRegistration({ db: testDb.db, rp, userId: bob.userId, challengeId: started.challengeId, name: "x", response: tooLong, now: new Date() }),
    ).rejects.toMatchObject({ code: "credential_too_long" });
  });
});

describe("publishing a signed mapping", () => {
  it("stores the exact signed bytes, serves them, and the served result verifies as MSPs verify it", async () => {
    const bob = await newPerson("bob@example.com");
    const row = await publishNew(bob);
    expect(row.seq).toBe(1);
    const lookup = (await lookupCsis(testDb.db, [bob.csi], new Date())).get(bob.csi)!;
    expect(lookup.result).toBe("found");
    const served = JSON.parse(serializeLookup(lookup)) as { mappings: { document: unknown }[] };
    expect(JSON.stringify(served.mappings[0]!.document)).toBe(row.document);
    const verification = await verifyLookupItem(served, { jwks: await publishedJwks(testDb.db, new Date()), issuer: ORIGIN, rpId: rp.rpId });
    expect(verification.ok).toBe(true);
    const audit = await testDb.db.select().from(auditLog).where(eq(auditLog.subjectId, row.id));
    expect(audit.map((entry) => entry.action)).toEqual(["mapping.published"]);
  });

  it("publishes an opt-out, which lookups tell apart from no mapping", async () => {
    const bob = await newPerson("bob@example.com");
    const carol = await newPerson("carol@example.com");
    await publishNew(bob, { entries: [] });
    const results = await lookupCsis(testDb.db, [bob.csi, carol.csi], new Date());
    expect(results.get(bob.csi)!.result).toBe("opted_out");
    expect(results.get(carol.csi)!.result).toBe("none");
  });

  it("supersedes the mapping with the same label, keeps other labels, and a fresh mapping de-lists them all", async () => {
    const bob = await newPerson("bob@example.com");
    const personal = await publishNew(bob);
    const work = await publishNew(bob, { label: "Work" });
    const personal2 = await publishNew(bob);
    const states = async () =>
      Object.fromEntries((await testDb.db.select().from(mappings)).map((row) => [row.id, row.status]));
    expect(await states()).toEqual({ [personal.id]: "superseded", [work.id]: "active", [personal2.id]: "active" });
    const fresh = await publishNew(bob, { label: "Everything", fresh: true });
    expect(await states()).toMatchObject({ [work.id]: "delisted", [personal2.id]: "delisted", [fresh.id]: "active" });
    expect((await lookupCsis(testDb.db, [bob.csi], new Date())).get(bob.csi)!.mappings.map((mapping) => mapping.id)).toEqual([fresh.id]);
  });

  it("a fresh mapping de-lists a previous holder's mappings of the identifier; a plain one does not", async () => {
    const alice = await newPerson("recycled@example.com");
    const alicesMapping = await publishNew(alice);
    // The address left Alice's account without her mappings being removed (she removed it herself, say); Bob, its
    // new holder, proves it and signs up with it.
    await testDb.db.delete(identifiers).where(eq(identifiers.id, alice.identifierId));
    const bob = await newPerson("recycled@example.com");
    expect(bob.userId).not.toBe(alice.userId);
    const plain = await publishNew(bob, { label: "Work" });
    const status = async (id: string) => (await testDb.db.select({ status: mappings.status }).from(mappings).where(eq(mappings.id, id)))[0]!.status;
    expect(await status(alicesMapping.id)).toBe("active");
    const fresh = await publishNew(bob, { label: "Personal", fresh: true });
    expect(await status(alicesMapping.id)).toBe("delisted");
    expect(await status(plain.id)).toBe("delisted");
    expect((await lookupCsis(testDb.db, [bob.csi], new Date())).get(bob.csi)!.mappings.map((mapping) => mapping.id)).toEqual([fresh.id]);
    // Alice's de-listing is on record against her, without naming who published.
    const [delisted] = await testDb.db.select().from(auditLog).where(and(eq(auditLog.action, "mapping.delisted"), eq(auditLog.subjectId, alicesMapping.id)));
    expect(delisted).toMatchObject({ actorUserId: alice.userId, actorKind: "system" });
    expect(JSON.stringify(delisted!.details)).not.toContain(bob.userId);
  });

  it("publishes only for an identifier still on the account when the passkey signs", async () => {
    const bob = await newPerson("bob@example.com");
    const prepared = await prepare(bob);
    const response = await sign(bob.authenticator, prepared.options.challenge);
    // Between review and signature the identifier was taken over by its new holder.
    const carol = await newPerson("carol@example.com");
    await testDb.db.update(identifiers).set({ userId: carol.userId }).where(eq(identifiers.id, bob.identifierId));
    await expect(publish(bob, prepared.challengeId, response)).rejects.toMatchObject({ code: "identifier_not_verified" });
    expect(await testDb.db.select().from(mappings)).toHaveLength(0);
  });

  it("runs the MSPs' verifier before storing: a proof it refuses is not published, though the passkey's assertion held", async () => {
    const bob = await newPerson("bob@example.com");
    const prepared = await prepare(bob);
    const response = await sign(bob.authenticator, prepared.options.challenge);
    // The DP's issuer changed between prepare and publish (a misconfigured deployment): the passkey signed a document
    // naming the old issuer, and the binding would name the new one. WebAuthn alone cannot see it; the verifier does.
    const misconfigured = publishMapping({ db: testDb.db, rp, issuer: "http://localhost:3001", sealingKey: testKeys.sealing, userId: bob.userId, challengeId: prepared.challengeId, response, now: new Date() });
    const error = await misconfigured.then(() => undefined, (caught: unknown) => caught);
    expect(error).toMatchObject({ code: "proof_invalid" });
    expect((error as { details: { id: string }[] }).details.map((check) => check.id)).toEqual(["binding", "client_data"]);
    expect(await testDb.db.select().from(mappings)).toHaveLength(0);
    expect(await testDb.db.select().from(auditLog).where(eq(auditLog.action, "mapping.published"))).toHaveLength(0);
  });

  it("refuses a signature over a different document, and leaves nothing stored", async () => {
    const bob = await newPerson("bob@example.com");
    const first = await prepare(bob);
    const second = await prepare(bob, { label: "Other" });
    await expect(publish(bob, first.challengeId, await sign(bob.authenticator, second.options.challenge))).rejects.toMatchObject({ code: "not_verified" });
    expect(await testDb.db.select().from(mappings)).toHaveLength(0);
  });

  it("refuses an assertion from another account's passkey", async () => {
    const bob = await newPerson("bob@example.com");
    const mallory = await newPerson("mallory@example.com");
    const prepared = await prepare(bob);
    await expect(publish(bob, prepared.challengeId, await sign(mallory.authenticator, prepared.options.challenge))).rejects.toMatchObject({
      code: "other_account",
    });
  });

  it("refuses a reused challenge and an assertion without user verification", async () => {
    const bob = await newPerson("bob@example.com");
    const prepared = await prepare(bob);
    const unverified = await sign(bob.authenticator, prepared.options.challenge, { userVerified: false });
    await expect(publish(bob, prepared.challengeId, unverified)).rejects.toMatchObject({ code: "not_verified" });
    const again = await prepare(bob);
    const response = await sign(bob.authenticator, again.options.challenge);
    await publish(bob, again.challengeId, response);
    await expect(publish(bob, again.challengeId, response)).rejects.toMatchObject({ code: "challenge_invalid" });
  });

  it("refuses a counter that went backwards, as a possibly cloned passkey", async () => {
    const bob = await newPerson("bob@example.com");
    await publishNew(bob);
    const prepared = await prepare(bob);
    const stale = (await bob.authenticator.authenticate({ challenge: prepared.options.challenge, rpId: rp.rpId, origin: ORIGIN, signCount: 1 })) as never;
    await expect(publish(bob, prepared.challengeId, stale)).rejects.toMatchObject({ code: "counter_went_backwards" });
  });

  it("refuses a mapping for an identifier the account has not verified, and unknown MSPs", async () => {
    const bob = await newPerson("bob@example.com");
    const carol = await newPerson("carol@example.com");
    await expect(prepare(bob, { identifierId: carol.identifierId })).rejects.toMatchObject({ code: "identifier_not_verified" });
    await expect(
      prepare(bob, { entries: [{ msp: "unknown.example", tags: [], audience: { kind: "everyone" } }] }),
    ).rejects.toMatchObject({ code: "unknown_msp" });
    // A deleted MSP keeps its id but can no longer be chosen.
    await testDb.db.update(msps).set({ deletedAt: new Date() }).where(eq(msps.id, "family.example"));
    await expect(
      prepare(bob, { entries: [{ msp: "family.example", tags: [], audience: { kind: "everyone" } }] }),
    ).rejects.toMatchObject({ code: "unknown_msp" });
    await testDb.db.update(msps).set({ deletedAt: null }).where(eq(msps.id, "family.example"));
  });

  it("of two tabs publishing at once, one wins and the other is told; seq never repeats", async () => {
    const bob = await newPerson("bob@example.com");
    // Each tab signs with a passkey of its own: one passkey's two assertions would also race on its sign counter.
    const laptop = await addPasskey(bob);
    const tabA = await prepare(bob);
    const tabB = await prepare(bob, { label: "Work" });
    expect(tabA.document.seq).toBe(tabB.document.seq);
    const responseA = await sign(bob.authenticator, tabA.options.challenge);
    const responseB = await sign(laptop, tabB.options.challenge);
    const outcomes = await Promise.allSettled([publish(bob, tabA.challengeId, responseA), publish(bob, tabB.challengeId, responseB)]);
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    const refused = outcomes.find((outcome) => outcome.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: "conflict" });
    const rows = await testDb.db.select({ seq: mappings.seq }).from(mappings);
    expect(rows).toEqual([{ seq: 1 }]);
  });

  it("keeps a rotated-out key published while a binding it signed is live", async () => {
    const bob = await newPerson("bob@example.com");
    const row = await publishNew(bob);
    const before = await publishedJwks(testDb.db, new Date());
    await rotateSigningKey(testDb.db, testKeys.sealing, new Date());
    const after = await publishedJwks(testDb.db, new Date());
    expect(after.keys.map((key) => key.kid)).toEqual(expect.arrayContaining([row.bindingKid]));
    expect(after.keys).toHaveLength(before.keys.length + 1);
    const later = new Date(row.expiresAt.getTime() + 1000);
    expect((await publishedJwks(testDb.db, later)).keys.map((key) => key.kid)).not.toContain(row.bindingKid);
  });
});
