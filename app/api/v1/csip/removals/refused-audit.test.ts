import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRemovalCsv } from "@/lib/csip/parse-removal-csv";
import { applyRemovalRows } from "@/lib/csip-console/apply-removal-rows";
import { testKeys } from "@/test/support/otp-harness";
import { apiRequest, createAppHarness } from "@/test/support/app-harness";
import { POST as remove } from "./route";
import { auditLog, csipMembers, users } from "@/db/schema";
import { auditDigest } from "@/lib/removals/audit-removal-request";

let app: Awaited<ReturnType<typeof createAppHarness>>;
beforeAll(async () => {
  app = await createAppHarness();
});
afterAll(async () => {
  await app.close();
});

const refusedRowsOf = async (csipId: string) =>
  (await app.db.select().from(auditLog).where(and(eq(auditLog.action, "csip.removal_refused"), eq(auditLog.subjectType, "identifier_digest")))).filter(
    (row) => row.details.csip === csipId,
  );

/**
 * Every refused item of a CSIP's removals is audited: who asked (the CSIP, and its key or admin), which identifier
 * (as a keyed digest: the audit log holds none in clear) and why, in the request's transaction.
 */
describe("refused CSIP removals leave an audit row each", () => {
  it("through the API: outside authority, invalid and repeated items, with the key that sent them", async () => {
    const telco = await app.csip("Audit Telco", [{ kind: "e164_prefix", value: "+3362" }]);
    const response = await remove(
      apiRequest(
        "http://localhost:3000/api/v1/csip/removals",
        {
          items: [
            { csi: "+33 6 21 00 00 01", reason: "other" },
            { csi: "+33 7 99 00 00 02", reason: "released" },
            { csi: "no number", reason: "other" },
            { csi: "+33621000001", reason: "other" },
          ],
        },
        { key: telco.key },
      ),
    );
    expect(response.status).toBe(207);
    const rows = await refusedRowsOf(telco.id);
    expect(rows.map((row) => [row.details.index, row.details.refusal, row.details.reason])).toEqual([
      [1, "outside_authority", "released"],
      [2, "letters_in_number", "other"],
      [3, "duplicate_item", "other"],
    ]);
    for (const row of rows) expect(row).toMatchObject({ actorKind: "csip", actorUserId: null, details: { via: "api", api_key: expect.any(String) } });
    expect(rows[0]!.subjectId).toBe(auditDigest(testKeys.audit, { csi: "tel:+33799000002" }));
    expect(rows[1]!.subjectId).toBe(auditDigest(testKeys.audit, { input: "no number" }));
    const everything = JSON.stringify(await app.db.select().from(auditLog).where(eq(auditLog.action, "csip.removal_refused")));
    expect(everything).not.toMatch(/33799000002|799 ?00 ?00 ?02|no number/u);
    const [request] = await app.db.select().from(auditLog).where(and(eq(auditLog.action, "csip.removals_applied"), eq(auditLog.subjectId, telco.id)));
    expect(request!.details).toMatchObject({ via: "api", items: 4, applied: 1, refused: 3 });
  });

  it("through the console: rows the reader refused and items outside authority, by line, with the admin who uploaded", async () => {
    const telco = await app.csip("Console Telco", [{ kind: "email_domain", value: "mail.audit.example" }]);
    const [admin] = await app.db.insert(users).values({}).returning({ id: users.id });
    await app.db.insert(csipMembers).values({ csipId: telco.id, userId: admin!.id, addedAt: new Date() });
    const parsed = await parseRemovalCsv(new TextEncoder().encode("csi,reason\nann@mail.audit.example,other\nbob@elsewhere.example,other\nnot an address,other\n"));
    if (!parsed.ok) throw new Error(parsed.error);
    await applyRemovalRows({ db: app.db, csipId: telco.id, userId: admin!.id, rows: parsed.rows, issuer: app.origin, sealingKey: testKeys.sealing, auditKey: testKeys.audit, now: new Date() });
    const rows = await refusedRowsOf(telco.id);
    expect(rows.map((row) => [row.details.line, row.details.refusal])).toEqual(
      expect.arrayContaining([
        [3, "outside_authority"],
        [4, "invalid_row"],
      ]),
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatchObject({ actorUserId: admin!.id, details: { via: "console" } });
    expect(JSON.stringify(rows)).not.toMatch(/bob@elsewhere|not an address/u);
  });
});
