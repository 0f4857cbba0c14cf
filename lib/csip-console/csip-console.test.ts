import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeys, auditLog, csipClaims, csipMembers, csips, mappings, portRecords, users } from "@/db/schema";
import { createAppHarness } from "@/test/support/app-harness";
import { testKeys } from "@/test/support/otp-harness";
import { authenticateApiKey } from "@/lib/api-keys/manage-api-keys";
import { parseRemovalCsv } from "@/lib/csip/parse-removal-csv";
import { applyRemovalRows } from "./apply-removal-rows";
import { listClaims } from "./list-claims";
import { findMembership, listMemberships } from "./list-memberships";
import { issueCsipApiKey, listCsipApiKeys, revokeCsipApiKey } from "./manage-csip-api-keys";
import { reportPortOut } from "./report-port-out";
import { MAX_PENDING_CLAIMS, submitClaim } from "./submit-claim";

let app: Awaited<ReturnType<typeof createAppHarness>>;
const NOW = new Date("2026-11-22T10:00:00Z");

beforeAll(async () => {
  app = await createAppHarness();
});
afterAll(async () => {
  await app.close();
});

async function newUser(): Promise<string> {
  const [user] = await app.db.insert(users).values({}).returning({ id: users.id });
  return user!.id;
}

async function newCsip(name: string, claims: { kind: "e164_prefix" | "email_domain"; value: string }[] = [], memberId?: string) {
  const { id } = await app.csip(name, claims);
  if (memberId) await app.db.insert(csipMembers).values({ csipId: id, userId: memberId, addedAt: NOW });
  return id;
}

const statusOf = async (id: string) => (await app.db.select({ status: mappings.status }).from(mappings).where(eq(mappings.id, id)))[0]!.status;
const csv = (text: string) => new TextEncoder().encode(text);

describe("memberships", () => {
  it("lists only the account's live CSIPs and finds one only for its admins", async () => {
    const admin = await newUser();
    const stranger = await newUser();
    const mine = await newCsip("Member Telco", [], admin);
    const gone = await newCsip("Gone Telco", [], admin);
    await app.db.update(csips).set({ deletedAt: NOW }).where(eq(csips.id, gone));
    await newCsip("Someone Else's");

    expect(await listMemberships(app.db, admin)).toEqual([{ csipId: mine, name: "Member Telco" }]);
    expect(await findMembership(app.db, { userId: admin, csipId: mine })).toEqual({ csipId: mine, name: "Member Telco" });
    expect(await findMembership(app.db, { userId: admin, csipId: mine.toUpperCase() })).toEqual({ csipId: mine, name: "Member Telco" });
    expect(await findMembership(app.db, { userId: stranger, csipId: mine })).toBeNull();
    expect(await findMembership(app.db, { userId: admin, csipId: gone })).toBeNull();
    expect(await findMembership(app.db, { userId: admin, csipId: "not-a-uuid" })).toBeNull();
  });
});

describe("submitClaim", () => {
  it("files a normalised claim as pending, with an audit row naming the admin", async () => {
    const admin = await newUser();
    const csipId = await newCsip("Claims A", [], admin);
    const outcome = await submitClaim({ db: app.db, csipId, userId: admin, kind: "e164_prefix", input: " +33 (0)?", now: NOW });
    expect(outcome).toMatchObject({ ok: false, code: "invalid" });
    const filed = await submitClaim({ db: app.db, csipId, userId: admin, kind: "e164_prefix", input: "+33 6 91", now: NOW });
    expect(filed).toMatchObject({ ok: true, value: "+33691" });
    const domain = await submitClaim({ db: app.db, csipId, userId: admin, kind: "email_domain", input: "Mail.Claims-A.Example", now: NOW });
    expect(domain).toMatchObject({ ok: true, value: "mail.claims-a.example" });
    expect((await listClaims(app.db, csipId)).map((claim) => [claim.kind, claim.value, claim.status])).toEqual([
      ["e164_prefix", "+33691", "pending"],
      ["email_domain", "mail.claims-a.example", "pending"],
    ]);
    const audit = await app.db.select().from(auditLog).where(and(eq(auditLog.action, "csip_claim.submitted"), eq(auditLog.subjectId, csipId)));
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ actorUserId: admin, actorKind: "csip" });
  });

  it("refuses what another CSIP holds or awaits, its own duplicates and overlaps, and changes nothing", async () => {
    const admin = await newUser();
    const csipId = await newCsip("Claims B", [{ kind: "e164_prefix", value: "+44770" }], admin);
    const other = await newCsip("Claims C", [{ kind: "email_domain", value: "held.example" }]);
    await app.db.insert(csipClaims).values({ csipId: other, kind: "e164_prefix", value: "+44780", status: "pending", createdAt: NOW });
    const tries = [
      { kind: "email_domain" as const, input: "held.example", code: "held_by_other" },
      { kind: "e164_prefix" as const, input: "+44 780", code: "held_by_other" },
      { kind: "e164_prefix" as const, input: "+44770", code: "duplicate" },
      { kind: "e164_prefix" as const, input: "+447701", code: "overlaps_own" },
      { kind: "e164_prefix" as const, input: "+4477", code: "overlaps_own" },
    ];
    for (const attempt of tries) {
      const outcome = await submitClaim({ db: app.db, csipId, userId: admin, kind: attempt.kind, input: attempt.input, now: NOW });
      expect(outcome, attempt.input).toMatchObject({ ok: false, code: attempt.code });
    }
    expect(await listClaims(app.db, csipId)).toHaveLength(1);
    // Another CSIP's narrower prefix is allowed: the longest approved prefix decides.
    expect(await submitClaim({ db: app.db, csipId: other, userId: admin, kind: "e164_prefix", input: "+447701", now: NOW })).toMatchObject({ ok: true });
  });

  it("ignores rejected claims and deleted CSIPs' claims, and caps claims awaiting approval", async () => {
    const admin = await newUser();
    const csipId = await newCsip("Claims D", [], admin);
    const gone = await newCsip("Claims Gone", [{ kind: "email_domain", value: "orphan.example" }]);
    await app.db.update(csips).set({ deletedAt: NOW }).where(eq(csips.id, gone));
    const other = await newCsip("Claims E");
    await app.db.insert(csipClaims).values({ csipId: other, kind: "email_domain", value: "rejected.example", status: "rejected", createdAt: NOW });
    expect(await submitClaim({ db: app.db, csipId, userId: admin, kind: "email_domain", input: "orphan.example", now: NOW })).toMatchObject({ ok: true });
    expect(await submitClaim({ db: app.db, csipId, userId: admin, kind: "email_domain", input: "rejected.example", now: NOW })).toMatchObject({ ok: true });
    for (let index = 2; index < MAX_PENDING_CLAIMS; index += 1) {
      expect(await submitClaim({ db: app.db, csipId, userId: admin, kind: "email_domain", input: `d${index}.cap.example`, now: NOW })).toMatchObject({ ok: true });
    }
    expect(await submitClaim({ db: app.db, csipId, userId: admin, kind: "email_domain", input: "one-more.example", now: NOW })).toMatchObject({ ok: false, code: "too_many" });
  });

  it("refuses for a deleted CSIP", async () => {
    const admin = await newUser();
    const csipId = await newCsip("Claims F", [], admin);
    await app.db.update(csips).set({ deletedAt: NOW }).where(eq(csips.id, csipId));
    expect(await submitClaim({ db: app.db, csipId, userId: admin, kind: "email_domain", input: "f.example", now: NOW })).toMatchObject({ ok: false, code: "no_csip" });
  });
});

describe("CSIP API keys", () => {
  it("issues a key shown once and stored hashed, which the removal API accepts, and revokes only the CSIP's own keys", async () => {
    const admin = await newUser();
    const csipId = await newCsip("Keys A", [], admin);
    const otherCsip = await newCsip("Keys B", [], admin);
    const issued = await issueCsipApiKey({ db: app.db, csipId, label: "billing system", userId: admin, now: NOW });
    expect(issued!.key).toMatch(/^mimi_csip_[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{43}$/u);
    const [stored] = await app.db.select().from(apiKeys).where(eq(apiKeys.id, issued!.id));
    expect(JSON.stringify(stored)).not.toContain(issued!.key.split(".")[1]);
    expect(await authenticateApiKey(app.db, issued!.key)).toMatchObject({ ownerKind: "csip", csipId });

    const others = await issueCsipApiKey({ db: app.db, csipId: otherCsip, label: "other", userId: admin, now: NOW });
    const labels = (await listCsipApiKeys(app.db, csipId)).map((row) => row.label);
    expect(labels).toContain("billing system");
    expect(labels).not.toContain("other");
    expect(await revokeCsipApiKey({ db: app.db, csipId, keyId: others!.id, userId: admin, now: NOW })).toBe(false);
    expect(await authenticateApiKey(app.db, others!.key)).not.toBeNull();
    expect(await revokeCsipApiKey({ db: app.db, csipId, keyId: "nope", userId: admin, now: NOW })).toBe(false);

    expect(await revokeCsipApiKey({ db: app.db, csipId, keyId: issued!.id, userId: admin, now: NOW })).toBe(true);
    expect(await revokeCsipApiKey({ db: app.db, csipId, keyId: issued!.id, userId: admin, now: NOW })).toBe(false);
    expect(await authenticateApiKey(app.db, issued!.key)).toBeNull();
    const actions = (await app.db.select().from(auditLog).where(eq(auditLog.subjectId, csipId))).map((row) => row.action);
    expect(actions).toEqual(expect.arrayContaining(["api_key.issued", "api_key.revoked"]));
  });

  it("issues nothing for a deleted CSIP", async () => {
    const admin = await newUser();
    const csipId = await newCsip("Keys C", [], admin);
    await app.db.update(csips).set({ deletedAt: NOW }).where(eq(csips.id, csipId));
    expect(await issueCsipApiKey({ db: app.db, csipId, label: "x", userId: admin, now: NOW })).toBeNull();
  });
});

describe("applyRemovalRows", () => {
  it("reports every row in file order; bad rows and rows outside authority change nothing; the rest is applied", async () => {
    const admin = await newUser();
    const csipId = await newCsip("Rows A", [{ kind: "e164_prefix", value: "+33695" }], admin);
    const inside = await app.publishFor("+33 6 95 00 00 01");
    const outside = await app.publishFor("+33 6 98 00 00 01");
    const parsed = await parseRemovalCsv(
      csv("csi,reason\n+33 6 95 00 00 01,other\n+33 6 98 00 00 01,other\nnot a number,other\n+33 6 95 00 00 02,gone\n+33695000003,released\n"),
    );
    if (!parsed.ok) throw new Error(parsed.error);
    const { results, summary, notices } = await applyRemovalRows({ db: app.db, csipId, userId: admin, rows: parsed.rows, issuer: app.origin, sealingKey: testKeys.sealing, auditKey: testKeys.audit, now: new Date() });

    expect(results.map((row) => [row.line, row.input, row.outcome, row.applied])).toEqual([
      [2, "+33 6 95 00 00 01", "removed", true],
      [3, "+33 6 98 00 00 01", "refused", false],
      [4, "not a number", "invalid", false],
      [5, "+33 6 95 00 00 02", "invalid", false],
      [6, "+33695000003", "nothing_to_remove", true],
    ]);
    expect(results[0]!.message).toBe("Removed 1 mapping.");
    expect(results[1]!.message).toMatch(/outside your approved number ranges/u);
    expect(results[3]!.message).toMatch(/^The reason must be one of/u);
    expect(summary).toEqual({ rows: 5, applied: 2, refused: 3, removedMappings: 1 });
    expect(await statusOf(inside.id)).toBe("removed");
    expect(await statusOf(outside.id)).toBe("active");
    expect(notices).toEqual([]);
    const audit = await app.db.select().from(auditLog).where(and(eq(auditLog.action, "csip.removals_applied"), eq(auditLog.subjectId, csipId)));
    expect(audit.map((row) => [row.actorUserId, row.details])).toEqual([[admin, { via: "console", items: 5, applied: 2, refused: 3 }]]);
  });

  it("applies nothing when no row is valid, and audits each refused row and the upload", async () => {
    const admin = await newUser();
    const csipId = await newCsip("Rows B", [{ kind: "e164_prefix", value: "+33696" }], admin);
    const parsed = await parseRemovalCsv(csv("csi,reason\nnope,other\n"));
    if (!parsed.ok) throw new Error(parsed.error);
    const { results, summary } = await applyRemovalRows({ db: app.db, csipId, userId: admin, rows: parsed.rows, issuer: app.origin, sealingKey: testKeys.sealing, auditKey: testKeys.audit, now: new Date() });
    expect(results).toHaveLength(1);
    expect(summary).toEqual({ rows: 1, applied: 0, refused: 1, removedMappings: 0 });
    const upload = await app.db.select().from(auditLog).where(and(eq(auditLog.action, "csip.removals_applied"), eq(auditLog.subjectId, csipId)));
    expect(upload.map((row) => row.details)).toEqual([{ via: "console", items: 1, applied: 0, refused: 1 }]);
    const refused = (await app.db.select().from(auditLog).where(eq(auditLog.action, "csip.removal_refused"))).filter((row) => row.details.csip === csipId);
    expect(refused.map((row) => [row.details.line, row.details.refusal])).toEqual([[2, "invalid_row"]]);
  });

  it("rolls every row back when the transaction fails", async () => {
    const admin = await newUser();
    const csipId = await newCsip("Rows C", [{ kind: "email_domain", value: "rows-c.example" }], admin);
    const mapping = await app.publishFor("ann@rows-c.example");
    const parsed = await parseRemovalCsv(csv("csi,reason\nann@rows-c.example,other\n"));
    if (!parsed.ok) throw new Error(parsed.error);
    // The console's own audit row is written last, after the removal: an actor the database does not know fails it
    // (a foreign key), so the removal before it must not stay either.
    const unknownUser = "00000000-0000-4000-8000-000000000000";
    await expect(
      applyRemovalRows({ db: app.db, csipId, userId: unknownUser, rows: parsed.rows, issuer: app.origin, sealingKey: testKeys.sealing, auditKey: testKeys.audit, now: new Date() }),
    ).rejects.toThrow();
    expect(await statusOf(mapping.id)).toBe("active");
  });
});

describe("reportPortOut", () => {
  it("records the port to the named receiver, who then has authority; the donor no longer has", async () => {
    const admin = await newUser();
    const donor = await newCsip("Donor P", [{ kind: "e164_prefix", value: "+3369811" }], admin);
    const receiver = await newCsip("Receiver P");
    const mapping = await app.publishFor("+33 6 98 11 00 01");
    const { result } = await reportPortOut({ db: app.db, csipId: donor, userId: admin, csi: "tel:+33698110001", input: "+33 6 98 11 00 01", receivingCsipId: receiver, issuer: app.origin, sealingKey: testKeys.sealing, auditKey: testKeys.audit, now: new Date() });
    expect(result).toMatchObject({ outcome: "ported", applied: true, removed: 0 });
    expect(await statusOf(mapping.id)).toBe("active");
    expect(await app.db.select({ from: portRecords.fromCsipId, to: portRecords.toCsipId }).from(portRecords).where(eq(portRecords.csi, "tel:+33698110001"))).toEqual([
      { from: donor, to: receiver },
    ]);
    const again = await reportPortOut({ db: app.db, csipId: donor, userId: admin, csi: "tel:+33698110001", input: "+33698110001", receivingCsipId: null, issuer: app.origin, sealingKey: testKeys.sealing, auditKey: testKeys.audit, now: new Date() });
    expect(again.result).toMatchObject({ outcome: "refused", applied: false });
  });

  it("refuses a number outside the CSIP's authority and a receiver that is itself", async () => {
    const admin = await newUser();
    const donor = await newCsip("Donor Q", [{ kind: "e164_prefix", value: "+3369812" }], admin);
    const outside = await reportPortOut({ db: app.db, csipId: donor, userId: admin, csi: "tel:+33695123456", input: "+33695123456", receivingCsipId: null, issuer: app.origin, sealingKey: testKeys.sealing, auditKey: testKeys.audit, now: new Date() });
    expect(outside.result).toMatchObject({ outcome: "refused", applied: false });
    const self = await reportPortOut({ db: app.db, csipId: donor, userId: admin, csi: "tel:+33698120001", input: "+33698120001", receivingCsipId: donor, issuer: app.origin, sealingKey: testKeys.sealing, auditKey: testKeys.audit, now: new Date() });
    expect(self.result).toMatchObject({ outcome: "invalid", applied: false });
    expect(await app.db.select().from(portRecords).where(eq(portRecords.fromCsipId, donor))).toEqual([]);
  });
});
