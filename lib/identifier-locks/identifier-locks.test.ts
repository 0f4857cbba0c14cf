import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, csipClaims, csips, identifierLocks, identifiers } from "@/db/schema";
import { addIdentifierWithCode } from "@/lib/accounts/add-identifier-with-code";
import { testKeys } from "@/test/support/otp-harness";
import { createRecipients } from "@/test/support/recipients";
import { findStandingLock } from "./find-standing-lock";
import { IdentifierLockedError } from "./identifier-locked-error";
import { liftLock, listLocks, lockIdentifier } from "./manage-locks";
import { useTestDatabase } from "@/test/support/seeded-test-database";

const testDb = useTestDatabase({ signingKey: true, truncateBeforeEach: ["users", "otp_challenges", "rate_events", "identifier_locks", "audit_log", "csip_claims", "csips"] });

async function setUp() {
  const people = createRecipients(testDb.db);
  const at = people.otp.now();
  const [telco] = await testDb.db.insert(csips).values({ name: "Telco", createdAt: at }).returning({ id: csips.id });
  const [mail] = await testDb.db.insert(csips).values({ name: "Mail", createdAt: at }).returning({ id: csips.id });
  await testDb.db.insert(csipClaims).values([
    { csipId: telco!.id, kind: "e164_prefix", value: "+3361", status: "approved", createdAt: at },
    { csipId: mail!.id, kind: "email_domain", value: "mail.example", status: "approved", createdAt: at },
  ]);
  const admin = await people.signUp("admin@telco.example");
  return { people, telco: telco!.id, mail: mail!.id, admin: admin.userId };
}

describe("CSIP locks on identifiers", () => {
  it("locks an identifier inside the CSIP's authority only, and the answer does not say whether anyone here holds it", async () => {
    const { people, telco, mail, admin } = await setUp();
    await people.signUp("+33612345678");
    const held = await lockIdentifier({ db: testDb.db, csipId: telco, userId: admin, csi: "tel:+33612345678", reason: "subscriber_protection", now: people.otp.now() });
    const unheld = await lockIdentifier({ db: testDb.db, csipId: telco, userId: admin, csi: "tel:+33611111111", reason: "subscriber_protection", now: people.otp.now() });
    expect(held).toMatchObject({ ok: true, changed: "locked" });
    expect(unheld).toMatchObject({ ok: true, changed: "locked" });
    expect(Object.keys(held).sort()).toEqual(Object.keys(unheld).sort());

    expect(await lockIdentifier({ db: testDb.db, csipId: mail, userId: admin, csi: "tel:+33612345678", reason: "suspected_fraud", now: people.otp.now() })).toMatchObject({
      ok: false,
      code: "outside_authority",
    });
    expect(await lockIdentifier({ db: testDb.db, csipId: telco, userId: admin, csi: "tel:+14085551212", reason: "suspected_fraud", now: people.otp.now() })).toMatchObject({ ok: false });
    expect(await testDb.db.select().from(identifierLocks)).toHaveLength(2);
    const audit = await testDb.db.select().from(auditLog).where(eq(auditLog.action, "identifier.locked"));
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ actorKind: "csip", actorUserId: admin, subjectType: "identifier_lock", details: { csip: telco, reason: "subscriber_protection" } });
  });

  it("locking again changes the reason of the one standing lock; lifting ends it", async () => {
    const { people, telco, admin } = await setUp();
    const csi = "tel:+33612345678";
    await lockIdentifier({ db: testDb.db, csipId: telco, userId: admin, csi, reason: "subscriber_protection", now: people.otp.now() });
    expect(await lockIdentifier({ db: testDb.db, csipId: telco, userId: admin, csi, reason: "subscriber_protection", now: people.otp.now() })).toMatchObject({ changed: "unchanged" });
    const changed = await lockIdentifier({ db: testDb.db, csipId: telco, userId: admin, csi, reason: "ownership_dispute", now: people.otp.now() });
    expect(changed).toMatchObject({ ok: true, changed: "reason_changed" });
    expect(await listLocks(testDb.db, telco)).toEqual([expect.objectContaining({ csi, reason: "ownership_dispute" })]);
    expect((await findStandingLock(testDb.db, csi))?.reason).toBe("ownership_dispute");

    const lockId = changed.ok ? changed.lock.id : "";
    expect(await liftLock({ db: testDb.db, csipId: telco, userId: admin, lockId, now: people.otp.now() })).toBe(true);
    expect(await liftLock({ db: testDb.db, csipId: telco, userId: admin, lockId, now: people.otp.now() })).toBe(false);
    expect(await listLocks(testDb.db, telco)).toEqual([]);
    expect(await findStandingLock(testDb.db, csi)).toBeNull();
  });

  it("refuses adding a locked identifier to another account, with the reason, and leaves the code unused", async () => {
    const { people, mail, admin } = await setUp();
    const alice = await people.signUp("alice@mail.example");
    const bob = await people.signUp("bob@example.com");
    await lockIdentifier({ db: testDb.db, csipId: mail, userId: admin, csi: "mailto:alice@mail.example", reason: "ownership_dispute", now: people.otp.now() });

    const { challengeId } = await people.otp.request("alice@mail.example", { purpose: "add_identifier", userId: bob.userId, clientIp: people.nextIp() });
    const attempt = () =>
      addIdentifierWithCode({ db: testDb.db, keys: testKeys, userId: bob.userId, challengeId, code: people.otp.lastCode(), now: people.otp.now(), issuer: people.origin, sealingKey: testKeys.sealing });
    await expect(attempt()).rejects.toBeInstanceOf(IdentifierLockedError);
    await expect(attempt()).rejects.toThrow(/provider of this address has locked it against a change of holder, because who holds it is in dispute/u);
    const [row] = await testDb.db.select().from(identifiers).where(eq(identifiers.uri, "mailto:alice@mail.example"));
    expect(row!.userId).toBe(alice.userId);
  });
});
