import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeys, auditLog, users } from "@/db/schema";
import { createMsp, deleteMsp } from "@/lib/msps/manage-msps";
import { createAppHarness } from "@/test/support/app-harness";
import { hashApiKey } from "./api-key-format";
import { authenticateApiKey, issueMspApiKey, listMspApiKeys, revokeApiKey } from "./manage-api-keys";

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

async function newMsp(id: string) {
  expect(await createMsp({ db: app.db, operatorUserId, now: NOW, input: { id, displayName: id, lookupBurst: 100, lookupRefillPerSecond: 1 } })).toBe("created");
}

// What the API's door (http/with-api-key.ts) asks of every key; app/api/v1/lookup/lookup.test.ts asks the route.
const lookupStatus = async (key: string) => ((await authenticateApiKey(app.db, key)) ? 200 : 401);
const auditOf = (action: string, subjectId: string) =>
  app.db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.subjectId, subjectId)));

describe("MSP API keys issued by the operator", () => {
  it("shows the key once, stores only its hash and prefix, audits the issue, and the key looks up", async () => {
    await newMsp("issued.example");
    const issued = await issueMspApiKey({ db: app.db, mspId: "issued.example", label: "production", operatorUserId, now: NOW });
    expect(issued).toEqual({ id: expect.any(String), key: expect.stringMatching(/^mimi_msp_[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{43}$/u), prefix: expect.any(String) });
    expect(issued!.key.startsWith(`${issued!.prefix}.`)).toBe(true);
    const [row] = await app.db.select().from(apiKeys).where(eq(apiKeys.id, issued!.id));
    expect(row).toMatchObject({ ownerKind: "msp", mspId: "issued.example", label: "production", prefix: issued!.prefix, keyHash: hashApiKey(issued!.key), createdBy: operatorUserId, revokedAt: null });
    expect(JSON.stringify(row)).not.toContain(issued!.key.split(".")[1]);
    const audit = await auditOf("api_key.issued", "issued.example");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorUserId: operatorUserId, actorKind: "operator", details: { prefix: issued!.prefix, label: "production" } });
    expect(JSON.stringify(audit)).not.toContain(issued!.key.split(".")[1]);
    expect(await authenticateApiKey(app.db, issued!.key)).toEqual({ ownerKind: "msp", keyId: issued!.id, mspId: "issued.example", policy: { burst: 100, refillPerSecond: 1 } });
    expect(await lookupStatus(issued!.key)).toBe(200);
  });

  it("issues several keys per MSP, for rotation, and lists them newest first", async () => {
    await newMsp("rotating.example");
    const old = await issueMspApiKey({ db: app.db, mspId: "rotating.example", label: "old", operatorUserId, now: NOW });
    const next = await issueMspApiKey({ db: app.db, mspId: "rotating.example", label: "new", operatorUserId, now: new Date(NOW.getTime() + 1000) });
    expect((await listMspApiKeys(app.db, "rotating.example")).map((key) => key.label)).toEqual(["new", "old"]);
    expect(await lookupStatus(old!.key)).toBe(200);
    expect(await lookupStatus(next!.key)).toBe(200);
  });

  it("revokes a key: it stops working at once, the revocation is audited, the MSP's other keys keep working", async () => {
    await newMsp("revoking.example");
    const revoked = await issueMspApiKey({ db: app.db, mspId: "revoking.example", label: "leaked", operatorUserId, now: NOW });
    const kept = await issueMspApiKey({ db: app.db, mspId: "revoking.example", label: "kept", operatorUserId, now: NOW });
    expect(await lookupStatus(revoked!.key)).toBe(200);
    expect(await revokeApiKey({ db: app.db, keyId: revoked!.id, operatorUserId, now: NOW })).toBe(true);
    expect(await lookupStatus(revoked!.key)).toBe(401);
    expect(await authenticateApiKey(app.db, revoked!.key)).toBeNull();
    expect(await lookupStatus(kept!.key)).toBe(200);
    const audit = await auditOf("api_key.revoked", "revoking.example");
    expect(audit.map((entry) => entry.details)).toEqual([{ prefix: revoked!.prefix }]);
    expect((await listMspApiKeys(app.db, "revoking.example")).find((key) => key.id === revoked!.id)!.revokedAt).toEqual(NOW);
  });

  it("revokes a key once: a second revocation, an unknown id and a malformed id change nothing", async () => {
    await newMsp("twice.example");
    const issued = await issueMspApiKey({ db: app.db, mspId: "twice.example", label: "k", operatorUserId, now: NOW });
    expect(await revokeApiKey({ db: app.db, keyId: issued!.id, operatorUserId, now: NOW })).toBe(true);
    expect(await revokeApiKey({ db: app.db, keyId: issued!.id, operatorUserId, now: new Date(NOW.getTime() + 1000) })).toBe(false);
    expect(await revokeApiKey({ db: app.db, keyId: "00000000-0000-4000-8000-000000000000", operatorUserId, now: NOW })).toBe(false);
    expect(await revokeApiKey({ db: app.db, keyId: "x' or 1=1", operatorUserId, now: NOW })).toBe(false);
    expect(await auditOf("api_key.revoked", "twice.example")).toHaveLength(1);
    const [row] = await app.db.select().from(apiKeys).where(eq(apiKeys.id, issued!.id));
    expect(row!.revokedAt).toEqual(NOW);
  });

  it("issues nothing for an unknown or deleted MSP, and deleting an MSP revokes its keys", async () => {
    expect(await issueMspApiKey({ db: app.db, mspId: "never.example", label: "k", operatorUserId, now: NOW })).toBeNull();
    await newMsp("leaving.example");
    const issued = await issueMspApiKey({ db: app.db, mspId: "leaving.example", label: "k", operatorUserId, now: NOW });
    expect(await deleteMsp({ db: app.db, operatorUserId, now: NOW, id: "leaving.example" })).toBe(true);
    expect(await lookupStatus(issued!.key)).toBe(401);
    const [row] = await app.db.select().from(apiKeys).where(eq(apiKeys.id, issued!.id));
    expect(row!.revokedAt).toEqual(NOW);
    expect(await issueMspApiKey({ db: app.db, mspId: "leaving.example", label: "again", operatorUserId, now: NOW })).toBeNull();
    expect(await app.db.select().from(apiKeys).where(eq(apiKeys.mspId, "leaving.example"))).toHaveLength(1);
  });
});
