import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, csips, msps, users } from "@/db/schema";
import { issueMspApiKey, revokeApiKey } from "@/lib/api-keys/manage-api-keys";
import { createAppHarness } from "@/test/support/app-harness";
import { createMsp, deleteMsp, findMsp, listMsps, setMspOperatorCsip, updateMsp } from "./manage-msps";

const NOW = new Date("2026-11-22T10:00:00Z");
let app: Awaited<ReturnType<typeof createAppHarness>>;
let operatorUserId: string;

beforeAll(async () => {
  app = await createAppHarness();
  [{ id: operatorUserId }] = (await app.db.insert(users).values({}).returning({ id: users.id })) as [{ id: string }];
});
afterAll(async () => {
  await app.close();
});

const input = (id: string, overrides: Partial<{ displayName: string; contact: string; lookupBurst: number; lookupRefillPerSecond: number }> = {}) => ({
  id,
  displayName: `Display ${id}`,
  lookupBurst: 500,
  lookupRefillPerSecond: 2.5,
  ...overrides,
});
const actions = async (subjectId: string) =>
  (await app.db.select().from(auditLog).where(and(eq(auditLog.subjectType, "msp"), eq(auditLog.subjectId, subjectId)))).map((row) => row.action);

describe("the MSP registry", () => {
  it("registers an MSP with its limits and an audit row, and refuses a second MSP with the same id", async () => {
    expect(await createMsp({ db: app.db, operatorUserId, now: NOW, input: input("new.example", { contact: "ops@new.example" }) })).toBe("created");
    expect(await findMsp(app.db, "new.example")).toMatchObject({ id: "new.example", displayName: "Display new.example", contact: "ops@new.example", lookupBurst: 500, lookupRefillPerSecond: 2.5, deletedAt: null });
    expect(await createMsp({ db: app.db, operatorUserId, now: NOW, input: input("new.example", { displayName: "Impostor" }) })).toBe("taken");
    expect((await findMsp(app.db, "new.example"))!.displayName).toBe("Display new.example");
    const [audit] = await app.db.select().from(auditLog).where(and(eq(auditLog.action, "msp.created"), eq(auditLog.subjectId, "new.example")));
    expect(audit).toMatchObject({ actorUserId: operatorUserId, actorKind: "operator", details: { id: "new.example", lookupBurst: 500 } });
    expect(await actions("new.example")).toEqual(["msp.created"]);
  });

  it("updates a live MSP's name and limits, with an audit row; an unknown one is not created", async () => {
    await createMsp({ db: app.db, operatorUserId, now: NOW, input: input("update.example") });
    expect(await updateMsp({ db: app.db, operatorUserId, now: NOW, id: "update.example", input: { displayName: "Renamed", lookupBurst: 7, lookupRefillPerSecond: 0.5 } })).toBe(true);
    expect(await findMsp(app.db, "update.example")).toMatchObject({ displayName: "Renamed", contact: null, lookupBurst: 7, lookupRefillPerSecond: 0.5 });
    expect(await actions("update.example")).toEqual(["msp.created", "msp.updated"]);
    expect(await updateMsp({ db: app.db, operatorUserId, now: NOW, id: "ghost.example", input: { displayName: "Ghost", lookupBurst: 1, lookupRefillPerSecond: 1 } })).toBe(false);
    expect(await findMsp(app.db, "ghost.example")).toBeNull();
  });

  it("deletes an MSP: its keys are revoked, it cannot be updated or deleted again, and its id stays reserved", async () => {
    await createMsp({ db: app.db, operatorUserId, now: NOW, input: input("gone.example") });
    const key = await issueMspApiKey({ db: app.db, mspId: "gone.example", label: "k", operatorUserId, now: NOW });
    expect(await deleteMsp({ db: app.db, operatorUserId, now: NOW, id: "gone.example" })).toBe(true);
    expect((await findMsp(app.db, "gone.example"))!.deletedAt).toEqual(NOW);
    expect(await revokeApiKey({ db: app.db, keyId: key!.id, operatorUserId, now: NOW })).toBe(false);
    expect(await deleteMsp({ db: app.db, operatorUserId, now: NOW, id: "gone.example" })).toBe(false);
    expect(await updateMsp({ db: app.db, operatorUserId, now: NOW, id: "gone.example", input: { displayName: "Back", lookupBurst: 1, lookupRefillPerSecond: 1 } })).toBe(false);
    expect(await createMsp({ db: app.db, operatorUserId, now: NOW, input: input("gone.example") })).toBe("taken");
    expect(await actions("gone.example")).toEqual(["msp.created", "api_key.issued", "msp.deleted"]);
  });

  it("lists MSPs by name with their count of live keys", async () => {
    await createMsp({ db: app.db, operatorUserId, now: NOW, input: input("keys.example", { displayName: "AAA Keys" }) });
    const live = await issueMspApiKey({ db: app.db, mspId: "keys.example", label: "a", operatorUserId, now: NOW });
    const revoked = await issueMspApiKey({ db: app.db, mspId: "keys.example", label: "b", operatorUserId, now: NOW });
    await revokeApiKey({ db: app.db, keyId: revoked!.id, operatorUserId, now: NOW });
    void live;
    const listed = await listMsps(app.db);
    expect(listed[0]).toMatchObject({ id: "keys.example", displayName: "AAA Keys", activeKeys: 1 });
    const names = listed.map((msp) => msp.displayName);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it("records which CSIP operates an MSP, or none, and not for a deleted MSP", async () => {
    await createMsp({ db: app.db, operatorUserId, now: NOW, input: input("rcs.example") });
    const [telco] = await app.db.insert(csips).values({ name: "Telco", createdAt: NOW }).returning({ id: csips.id });
    expect(await setMspOperatorCsip({ db: app.db, operatorUserId, now: NOW, id: "rcs.example", csipId: telco!.id })).toBe(true);
    expect((await findMsp(app.db, "rcs.example"))!.operatorCsipId).toBe(telco!.id);
    expect(await setMspOperatorCsip({ db: app.db, operatorUserId, now: NOW, id: "rcs.example", csipId: null })).toBe(true);
    expect((await findMsp(app.db, "rcs.example"))!.operatorCsipId).toBeNull();
    const details = (await app.db.select().from(auditLog).where(and(eq(auditLog.action, "msp.operator_set"), eq(auditLog.subjectId, "rcs.example")))).map((row) => row.details);
    expect(details).toEqual([{ csip: telco!.id }, { csip: null }]);
    await deleteMsp({ db: app.db, operatorUserId, now: NOW, id: "rcs.example" });
    expect(await setMspOperatorCsip({ db: app.db, operatorUserId, now: NOW, id: "rcs.example", csipId: telco!.id })).toBe(false);
    expect((await app.db.select({ operator: msps.operatorCsipId }).from(msps).where(eq(msps.id, "rcs.example")))[0]!.operator).toBeNull();
  });
});
