import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from "jose";
import { and, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { auditLog, csipClaims, csips, identifiers, mappings, notifications, passkeys, portRecords, sessions, signInStepUps, tombstones, users } from "@/db/schema";
import { seedDemoMsps } from "@/lib/bootstrap/demo-msps";
import type { TextMessage } from "@/lib/delivery/create-deliverer";
import { IdentifierLockedError } from "@/lib/identifier-locks/identifier-locked-error";
import { liftLock, lockIdentifier } from "@/lib/identifier-locks/manage-locks";
import { publishedJwks } from "@/lib/keys/signing-keys";
import { lookupCsis } from "@/lib/lookup/lookup-csis";
import { sendNotice } from "@/lib/notifications/notify";
import { authenticationResponseSchema } from "@/lib/validations/webauthn";
import { testKeys } from "@/test/support/otp-harness";
import { createRecipients } from "@/test/support/recipients";
import { abandonStepUp } from "./abandon-step-up";
import { claimAsNewHolder } from "./claim-as-new-holder";
import { confirmOwnAccount } from "./confirm-own-account";
import { finishPasskeyStepUp, startPasskeyStepUp } from "./passkey-step-up";
import { useSeededTestDatabase } from "@/test/support/seeded-test-database";

const PHONE = "tel:+33612345678";
const ORIGIN = "http://localhost:3000";
const testDb = useSeededTestDatabase();
beforeEach(async () => {
  await testDb.db.execute(
    sql`truncate users, mappings, tombstones, audit_log, notifications, webauthn_challenges, otp_challenges, rate_events, sign_in_step_ups, identifier_locks, port_records, csip_claims, csips cascade`,
  );
  // Truncating csips cascades to the MSPs (which may name their CSIP): seed them again.
  await seedDemoMsps(testDb.db);
});

/** Alice holds an email and the number, a passkey, and a mapping of each; the number's new holder has just entered its code. */
async function recycledNumber() {
  const people = createRecipients(testDb.db, ORIGIN);
  const alice = await people.signUp("alice@example.com");
  await people.addIdentifier(alice.userId, PHONE.slice(4));
  const key = await people.registerPasskey(alice.userId);
  const phoneMapping = await people.publish(alice.userId, PHONE, key);
  const emailMapping = await people.publish(alice.userId, "mailto:alice@example.com", key);
  people.otp.advance(90 * 24 * 60 * 60_000);
  const token = await people.stepUpFor(PHONE.slice(4));
  return { people, alice, key, phoneMapping, emailMapping, token };
}

async function holderOf(uri: string): Promise<string | undefined> {
  const [row] = await testDb.db.select({ userId: identifiers.userId }).from(identifiers).where(eq(identifiers.uri, uri));
  return row?.userId;
}

async function statusOf(mappingId: string) {
  const [row] = await testDb.db.select({ status: mappings.status }).from(mappings).where(eq(mappings.id, mappingId));
  return row!.status;
}

/** A CSIP whose approved range covers the number, with an admin account. */
async function telco(people: ReturnType<typeof createRecipients>, prefix = "+336") {
  const [csip] = await testDb.db.insert(csips).values({ name: "Telco", createdAt: people.otp.now() }).returning({ id: csips.id });
  await testDb.db.insert(csipClaims).values({ csipId: csip!.id, kind: "e164_prefix", value: prefix, status: "approved", createdAt: people.otp.now() });
  const admin = await people.signUp(`admin.${csip!.id.slice(0, 8)}@telco.example`);
  return { csipId: csip!.id, adminId: admin.userId };
}

describe("I am the new holder of this number", () => {
  it("moves the number to a new account and de-lists the previous holder's mappings of it with signed tombstones", async () => {
    const { people, alice, phoneMapping, emailMapping, token } = await recycledNumber();
    const claimed = await claimAsNewHolder({ db: testDb.db, token, now: people.otp.now(), issuer: ORIGIN, sealingKey: testKeys.sealing });

    expect(claimed.userId).not.toBe(alice.userId);
    expect(await holderOf(PHONE)).toBe(claimed.userId);
    // The new account holds the number and nothing else of the previous one.
    expect((await testDb.db.select().from(identifiers).where(eq(identifiers.userId, claimed.userId))).map((row) => row.uri)).toEqual([PHONE]);
    expect(await testDb.db.select().from(mappings).where(eq(mappings.userId, claimed.userId))).toHaveLength(0);
    expect(await testDb.db.select().from(sessions).where(eq(sessions.userId, claimed.userId))).toHaveLength(1);
    // The previous account keeps its email and that mapping; the number's mapping is removed for good.
    expect(await holderOf("mailto:alice@example.com")).toBe(alice.userId);
    expect(await statusOf(emailMapping)).toBe("active");
    expect(await statusOf(phoneMapping)).toBe("removed");
    expect((await lookupCsis(testDb.db, [PHONE], people.otp.now())).get(PHONE)!.result).toBe("none");

    const [tombstone] = await testDb.db.select().from(tombstones).where(eq(tombstones.mappingId, phoneMapping));
    expect(tombstone).toMatchObject({ csi: PHONE, removedBy: "system", reason: "new_holder" });
    expect(decodeProtectedHeader(tombstone!.signature).typ).toBe("mimi-tombstone+jwt");
    const { payload } = await compactVerify(tombstone!.signature, createLocalJWKSet((await publishedJwks(testDb.db, people.otp.now())) as never));
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ iss: ORIGIN, sub: PHONE, mapping_id: phoneMapping, removed_by: "system", reason: "new_holder" });
    expect(await testDb.db.select().from(signInStepUps)).toHaveLength(0);
  });

  it("tells the previous holder through their other identifiers, without a word about who the new holder is", async () => {
    const { people, alice, token } = await recycledNumber();
    const claimed = await claimAsNewHolder({ db: testDb.db, token, now: people.otp.now(), issuer: ORIGIN, sealingKey: testKeys.sealing });
    expect(claimed.notice).toMatchObject({ userId: alice.userId, kind: "identifier.taken_over" });

    const sent: TextMessage[] = [];
    await sendNotice(testDb.db, async (message) => void sent.push(message), claimed.notice!);
    expect(sent.map((message) => [message.csi.uri, message.channel])).toEqual([["mailto:alice@example.com", "email"]]);
    const told = JSON.stringify(sent) + JSON.stringify(await testDb.db.select().from(notifications));
    for (const secret of [claimed.userId, claimed.session.token, "+33612345678", "33612345678"]) expect(told).not.toContain(secret);
    expect(sent[0]!.text).toContain("moved to their account and its mappings were removed");
    const [portal] = await testDb.db.select().from(notifications).where(eq(notifications.userId, alice.userId));
    expect(portal!.kind).toBe("identifier.taken_over");
  });

  it("takes the number's own passkey with it, and leaves the account's passkey", async () => {
    const people = createRecipients(testDb.db, ORIGIN);
    const alice = await people.signUp("alice@example.com");
    await people.addIdentifier(alice.userId, PHONE.slice(4));
    await people.registerPasskey(alice.userId);
    const [phone] = await testDb.db.select().from(identifiers).where(eq(identifiers.uri, PHONE));
    await people.registerPasskey(alice.userId, phone!.id);
    const token = await people.stepUpFor(PHONE.slice(4));

    const claimed = await claimAsNewHolder({ db: testDb.db, token, now: people.otp.now(), issuer: ORIGIN, sealingKey: testKeys.sealing });
    const left = await testDb.db.select().from(passkeys).where(eq(passkeys.userId, alice.userId));
    expect(left.map((key) => key.identifierId)).toEqual([null]);
    expect(claimed.notice!.text).toContain("The passkey that signed for it alone was removed too.");
    const [audit] = await testDb.db.select().from(auditLog).where(and(eq(auditLog.action, "passkey.removed"), eq(auditLog.actorUserId, alice.userId)));
    expect(audit).toMatchObject({ actorKind: "system", details: { reason: "new_holder" } });
  });

  it("is refused with the CSIP's reason while the number is locked, and changes nothing", async () => {
    const { people, alice, key, phoneMapping, token } = await recycledNumber();
    const { csipId, adminId } = await telco(people);
    expect(await lockIdentifier({ db: testDb.db, csipId, userId: adminId, csi: PHONE, reason: "suspected_fraud", now: people.otp.now() })).toMatchObject({ ok: true });
    const usersBefore = (await testDb.db.select().from(users)).length;

    const refused = claimAsNewHolder({ db: testDb.db, token, now: people.otp.now(), issuer: ORIGIN, sealingKey: testKeys.sealing });
    await expect(refused).rejects.toBeInstanceOf(IdentifierLockedError);
    await expect(refused).rejects.toMatchObject({
      code: "identifier_locked",
      message: "The provider of this number has locked it against a change of holder, because it is being checked for fraud, such as a SIM swap. Nothing was changed. If it was given to you recently, ask your provider to lift the lock, then try again.",
    });
    expect(await holderOf(PHONE)).toBe(alice.userId);
    expect(await statusOf(phoneMapping)).toBe("active");
    expect(await testDb.db.select().from(users)).toHaveLength(usersBefore);
    expect(await testDb.db.select().from(notifications)).toHaveLength(0);
    expect(await testDb.db.select().from(tombstones)).toHaveLength(0);
    // The step-up is still open: the holder can still answer with the passkey.
    const started = await startPasskeyStepUp({ db: testDb.db, rp: people.rp, token, now: people.otp.now() });
    const response = authenticationResponseSchema.parse(await key.authenticate({ challenge: started.options.challenge, rpId: people.rp.rpId, origin: ORIGIN }));
    expect((await finishPasskeyStepUp({ db: testDb.db, rp: people.rp, token, challengeId: started.challengeId, response, now: people.otp.now() })).userId).toBe(alice.userId);
  });

  it("goes through once the lock is lifted, or when the locking CSIP no longer has authority over the number", async () => {
    const { people, token } = await recycledNumber();
    const { csipId, adminId } = await telco(people);
    const locked = await lockIdentifier({ db: testDb.db, csipId, userId: adminId, csi: PHONE, reason: "subscriber_protection", now: people.otp.now() });
    if (!locked.ok) throw new Error("lock refused");
    expect(await liftLock({ db: testDb.db, csipId, userId: adminId, lockId: locked.lock.id, now: people.otp.now() })).toBe(true);
    const claimed = await claimAsNewHolder({ db: testDb.db, token, now: people.otp.now(), issuer: ORIGIN, sealingKey: testKeys.sealing });
    expect(await holderOf(PHONE)).toBe(claimed.userId);

    // Another recycled number, locked by a CSIP it was then ported away from: that lock no longer holds.
    const second = await recycledNumberAgain(people, "+33698765432");
    await lockIdentifier({ db: testDb.db, csipId, userId: adminId, csi: "tel:+33698765432", reason: "ownership_dispute", now: people.otp.now() });
    people.otp.advance(1000);
    await testDb.db.insert(portRecords).values({ csi: "tel:+33698765432", fromCsipId: csipId, toCsipId: null, at: people.otp.now(), reportedBy: csipId });
    const moved = await claimAsNewHolder({ db: testDb.db, token: second, now: people.otp.now(), issuer: ORIGIN, sealingKey: testKeys.sealing });
    expect(await holderOf("tel:+33698765432")).toBe(moved.userId);
  });

  it("moves nothing when the flow is abandoned half way, and asks again at the next sign-in", async () => {
    const { people, alice, phoneMapping, token } = await recycledNumber();
    await abandonStepUp(testDb.db, token);
    expect(await testDb.db.select().from(signInStepUps)).toHaveLength(0);
    await expect(claimAsNewHolder({ db: testDb.db, token, now: people.otp.now(), issuer: ORIGIN, sealingKey: testKeys.sealing })).rejects.toMatchObject({ code: "ended" });
    expect(await holderOf(PHONE)).toBe(alice.userId);
    expect(await statusOf(phoneMapping)).toBe("active");
    expect(await testDb.db.select().from(notifications)).toHaveLength(0);
    expect(await people.codeSignIn(PHONE.slice(4))).toMatchObject({ ok: true, status: "step_up" });
  });

  it("races with the passkey in another tab: exactly one of them wins", async () => {
    const { people, alice, key, token } = await recycledNumber();
    const started = await startPasskeyStepUp({ db: testDb.db, rp: people.rp, token, now: people.otp.now() });
    const response = authenticationResponseSchema.parse(await key.authenticate({ challenge: started.options.challenge, rpId: people.rp.rpId, origin: ORIGIN }));
    const outcomes = await Promise.allSettled([
      finishPasskeyStepUp({ db: testDb.db, rp: people.rp, token, challengeId: started.challengeId, response, now: people.otp.now() }),
      claimAsNewHolder({ db: testDb.db, token, now: people.otp.now(), issuer: ORIGIN, sealingKey: testKeys.sealing }),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    expect(outcomes.find((outcome) => outcome.status === "rejected")).toMatchObject({ reason: { code: "ended" } });
    const winner = outcomes.findIndex((outcome) => outcome.status === "fulfilled");
    expect(await holderOf(PHONE)).toBe(winner === 0 ? alice.userId : (outcomes[1] as PromiseFulfilledResult<{ userId: string }>).value.userId);
  });
});

/** Another number on Alice's account (by code), then a new holder's sign-in code for it. */
async function recycledNumberAgain(people: ReturnType<typeof createRecipients>, number: string): Promise<string> {
  const [alice] = await testDb.db.select({ userId: identifiers.userId }).from(identifiers).where(eq(identifiers.uri, "mailto:alice@example.com"));
  await people.addIdentifier(alice!.userId, number);
  return people.stepUpFor(number);
}

describe("it is my account", () => {
  it("opens a single-identifier account after a long absence, and the next sign-in is direct again", async () => {
    const people = createRecipients(testDb.db, ORIGIN);
    const bob = await people.signUp("+14085551212");
    people.otp.advance(60 * 24 * 60 * 60_000);
    const token = await people.stepUpFor("+14085551212");
    const opened = await confirmOwnAccount({ db: testDb.db, token, now: people.otp.now() });
    expect(opened.userId).toBe(bob.userId);
    expect(await people.codeSignIn("+14085551212")).toMatchObject({ ok: true, status: "signed_in", userId: bob.userId });
  });

  it("is not open to an account that has a passkey or another identifier", async () => {
    const { people, alice, token } = await recycledNumber();
    await expect(confirmOwnAccount({ db: testDb.db, token, now: people.otp.now() })).rejects.toMatchObject({ code: "not_offered" });
    expect(await testDb.db.select().from(sessions).where(eq(sessions.userId, alice.userId))).toHaveLength(1);
    expect(await testDb.db.select().from(signInStepUps)).toHaveLength(1);
  });
});
