import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { federationInvalidations, mappings, notifications, spentOnce, tombstones } from "@/db/schema";
import { issueMspApiKey } from "@/lib/api-keys/manage-api-keys";
import { loadDpRequestSigner } from "@/lib/federation/dp-request-signer";
import { createDirectoryVerifier, createLookupClient, type Directory } from "@mimi-discovery/msp-kit";
import { runLookupCli } from "@mimi-discovery/msp-kit/cli";
import type { JWK } from "jose";
import { freePort } from "@/test/support/api-server";
import { testKeys } from "@/test/support/otp-harness";
import { createRecipients } from "@/test/support/recipients";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { testEnv } from "@/test/support/test-env";
import { directoryEntry, everyRow, signTestDirectory, startDp, startRogueDp, type RogueBehaviour } from "./federation-harness";

const FR = "tel:+33612345678";
const US = "tel:+14155550123";
const ALICE = "mailto:alice@mail.example";
const CAROL = "mailto:carol@mail.example";
const DANA = "mailto:dana@mail.example";
const ERIN = "mailto:erin@mail.example";

type Dp = Awaited<ReturnType<typeof startDp>>;
type Answer = { results: { csi: string; result: string; mappings: { id: string; document: { dp: string; csi: string } }[] }[]; federation?: { unavailable: { dp: string; reason: string }[]; dropped: { dp: string; csi: string; mapping_id: string; reason: string }[] } };

/**
 * Three DPs on loopback, each its own process and its own PostgreSQL database, and a directory signed by an
 * operator key: dp-us for +1, dp-eu for +33 and +49, dp-mail for mail.example; plus a DP of the directory that
 * misbehaves (authoritative for +44). Issue 14's federation, end to end, over real HTTP.
 */
describe.skipIf(!testEnv.TEST_DATABASE_URL)("three DPs in a federation", () => {
  const databases: Record<"us" | "eu" | "mail", TestDatabase> = {} as never;
  const dps: Record<"us" | "eu" | "mail", Dp> = {} as never;
  let directory: Directory;
  let directoryKey: JWK;
  let mspKey: string;
  let rogueBehaviour: RogueBehaviour = async (csis) => ({ status: 200, body: JSON.stringify({ results: csis.map((csi) => ({ csi, result: "none", mappings: [] })) }) });
  let rogue: Awaited<ReturnType<typeof startRogueDp>>;

  const lookup = async (csis: string[]) => {
    const response = await fetch(`${dps.us.origin}/api/v1/lookup/batch`, { method: "POST", headers: { authorization: `Bearer ${mspKey}`, "content-type": "application/json" }, body: JSON.stringify({ csis }) });
    return { response, body: (await response.json()) as Answer };
  };

  beforeAll(async () => {
    const [us, eu, mail] = await Promise.all([createTestDatabase(), createTestDatabase(), createTestDatabase()]);
    Object.assign(databases, { us, eu, mail });
    const [usPort, euPort, mailPort] = [await freePort(), await freePort(), await freePort()];
    rogue = await startRogueDp(() => rogueBehaviour);
    const origin = (port: number) => `http://127.0.0.1:${port}`;
    const signed = await signTestDirectory([
      directoryEntry(origin(usPort), "US", { e164: ["+1"] }),
      directoryEntry(origin(euPort), "EU", { e164: ["+33", "+49"] }),
      directoryEntry(origin(mailPort), "mail", { email: ["mail.example"] }),
      directoryEntry(rogue.origin, "rogue", { e164: ["+44"] }),
    ]);
    directory = signed.directory;
    directoryKey = signed.publicJwk;
    const common = { FEDERATION_MODE: "hierarchical", DIRECTORY_KEYS: JSON.stringify(signed.publicJwk) };
    // dp-us publishes the directory; dp-eu fetches it from there, the others read the same signed file.
    dps.us = await startDp({ port: usPort, databaseUrl: us.url!, env: { ...common, DIRECTORY_FILE: signed.file, RESIDENCY_E164_PREFIXES: "+1" } });
    [dps.eu, dps.mail] = await Promise.all([
      startDp({ port: euPort, databaseUrl: eu.url!, env: { ...common, DIRECTORY_URL: `${dps.us.origin}/.well-known/mimi-directory`, RESIDENCY_E164_PREFIXES: "+33,+49", RESIDENCY_EMAIL_DOMAINS: "-", PEER_LOOKUP_BURST: "50" } }),
      startDp({ port: mailPort, databaseUrl: mail.url!, env: { ...common, DIRECTORY_FILE: signed.file, RESIDENCY_E164_PREFIXES: "-", RESIDENCY_EMAIL_DOMAINS: "mail.example" } }),
    ]);

    // Recipients publish at their own region's DP, through the DP's own functions.
    const publishAt = async (db: TestDatabase, dp: Dp, identifier: string, uri: string, options: { fresh?: boolean; advanceMs?: number } = {}) => {
      const recipients = createRecipients(db.db, dp.origin);
      if (options.advanceMs) recipients.otp.advance(options.advanceMs);
      const { userId } = await recipients.signUp(identifier);
      const authenticator = await recipients.registerPasskey(userId);
      return { userId, mappingId: await recipients.publish(userId, uri, authenticator, { fresh: options.fresh }) };
    };
    await publishAt(eu, dps.eu, "+33 6 12 34 56 78", FR);
    await publishAt(mail, dps.mail, "alice@mail.example", ALICE);
    const operator = await publishAt(us, dps.us, "+1 415 555 0123", US);
    const issued = await issueMspApiKey({ db: us.db, mspId: "chat.example", label: "federation test", operatorUserId: operator.userId, now: new Date() });
    mspKey = issued!.key;
  }, 240_000);

  afterAll(async () => {
    await Promise.all(Object.values(dps).map((dp) => dp.stop()));
    await rogue?.close();
    await Promise.all(Object.values(databases).map((db) => db.close()));
  });

  it("answers a batch of +33, an email and +1 at dp-us, each mapping verifying against its own DP", async () => {
    const { response, body } = await lookup(["+33 6 12 34 56 78", "alice@mail.example", "+1 415 555 0123"]);
    expect(response.status).toBe(200);
    expect(body.federation).toEqual({ unavailable: [], dropped: [] });
    expect(body.results.map((item) => [item.csi, item.result])).toEqual([
      [FR, "found"],
      [ALICE, "found"],
      [US, "found"],
    ]);
    expect(body.results.map((item) => item.mappings[0]!.document.dp)).toEqual([dps.eu.origin, dps.mail.origin, dps.us.origin]);
    // The kit's verifier, with the directory as its list of trusted DPs.
    const verifier = createDirectoryVerifier({ directory });
    for (const item of body.results) {
      for (const mapping of item.mappings) expect(await verifier.verifyServedMapping(mapping, item.csi)).toMatchObject({ ok: true });
    }
    // The kit's lookup client and its command line, given the directory: every mapping verified, each by its own DP.
    const client = createLookupClient({ dp: dps.us.origin, apiKey: mspKey, directory });
    const slots = await client.batch(["+33 6 12 34 56 78", "alice@mail.example", "+1 415 555 0123"]);
    expect(slots.map((slot) => ("ok" in slot ? [slot.ok, slot.usable.length] : slot))).toEqual([
      [true, 1],
      [true, 1],
      [true, 1],
    ]);
    // Without the directory it trusts dp-us's keys alone, and the forwarded mapping does not verify.
    const [alone] = await createLookupClient({ dp: dps.us.origin, apiKey: mspKey }).batch(["+33 6 12 34 56 78"]);
    expect(alone).toMatchObject({ ok: false });
    const lines: string[] = [];
    const status = await runLookupCli({
      argv: ["+33 6 12 34 56 78", "--dp", dps.us.origin, "--directory", `${dps.us.origin}/.well-known/mimi-directory`, "--sender-msp", "chat.example"],
      env: { MIMI_API_KEY: mspKey, MIMI_DIRECTORY_KEY: JSON.stringify(directoryKey) },
      fetch: globalThis.fetch,
      write: (line) => lines.push(line),
      writeError: (line) => lines.push(line),
    });
    expect(status, lines.join("\n")).toBe(0);
    expect(lines.join("\n")).toMatch(/Directory: signed by directory\.test, 4 DPs/u);

    // The MSP paid for every identifier, the two forwarded ones included.
    expect(Number(response.headers.get("ratelimit-limit")) - Number(response.headers.get("ratelimit-remaining"))).toBe(3);
  });

  it("keeps each mapping in its region: dp-us and dp-mail hold no row about the +33 number after the lookups", async () => {
    const digits = FR.slice(5);
    expect(await everyRow(databases.eu.db)).toContain(digits);
    for (const db of [databases.us, databases.mail]) {
      const rows = await everyRow(db.db);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows).not.toContain(digits);
    }
    expect(await everyRow(databases.us.db)).not.toContain("alice@mail.example");
    // What dp-eu learnt of the asker: a DP, and when; never an MSP.
    const euRows = await everyRow(databases.eu.db);
    expect(euRows).toContain(`"issuer":"${dps.us.origin}"`);
    expect(euRows).not.toContain("chat.example\",\"requests");
  });

  it("drops and reports a peer's mappings that are for another CSI or do not verify, never serving them", async () => {
    const genuine = (await lookup([FR])).body.results[0]!.mappings[0]!;
    rogueBehaviour = async (csis) => ({
      status: 200,
      body: JSON.stringify({
        results: csis.map((csi) =>
          csi === "tel:+442079460001"
            ? { csi, result: "found", mappings: [genuine] }
            : { csi, result: "found", mappings: [{ ...genuine, document: { ...genuine.document, dp: rogue.origin, csi } }] },
        ),
      }),
    });
    const { body } = await lookup(["+44 20 7946 0001", "+44 20 7946 0002"]);
    expect(body.results.map((item) => [item.result, item.mappings.length])).toEqual([
      ["none", 0],
      ["none", 0],
    ]);
    expect(body.federation!.dropped).toEqual([
      expect.objectContaining({ csi: "tel:+442079460001", dp: dps.eu.origin, reason: expect.stringMatching(/not authoritative/u) }),
      expect.objectContaining({ csi: "tel:+442079460002", dp: rogue.origin, reason: expect.stringMatching(/binding/iu) }),
    ]);
  });

  it("says which DP could not be asked when a peer answers too much or too late", async () => {
    rogueBehaviour = async (csis) => ({ status: 200, body: JSON.stringify({ results: csis.map((csi) => ({ csi, result: "none", mappings: [] })), padding: "x".repeat(9 * 1024 * 1024) }) });
    const oversized = await lookup(["+44 20 7946 0001", FR]);
    expect(oversized.body.results.map((item) => item.result)).toEqual(["none", "found"]);
    expect(oversized.body.federation!.unavailable).toEqual([{ dp: rogue.origin, reason: expect.stringMatching(/more than \d+ bytes/u) }]);

    rogueBehaviour = () => new Promise(() => {});
    const stalled = await lookup(["+44 20 7946 0001"]);
    expect(stalled.response.status).toBe(200);
    expect(stalled.body.federation!.unavailable).toEqual([{ dp: rogue.origin, reason: "did not answer within 1500 ms" }]);
  });

  it("refuses unsigned, replayed, expired, unknown-key and foreign requests with 401, changing nothing", async () => {
    const url = `${dps.eu.origin}/api/v1/federation/lookup`;
    const body = new TextEncoder().encode(JSON.stringify({ csis: [FR] }));
    const usSigner = await loadDpRequestSigner(databases.us.db, testKeys.sealing, dps.us.origin);
    const post = (headers: Record<string, string>) => fetch(url, { method: "POST", headers, body });
    const nonces = async () => (await databases.eu.db.select().from(spentOnce).where(eq(spentOnce.scope, "rfc9421"))).length;
    const before = await nonces();

    const unsigned = await post({ "content-type": "application/json" });
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get("www-authenticate")).toMatch(/^Signature/u);
    expect(await unsigned.json()).toMatchObject({ code: "signature_invalid" });
    expect((await post(usSigner.headersFor(url, body, 1, new Date(Date.now() - 120_000)))).status).toBe(401);
    // dp-mail's key, claiming to be dp-us: not a key dp-us publishes.
    const impostor = await loadDpRequestSigner(databases.mail.db, testKeys.sealing, dps.us.origin);
    const unknownKey = await post(impostor.headersFor(url, body, 1, new Date()));
    expect(unknownKey.status).toBe(401);
    expect(((await unknownKey.json()) as { detail: string }).detail).toMatch(/not one of the signer's published keys/u);
    const stranger = await loadDpRequestSigner(databases.us.db, testKeys.sealing, "http://127.0.0.1:1");
    expect((await post(stranger.headersFor(url, body, 1, new Date()))).status).toBe(401);
    const tampered = usSigner.headersFor(url, new TextEncoder().encode(JSON.stringify({ csis: [US] })), 1, new Date());
    expect((await post(tampered)).status).toBe(401);
    expect(await nonces()).toBe(before);

    const signed = usSigner.headersFor(url, body, 1, new Date());
    expect((await post(signed)).status).toBe(200);
    const replay = await post(signed);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { detail: string }).detail).toMatch(/already received/u);
    expect(await nonces()).toBe(before + 1);
  });

  it("ends a loop at the hop limit, and limits each peer DP like an MSP", async () => {
    const url = `${dps.eu.origin}/api/v1/federation/lookup`;
    const usSigner = await loadDpRequestSigner(databases.us.db, testKeys.sealing, dps.us.origin);
    const send = (csis: string[], hops: number) => {
      const body = new TextEncoder().encode(JSON.stringify({ csis }));
      return fetch(url, { method: "POST", headers: usSigner.headersFor(url, body, hops, new Date()), body });
    };
    const looped = await send([FR], 3);
    expect(looped.status).toBe(508);
    expect(await looped.json()).toMatchObject({ code: "loop_detected" });
    const many = Array.from({ length: 60 }, (_, index) => `+4915123456${String(index).padStart(3, "0")}`);
    const limited = await send(many, 1);
    expect(limited.status).toBe(429);
  });

  it("de-lists an older mapping at dp-us when dp-mail publishes a fresh one, and refuses a stale or forged invalidation", async () => {
    // A mapping of carol@mail.example stored at dp-us (it accepts any email), then a fresh one at dp-mail.
    const older = await (async () => {
      const recipients = createRecipients(databases.us.db, dps.us.origin);
      const { userId } = await recipients.signUp("carol@mail.example");
      return { userId, mappingId: await recipients.publish(userId, CAROL, await recipients.registerPasskey(userId)) };
    })();
    const newer = createRecipients(databases.mail.db, dps.mail.origin);
    newer.otp.advance(60_000);
    const { userId } = await newer.signUp("carol@mail.example");
    await newer.publish(userId, CAROL, await newer.registerPasskey(userId), { fresh: true });

    const [row] = await waitUntil(async () => {
      const rows = await databases.us.db.select().from(mappings).where(eq(mappings.id, older.mappingId));
      return rows[0]?.status === "removed" ? rows : undefined;
    });
    expect(row!.endedReason).toBe("invalidated");
    const [tombstone] = await databases.us.db.select().from(tombstones).where(eq(tombstones.mappingId, older.mappingId));
    expect(tombstone).toMatchObject({ reason: "invalidated", removedBy: "system" });
    const [notice] = await databases.us.db.select().from(notifications).where(and(eq(notifications.userId, older.userId), eq(notifications.kind, "mapping.invalidated")));
    expect(notice!.message).not.toContain(userId);
    expect(await databases.us.db.select().from(federationInvalidations)).toHaveLength(1);
    // dp-eu held nothing of carol, and still holds nothing.
    await waitUntil(async () => ((await everyRow(databases.eu.db)).includes(`"issuer":"${dps.mail.origin}"`) ? true : undefined));
    expect(await everyRow(databases.eu.db)).not.toContain("carol@mail.example");

    // A stale one: dp-us holds dana's mapping from after dp-mail's fresh one was made.
    const mailFresh = createRecipients(databases.mail.db, dps.mail.origin);
    const dana = await mailFresh.signUp("dana@mail.example");
    const danaAuth = await mailFresh.registerPasskey(dana.userId);
    const local = createRecipients(databases.us.db, dps.us.origin);
    local.otp.advance(86_400_000);
    const usDana = await local.signUp("dana@mail.example");
    const kept = await local.publish(usDana.userId, DANA, await local.registerPasskey(usDana.userId));
    const freshId = await mailFresh.publish(dana.userId, DANA, danaAuth, { fresh: true });
    const invalidations = `${dps.us.origin}/api/v1/federation/invalidations`;
    const mailSigner = await loadDpRequestSigner(databases.mail.db, testKeys.sealing, dps.mail.origin);
    const [fresh] = await databases.mail.db.select().from(mappings).where(eq(mappings.id, freshId));
    const served = { id: freshId, document: JSON.parse(fresh!.document) as Record<string, unknown>, proof: { binding: fresh!.binding, assertion: fresh!.assertion } };
    const send = (mapping: unknown) => {
      const body = new TextEncoder().encode(JSON.stringify({ mapping }));
      return fetch(invalidations, { method: "POST", headers: mailSigner.headersFor(invalidations, body, 1, new Date()), body });
    };
    expect((await send(served)).status).toBe(409);
    const forged = await send({ ...served, document: { ...served.document, label: "Forged" } });
    expect(forged.status).toBe(422);
    expect(((await forged.json()) as { detail: string }).detail).toMatch(/does not verify/u);
    const [still] = await databases.us.db.select().from(mappings).where(eq(mappings.id, kept));
    expect(still!.status).toBe("active");
  });

  it("de-lists an older mapping at dp-us when a new holder proves a recycled address at dp-mail, and refuses a forged statement", async () => {
    const older = await (async () => {
      const recipients = createRecipients(databases.us.db, dps.us.origin);
      const { userId } = await recipients.signUp("erin@mail.example");
      return recipients.publish(userId, ERIN, await recipients.registerPasskey(userId));
    })();
    const mail = createRecipients(databases.mail.db, dps.mail.origin);
    await mail.signUp("erin@mail.example");
    mail.otp.advance(60_000);
    const newHolder = await mail.signUp("frank@mail.example");
    await mail.addIdentifier(newHolder.userId, "erin@mail.example");

    await waitUntil(async () => ((await databases.us.db.select().from(mappings).where(eq(mappings.id, older)))[0]?.status === "removed" ? true : undefined));
    const [tombstone] = await databases.us.db.select().from(tombstones).where(eq(tombstones.mappingId, older));
    expect(tombstone).toMatchObject({ reason: "invalidated" });
    expect(await everyRow(databases.us.db)).not.toContain("frank@mail.example");

    // A statement dp-mail did not sign (signed by dp-us's key instead) changes nothing.
    const url = `${dps.eu.origin}/api/v1/federation/invalidations`;
    const { loadActiveSigningKey } = await import("@/lib/keys/signing-keys");
    const usKey = await loadActiveSigningKey(databases.us.db, testKeys.sealing);
    const forged = await usKey.signAs("mimi-reassignment+jwt", { iss: dps.mail.origin, sub: FR, iat: Math.floor(Date.now() / 1000) });
    const mailSigner = await loadDpRequestSigner(databases.mail.db, testKeys.sealing, dps.mail.origin);
    const body = new TextEncoder().encode(JSON.stringify({ reassignment: forged }));
    const refused = await fetch(url, { method: "POST", headers: mailSigner.headersFor(url, body, 1, new Date()), body });
    expect(refused.status).toBe(422);
    const [fr] = await databases.eu.db.select().from(mappings).where(eq(mappings.csi, FR));
    expect(fr!.status).toBe("active");
  });

  it("gives a partial answer that says so when a DP is stopped", async () => {
    await dps.mail.stop();
    const { response, body } = await lookup(["+33 6 12 34 56 78", "alice@mail.example", "+1 415 555 0123"]);
    expect(response.status).toBe(200);
    expect(body.results.map((item) => item.result)).toEqual(["found", "none", "found"]);
    expect(body.federation!.unavailable).toEqual([{ dp: dps.mail.origin, reason: expect.stringMatching(/cannot be reached/u) }]);
  });
});

/** Polls until `probe` answers something: the outbox job runs every 200 ms in these DPs. */
async function waitUntil<T>(probe: () => Promise<T | undefined>, attempts = 150): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the condition never held");
}
