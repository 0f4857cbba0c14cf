import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as csipRemovals } from "@/app/api/v1/csip/removals/route";
import { identifiers, mappings } from "@/db/schema";
import { removeIdentifier } from "@/lib/accounts/remove-identifier";
import { recordExpiries } from "@/lib/private/record-expiries";
import { finishRecipientRemoval, startRecipientRemoval } from "@/lib/removals/recipient-removal";
import { apiRequest, createAppHarness } from "@/test/support/app-harness";
import { testKeys } from "@/test/support/otp-harness";
import { createRecipients } from "@/test/support/recipients";
import { activeRecordOf } from "./oprf-records";

/**
 * Protocol section 7: every change of a CSI's served mappings rewrites its private-lookup record in the same
 * transaction. Each write path, one by one: the record says what a lookup says, at once.
 */
let h: Awaited<ReturnType<typeof createAppHarness>>;
beforeAll(async () => {
  h = await createAppHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe("records are rewritten with every mapping change", () => {
  it("publish writes the record; a second publish of the label supersedes the first in it", async () => {
    const first = await h.publishFor("writer@example.com");
    expect(await activeRecordOf(h.db, "mailto:writer@example.com")).toEqual({ result: "found", ids: [first.id] });
    const second = await h.publishFor("writer@example.com", { entries: [] });
    expect(await activeRecordOf(h.db, "mailto:writer@example.com")).toEqual({ result: "opted_out", ids: [second.id] });
    const work = await h.publishFor("writer@example.com", { label: "Work" });
    expect(await activeRecordOf(h.db, "mailto:writer@example.com")).toEqual({ result: "found", ids: [second.id, work.id] });
  });

  it("a fresh publish de-lists every earlier mapping of the CSI in the record too", async () => {
    await h.publishFor("fresh@example.com", { label: "Personal" });
    await h.publishFor("fresh@example.com", { label: "Work" });
    expect((await activeRecordOf(h.db, "mailto:fresh@example.com"))?.ids).toHaveLength(2);
    const renewed = await h.publishFor("fresh@example.com", { label: "Renewed", fresh: true });
    expect(await activeRecordOf(h.db, "mailto:fresh@example.com")).toEqual({ result: "found", ids: [renewed.id] });
  });

  it("a recipient's removal rewrites the record; removing the last mapping deletes it", async () => {
    const published = await h.publishFor("+33 6 11 22 33 44");
    const csi = "tel:+33611223344";
    expect((await activeRecordOf(h.db, csi))?.ids).toEqual([published.id]);
    const started = await startRecipientRemoval({ db: h.db, rp: published.rp, userId: published.userId, mappingIds: [published.id], now: new Date() });
    const response = (await published.authenticator.authenticate({ challenge: started.options.challenge, rpId: published.rp.rpId, origin: h.origin })) as never;
    await finishRecipientRemoval({ db: h.db, rp: published.rp, issuer: h.origin, sealingKey: testKeys.sealing, userId: published.userId, challengeId: started.challengeId, response, now: new Date() });
    expect(await activeRecordOf(h.db, csi)).toBeUndefined();
  });

  it("a CSIP's removal rewrites the record", async () => {
    await h.publishFor("+33 6 11 22 33 55");
    const csip = await h.csip("Record telco", [{ kind: "e164_prefix", value: "+3361122" }]);
    const answer = await csipRemovals(apiRequest(`${h.origin}/api/v1/csip/removals`, { items: [{ csi: "+33 6 11 22 33 55", reason: "released" }] }, { key: csip.key }));
    expect(answer.status).toBe(200);
    expect(await activeRecordOf(h.db, "tel:+33611223355")).toBeUndefined();
  });

  it("removing the identifier from the account rewrites the record", async () => {
    const people = createRecipients(h.db);
    const account = await people.signUp("leaver@example.com");
    await people.addIdentifier(account.userId, "stayer@example.com");
    const passkey = await people.registerPasskey(account.userId);
    const published = await people.publish(account.userId, "mailto:leaver@example.com", passkey);
    expect((await activeRecordOf(h.db, "mailto:leaver@example.com"))?.ids).toEqual([published]);
    const [identifier] = await h.db.select({ id: identifiers.id }).from(identifiers).where(eq(identifiers.uri, "mailto:leaver@example.com"));
    const outcome = await removeIdentifier({ db: h.db, issuer: h.origin, sealingKey: testKeys.sealing, userId: account.userId, identifierId: identifier!.id, now: people.otp.now() });
    expect(outcome).toEqual({ ok: true, removedMappings: 1 });
    expect(await activeRecordOf(h.db, "mailto:leaver@example.com")).toBeUndefined();
  });

  it("expiry: the job rewrites the records of expired mappings, once", async () => {
    const lasting = await h.publishFor("expiring@example.com", { label: "Lasting" });
    const expiring = await h.publishFor("expiring@example.com", { label: "Short" });
    expect((await activeRecordOf(h.db, "mailto:expiring@example.com"))?.ids).toEqual([lasting.id, expiring.id]);
    // A year has not passed: the test moves the expiry instead of the clock.
    await h.db.update(mappings).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(mappings.id, expiring.id));
    expect(await recordExpiries(h.db, testKeys.sealing, new Date())).toBe(1);
    expect((await activeRecordOf(h.db, "mailto:expiring@example.com"))?.ids).toEqual([lasting.id]);
    expect(await recordExpiries(h.db, testKeys.sealing, new Date())).toBe(0);
  });

  it("a record write that fails undoes the publish: the mapping and its record commit together or not at all", async () => {
    const published = await h.publishFor("atomic@example.com");
    // From now on no record may be written (existing rows stay): the next publish's record write fails.
    await h.db.execute(sql`alter table private_records add constraint records_frozen check (false) not valid`);
    try {
      await expect(h.publishFor("atomic@example.com", { label: "Second" })).rejects.toThrow();
    } finally {
      await h.db.execute(sql`alter table private_records drop constraint records_frozen`);
    }
    expect((await h.db.select({ id: mappings.id }).from(mappings).where(eq(mappings.csi, "mailto:atomic@example.com"))).map((row) => row.id)).toEqual([published.id]);
    expect((await activeRecordOf(h.db, "mailto:atomic@example.com"))?.ids).toEqual([published.id]);
  });
});
