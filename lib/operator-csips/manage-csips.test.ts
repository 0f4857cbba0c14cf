import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csipClaims } from "@/db/schema";
import { createAppHarness } from "@/test/support/app-harness";
import { addCsipMember, createCsip, decideClaim, listCsipMembers } from "./manage-csips";

let app: Awaited<ReturnType<typeof createAppHarness>>;
const OPERATOR = { operatorUserId: null as unknown as string, now: new Date() };

beforeAll(async () => {
  app = await createAppHarness();
});
afterAll(async () => {
  await app.close();
});

describe("operator management of CSIPs", () => {
  it("approves one holder per exact range: a second approval of the same value is refused", async () => {
    const a = await createCsip({ db: app.db, ...OPERATOR, name: "A" });
    const b = await createCsip({ db: app.db, ...OPERATOR, name: "B" });
    const [first] = await app.db.insert(csipClaims).values({ csipId: a, kind: "e164_prefix", value: "+1408", createdAt: new Date() }).returning();
    const [second] = await app.db.insert(csipClaims).values({ csipId: b, kind: "e164_prefix", value: "+1408", createdAt: new Date() }).returning();
    expect(await decideClaim({ db: app.db, ...OPERATOR, claimId: first!.id, decision: "approved" })).toBe("done");
    expect(await decideClaim({ db: app.db, ...OPERATOR, claimId: second!.id, decision: "approved" })).toBe("held_by_other");
    expect(await decideClaim({ db: app.db, ...OPERATOR, claimId: first!.id, decision: "rejected" })).toBe("not_pending");
  });

  it("gives the admin role only to a person who has proven the identifier", async () => {
    const csip = await createCsip({ db: app.db, ...OPERATOR, name: "C" });
    expect(await addCsipMember({ db: app.db, ...OPERATOR, csipId: csip, identifier: "nobody@example.com" })).toMatchObject({ ok: false });
    expect(await addCsipMember({ db: app.db, ...OPERATOR, csipId: csip, identifier: "a@b.com@c.com" })).toMatchObject({ ok: false, field: "identifier" });
    const mapping = await app.publishFor("admin@telco.example");
    expect(await addCsipMember({ db: app.db, ...OPERATOR, csipId: csip, identifier: "Admin@Telco.Example" })).toEqual({ ok: true });
    expect((await listCsipMembers(app.db, csip)).map((member) => member.userId)).toEqual([mapping.userId]);
  });
});
