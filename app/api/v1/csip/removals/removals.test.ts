import { eq } from "drizzle-orm";
import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identifiers, mappings, notifications, tombstones } from "@/db/schema";
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
    expect(await statusOf(outside.id)).toBe("active");
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
  async function port(donorOperates: boolean, receiverOperates: boolean, suffix: string) {
    const donor = await app.csip(`Donor ${suffix}`, [{ kind: "e164_prefix", value: `+3364${suffix}` }], donorOperates ? [`donor-${suffix}.example`] : []);
    const receiver = await app.csip(`Receiver ${suffix}`, [], receiverOperates ? [`receiver-${suffix}.example`] : []);
    const number = `+3364${suffix}123456`;
    const listsDonor = await app.publishFor(number, {
      label: "Personal",
      entries: [{ msp: donorOperates ? `donor-${suffix}.example` : "chat.example", tags: [], audience: { kind: "everyone" } }],
    });
    const response = await send(donor.key, [{ csi: number, reason: "ported_out", receiving_csip: receiver.id }]);
    expect(response.status).toBe(200);
    return { donor, receiver, number, listsDonor };
  }

  it("donor and receiver are not app providers: no change to mappings; authority moves to the receiver", async () => {
    const { donor, receiver, number, listsDonor } = await port(false, false, "1");
    expect(await statusOf(listsDonor.id)).toBe("active");
    expect((await send(donor.key, [{ csi: number, reason: "other" }])).status).toBe(403);
    expect((await send(receiver.key, [{ csi: number, reason: "other" }])).status).toBe(200);
  });

  it("receiver is an app provider: mappings stay (only the recipient may add its app)", async () => {
    const { listsDonor } = await port(false, true, "2");
    expect(await statusOf(listsDonor.id)).toBe("active");
  });

  it("donor is an app provider: a mapping listing the donor's app is withdrawn and the recipient told to re-sign", async () => {
    const { listsDonor } = await port(true, false, "3");
    expect(await statusOf(listsDonor.id)).toBe("removed");
    const notices = await app.db.select().from(notifications).where(eq(notifications.userId, listsDonor.userId));
    expect(notices.map((notice) => notice.kind)).toContain("mapping.withdrawn");
  });

  it("both are app providers: the donor's app is withdrawn; the recipient may sign the receiver's", async () => {
    const { listsDonor, receiver, number } = await port(true, true, "4");
    expect(await statusOf(listsDonor.id)).toBe("removed");
    expect((await send(receiver.key, [{ csi: number, reason: "released" }])).status).toBe(200);
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
    expect((await lookupCsis(app.db, ["mailto:recycled@example.com"], new Date())).get("mailto:recycled@example.com")!.result).toBe("none");
  });
});
