import { and, eq } from "drizzle-orm";
import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, csips, identifiers, mappings, notifications, tombstones } from "@/db/schema";
import { publishedJwks } from "@/lib/keys/signing-keys";
import { lookupCsis } from "@/lib/lookup/lookup-csis";
import { finishRecipientRemoval, startRecipientRemoval } from "@/lib/removals/recipient-removal";
import { testKeys } from "@/test/support/otp-harness";
import { apiRequest, createAppHarness } from "@/test/support/app-harness";
import { POST as remove } from "./route";

const URL = "http://localhost:3000/api/v1/csip/removals";
let app: Awaited<ReturnType<typeof createAppHarness>>;

beforeAll(async () => {
  app = await createAppHarness();
});
afterAll(async () => {
  await app.close();
});

/** The audit rows of a mapping's removal: every removal leaves one, in the transaction that removed it. */
const removalAudit = async (mappingId: string) =>
  (await app.db.select().from(auditLog).where(and(eq(auditLog.action, "mapping.removed"), eq(auditLog.subjectId, mappingId)))).map(
    ({ actorUserId, actorKind, details }) => ({ actorUserId, actorKind, details }),
  );
const statusOf = async (id: string) => (await app.db.select({ status: mappings.status }).from(mappings).where(eq(mappings.id, id)))[0]!.status;
const send = (key: string, items: unknown[], idempotencyKey?: string) =>
  remove(apiRequest(URL, { items }, { key, headers: idempotencyKey ? { "idempotency-key": idempotencyKey } : {} }));

describe("a recipient removes a mapping with their passkey", () => {
  it("removes it for good, with a DP-signed tombstone, and the next lookup no longer serves it", async () => {
    const mapping = await app.publishFor("remove-me@example.com");
    const started = await startRecipientRemoval({ db: app.db, rp: mapping.rp, userId: mapping.userId, mappingIds: [mapping.id], now: new Date() });
    const response = (await mapping.authenticator.authenticate({ challenge: started.options.challenge, rpId: "localhost", origin: app.origin })) as never;
    const removed = await finishRecipientRemoval({ db: app.db, rp: mapping.rp, issuer: app.origin, sealingKey: testKeys.sealing, userId: mapping.userId, challengeId: started.challengeId, response, now: new Date() });
    expect(removed).toBe(1);
    expect(await statusOf(mapping.id)).toBe("removed");
    expect((await lookupCsis(app.db, [mapping.csi], new Date())).get(mapping.csi)!.result).toBe("none");
    const [tombstone] = await app.db.select().from(tombstones).where(eq(tombstones.mappingId, mapping.id));
    expect(decodeProtectedHeader(tombstone!.signature).typ).toBe("mimi-tombstone+jwt");
    const { payload } = await compactVerify(tombstone!.signature, createLocalJWKSet((await publishedJwks(app.db, new Date())) as never));
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ sub: mapping.csi, mapping_id: mapping.id, removed_by: "recipient", reason: "recipient" });
    expect(await removalAudit(mapping.id)).toEqual([{ actorUserId: mapping.userId, actorKind: "recipient", details: { reason: "recipient" } }]);
  });

  it("refuses another account's mapping and a passkey of another account", async () => {
    const bob = await app.publishFor("bob.removal@example.com");
    const mallory = await app.publishFor("mallory.removal@example.com");
    await expect(startRecipientRemoval({ db: app.db, rp: bob.rp, userId: mallory.userId, mappingIds: [bob.id], now: new Date() })).rejects.toMatchObject({ code: "not_found" });
    const started = await startRecipientRemoval({ db: app.db, rp: bob.rp, userId: bob.userId, mappingIds: [bob.id], now: new Date() });
    const foreign = (await mallory.authenticator.authenticate({ challenge: started.options.challenge, rpId: "localhost", origin: app.origin })) as never;
    await expect(
      finishRecipientRemoval({ db: app.db, rp: bob.rp, issuer: app.origin, sealingKey: testKeys.sealing, userId: bob.userId, challengeId: started.challengeId, response: foreign, now: new Date() }),
    ).rejects.toMatchObject({ code: "other_account" });
    expect(await statusOf(bob.id)).toBe("active");
  });
});

describe("CSIP removals", () => {
  it("acts only inside approved ranges: an out-of-range item is 403 and changes nothing; the others are applied and reported", async () => {
    const telco = await app.csip("Telco A", [{ kind: "e164_prefix", value: "+3361" }]);
    const inside = await app.publishFor("+33 6 12 34 56 01");
    const outside = await app.publishFor("+33 7 81 23 45 67");
    const response = await send(telco.key, [
      { csi: "+33612345601", reason: "other" },
      { csi: "+33781234567", reason: "other" },
      { csi: "not a number", reason: "other" },
    ]);
    expect(response.status).toBe(207);
    const body = (await response.json()) as { results: { status: number; error?: { code: string } }[]; summary: unknown };
    expect(body.results.map((result) => result.status)).toEqual([200, 403, 422]);
    expect(body.results[1]!.error!.code).toBe("outside_authority");
    expect(body.summary).toEqual({ items: 3, applied: 1, refused: 2 });
    expect(await statusOf(inside.id)).toBe("removed");
    expect(await removalAudit(inside.id)).toEqual([{ actorUserId: inside.userId, actorKind: "csip", details: { reason: "other", csip: telco.id } }]);
    expect(await statusOf(outside.id)).toBe("active");
    expect(await removalAudit(outside.id)).toEqual([]);
    const allOutside = await send(telco.key, [{ csi: "+33781234567", reason: "released" }]);
    expect(allOutside.status).toBe(403);
    expect(await statusOf(outside.id)).toBe("active");
  });

  it("released: every mapping goes, the identifier leaves the account until proven again, and the holder is told", async () => {
    const mail = await app.csip("Mail B", [{ kind: "email_domain", value: "released.example" }]);
    const mapping = await app.publishFor("ann@released.example");
    const response = await send(mail.key, [{ csi: "Ann@Released.Example", reason: "released" }]);
    expect(response.status).toBe(200);
    expect(await statusOf(mapping.id)).toBe("removed");
    expect(await removalAudit(mapping.id)).toEqual([{ actorUserId: mapping.userId, actorKind: "csip", details: { reason: "released", csip: mail.id } }]);
    expect(await app.db.select().from(identifiers).where(eq(identifiers.uri, "mailto:ann@released.example"))).toHaveLength(0);
    const notices = await app.db.select().from(notifications).where(eq(notifications.userId, mapping.userId));
    expect(notices.map((notice) => notice.kind)).toContain("identifier.released");
  });

  it("an Idempotency-Key replays the first answer, and the same key with another body is 409", async () => {
    const telco = await app.csip("Telco C", [{ kind: "e164_prefix", value: "+3362" }]);
    const mapping = await app.publishFor("+33 6 23 45 67 89");
    const first = await send(telco.key, [{ csi: "+33623456789", reason: "other" }], "key-1");
    const firstBody = await first.text();
    const replay = await send(telco.key, [{ csi: "+33623456789", reason: "other" }], "key-1");
    expect(replay.status).toBe(first.status);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.text()).toBe(firstBody);
    const mismatch = await send(telco.key, [{ csi: "+33623456789", reason: "released" }], "key-1");
    expect(mismatch.status).toBe(409);
    expect(await app.db.select().from(tombstones).where(eq(tombstones.mappingId, mapping.id))).toHaveLength(1);
  });

  it("refuses the keys of a CSIP the operator deleted, and changes nothing", async () => {
    const telco = await app.csip("Telco Gone", [{ kind: "e164_prefix", value: "+3365" }]);
    const mapping = await app.publishFor("+33 6 51 23 45 67");
    await app.db.update(csips).set({ deletedAt: new Date() }).where(eq(csips.id, telco.id));
    const response = await send(telco.key, [{ csi: "+33651234567", reason: "released" }]);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe("unauthorized");
    expect(await statusOf(mapping.id)).toBe("active");
    expect(await removalAudit(mapping.id)).toEqual([]);
  });

  it("refuses an MSP key, bad reasons and unknown fields", async () => {
    const msp = await app.mspKey("chat.example");
    expect((await send(msp, [{ csi: "+33623456789", reason: "other" }])).status).toBe(403);
    const telco = await app.csip("Telco D", [{ kind: "e164_prefix", value: "+3363" }]);
    expect((await send(telco.key, [{ csi: "+33634567890", reason: "gone" }])).status).toBe(422);
    expect((await send(telco.key, [{ csi: "+33634567890", reason: "other", extra: 1 }])).status).toBe(422);
    expect((await send(telco.key, [])).status).toBe(422);
    expect((await send(telco.key, [{ csi: "+33634567890", reason: "other", receiving_csip: "x" }])).status).toBe(422);
  });
});

describe("number portability (the interim slides' table)", () => {
  /**
   * A recipient of a number in the donor's range holds two mappings: "Operator" lists the donor's messaging app when
   * the donor runs one (else a neutral app), "Other" lists only a neutral app. The donor then reports the port.
   */
  async function port(donorIsAppProvider: boolean, receiverIsAppProvider: boolean, suffix: string) {
    const donorApp = `donor-${suffix}.example`;
    const receiverApp = `receiver-${suffix}.example`;
    const donor = await app.csip(`Donor ${suffix}`, [{ kind: "e164_prefix", value: `+3364${suffix}` }], donorIsAppProvider ? [donorApp] : []);
    const receiver = await app.csip(`Receiver ${suffix}`, [], receiverIsAppProvider ? [receiverApp] : []);
    const number = `+3364${suffix}123456`;
    const operatorApp = await app.publishFor(number, { label: "Operator", entries: [{ msp: donorIsAppProvider ? donorApp : "chat.example", tags: [], audience: { kind: "everyone" } }] });
    const other = await app.publishFor(number, { label: "Other", entries: [{ msp: "work.example", tags: [], audience: { kind: "everyone" } }] });
    const response = await send(donor.key, [{ csi: number, reason: "ported_out", receiving_csip: receiver.id }]);
    expect(response.status).toBe(200);
    return { donor, receiver, number, operatorApp, other, receiverApp };
  }

  /** What lookups serve for the number now: the MSPs each served mapping lists, by label. */
  async function served(number: string) {
    const csi = `tel:${number}`;
    const rows = await app.db.select({ id: mappings.id }).from(mappings).where(and(eq(mappings.csi, csi), eq(mappings.status, "active")));
    const lookup = (await lookupCsis(app.db, [csi], new Date())).get(csi)!;
    expect(lookup.mappings.map((mapping) => mapping.id).sort()).toEqual(rows.map((row) => row.id).sort());
    return Object.fromEntries(lookup.mappings.map((mapping) => {
      const { document } = JSON.parse(mapping.served) as { document: { label: string; entries: { msp: string }[] } };
      return [document.label, document.entries.map((entry) => entry.msp)];
    }));
  }

  it("neither is the app provider: no change to the mappings; authority moves to the receiver", async () => {
    const { donor, receiver, number } = await port(false, false, "1");
    expect(await served(number)).toEqual({ Operator: ["chat.example"], Other: ["work.example"] });
    expect((await send(donor.key, [{ csi: number, reason: "other" }])).status).toBe(403);
    expect((await send(receiver.key, [{ csi: number, reason: "other" }])).status).toBe(200);
  });

  it("the receiver is the app provider: nothing is withdrawn, and the recipient can add the receiver's app as a second one", async () => {
    const { number, receiverApp, operatorApp } = await port(false, true, "2");
    expect(await served(number)).toEqual({ Operator: ["chat.example"], Other: ["work.example"] });
    // Only the recipient can add it (the DP never signs for them): they re-sign "Operator" with both apps.
    await app.publishFor(number, { label: "Operator", entries: [
      { msp: "chat.example", tags: [], audience: { kind: "everyone" } },
      { msp: receiverApp, tags: [], audience: { kind: "everyone" } },
    ] });
    expect(await statusOf(operatorApp.id)).toBe("superseded");
    expect(await served(number)).toEqual({ Operator: ["chat.example", receiverApp], Other: ["work.example"] });
  });

  it("the donor is the app provider: the mapping listing the donor's app is withdrawn and the recipient told; the other stays", async () => {
    const { number, operatorApp, other } = await port(true, false, "3");
    expect(await statusOf(operatorApp.id)).toBe("removed");
    expect(await removalAudit(operatorApp.id)).toEqual([{ actorUserId: operatorApp.userId, actorKind: "csip", details: { reason: "ported_out", csip: expect.any(String) } }]);
    expect(await statusOf(other.id)).toBe("active");
    expect(await served(number)).toEqual({ Other: ["work.example"] });
    const notices = await app.db.select().from(notifications).where(eq(notifications.userId, operatorApp.userId));
    expect(notices.map((notice) => notice.kind)).toContain("mapping.withdrawn");
  });

  it("both are app providers: the donor's app is withdrawn and the recipient can change to the receiver's", async () => {
    const { number, operatorApp, receiver, receiverApp } = await port(true, true, "4");
    expect(await statusOf(operatorApp.id)).toBe("removed");
    expect(await served(number)).toEqual({ Other: ["work.example"] });
    await app.publishFor(number, { label: "Operator", entries: [{ msp: receiverApp, tags: [], audience: { kind: "everyone" } }] });
    expect(await served(number)).toEqual({ Operator: [receiverApp], Other: ["work.example"] });
    // And the receiver, not the donor, now answers for the number.
    expect((await send(receiver.key, [{ csi: number, reason: "released" }])).status).toBe(200);
    expect(await served(number)).toEqual({});
  });
});

describe("a recycled identifier", () => {
  it("the new holder's proof removes the previous holder's mappings at once", async () => {
    const previous = await app.publishFor("recycled@example.com");
    const fresh = await app.publishFor("newcomer@example.com");
    void fresh;
    const before = await lookupCsis(app.db, ["mailto:recycled@example.com"], new Date());
    expect(before.get("mailto:recycled@example.com")!.result).toBe("found");
    // The new holder proves the address on their own account (the add-identifier flow, claimIdentifier).
    const { claimIdentifier } = await import("@/lib/accounts/claim-identifier");
    await app.db.transaction(async (tx) => {
      await claimIdentifier(tx as never, {
        userId: fresh.userId,
        identifier: { uri: "mailto:recycled@example.com", lineType: null },
        now: new Date(),
        issuer: app.origin,
        sealingKey: testKeys.sealing,
      });
    });
    expect(await statusOf(previous.id)).toBe("removed");
    // On record against the previous holder, by the system: the new holder is not named.
    expect(await removalAudit(previous.id)).toEqual([{ actorUserId: previous.userId, actorKind: "system", details: { reason: "new_holder" } }]);
    expect((await lookupCsis(app.db, ["mailto:recycled@example.com"], new Date())).get("mailto:recycled@example.com")!.result).toBe("none");
  });
});
