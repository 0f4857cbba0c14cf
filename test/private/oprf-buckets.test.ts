import { createDecipheriv, createHash, hkdfSync } from "node:crypto";
import { ristretto255, ristretto255_hasher } from "@noble/curves/ed25519.js";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mappings, privateRecords, spentOnce } from "@/db/schema";
import { lookupCsis, serializeLookup } from "@/lib/lookup/lookup-csis";
import { loadOprfKeys } from "@/lib/private/oprf-keys";
import { finishRecipientRemoval, startRecipientRemoval } from "@/lib/removals/recipient-removal";
import {
  BUCKET_PAD_BLOCKS,
  createPrivateLookupClient,
  createTokenClient,
  decodeBase64url,
  DEFAULT_BHTTP_LIMITS,
  decodeKeyConfigs,
  decodeResponse,
  encapsulateRequest,
  encodeBase64url,
  encodeRequest,
  formatTokenAuthorization,
  ONE_BLOCK_RECORD_BYTES,
  blindInputs,
  type BatchSlot,
  type VerifiedLookup,
} from "@mimi-discovery/msp-kit";
import { captureLog } from "@/test/support/capture-log";
import { testKeys } from "@/test/support/otp-harness";
import { createPrivateHarness } from "./private-harness";

/**
 * Protocol section 7, OPRF-keyed buckets, through the relay and the gateway as an MSP would use them: the kit
 * blinds, the DP evaluates with a DLEQ proof and serves padded buckets, the kit finds, decrypts and verifies.
 */
let h: Awaited<ReturnType<typeof createPrivateHarness>>;
let mspKey: string;
const published: Record<string, Awaited<ReturnType<typeof h.app.publishFor>>> = {};

beforeAll(async () => {
  h = await createPrivateHarness();
  mspKey = await h.app.mspKey("chat.example");
  published.bob = await h.app.publishFor("bob@example.com");
  published.optout = await h.app.publishFor("+33 6 12 34 56 78", { entries: [] });
  published.work = await h.app.publishFor("+1 408 555 0100", { entries: [{ msp: "work.example", tags: ["Business"], audience: { kind: "context", tags: ["Business"] } }] });
  published.dave = await h.app.publishFor("dave@example.org");
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const tokens = (count: number) => createTokenClient({ dp: h.dp, apiKey: mspKey }).fetchTokens(count);
const summary = (slot: BatchSlot) => ("error" in slot ? `error:${slot.error.code}` : `${slot.csi} ${slot.result} ${slot.ok}`);
const spentCount = async () => (await h.app.db.select({ n: sql<number>`count(*)::int` }).from(spentOnce).where(sql`${spentOnce.scope} <> 'ohttp'`))[0]!.n;

async function lookUp(book: unknown[], sender?: { msp: string; context?: string }) {
  const client = createPrivateLookupClient({ dp: h.dp, relay: h.relay });
  const needed = await client.tokensNeeded(book);
  return client.lookup(book, { tokens: await tokens(needed), ...(sender && { sender }) });
}

/** An inner request to a private path, encapsulated as the kit does it, and its opened answer. */
async function privately(path: string, body: unknown, token?: Uint8Array) {
  const keys = decodeKeyConfigs(new Uint8Array(await (await fetch(`${h.dp}/.well-known/ohttp-gateway`)).arrayBuffer()));
  const headers: [string, string][] = [["content-type", "application/json"]];
  if (token) headers.push(["authorization", formatTokenAuthorization(token)]);
  const encapsulated = await encapsulateRequest(keys[0]!, encodeRequest({ method: "POST", scheme: "http", authority: new URL(h.dp).host, path, headers, content: new TextEncoder().encode(JSON.stringify(body)) }));
  const response = await fetch(h.relay, { method: "POST", headers: { "content-type": "message/ohttp-req" }, body: encapsulated.request as Uint8Array<ArrayBuffer> });
  expect(response.status).toBe(200);
  const inner = decodeResponse(await encapsulated.openResponse(new Uint8Array(await response.arrayBuffer())), { ...DEFAULT_BHTTP_LIMITS, maxContentBytes: 8 * 1024 * 1024 });
  return { status: inner.status, json: JSON.parse(new TextDecoder().decode(inner.content)) as Record<string, unknown> };
}

async function activeKey() {
  const metadata = (await (await fetch(`${h.dp}/.well-known/mimi-discovery`)).json()) as { private_lookup: { oprf: { keys: { epoch: number; state: string; public_key: string; bucket_bits: number }[] } } };
  return metadata.private_lookup.oprf.keys.find((key) => key.state === "active")!;
}

describe("an address book resolves privately through OPRF-keyed buckets", () => {
  it("mixed numbers and emails: every mapping verifies, a CSI without a record is none, tokens as documented", async () => {
    const before = await spentCount();
    const book = ["Bob@Example.COM", "+33 6 12 34 56 78", "carol@example.com", "not an identifier", "+1 (408) 555-0100", "bob@example.com", "dave@example.org", "+33 6 99 88 77 66"];
    const answers = await lookUp(book, { msp: "other.example", context: "Business" });
    expect(answers.map(summary)).toEqual([
      "mailto:bob@example.com found true",
      "tel:+33612345678 opted_out true",
      "mailto:carol@example.com none true",
      "error:letters_in_number",
      "tel:+14085550100 found true",
      "mailto:bob@example.com found true",
      "mailto:dave@example.org found true",
      "tel:+33699887766 none true",
    ]);
    for (const slot of answers) if (!("error" in slot)) for (const mapping of slot.mappings) expect(mapping.verification.ok).toBe(true);
    expect((answers[0] as VerifiedLookup).mappings.map((mapping) => mapping.id)).toEqual([published.bob!.id]);
    expect((answers[4] as VerifiedLookup).resolution?.preferred?.entry.msp).toBe("work.example");
    // Six distinct identifiers: six evaluations and one bucket request (at most 8 buckets per request).
    expect((await spentCount()) - before).toBe(7);
  });

  it("a published change is visible at the next private lookup, and so is a removal", async () => {
    expect((await lookUp(["carol@example.com"])).map(summary)).toEqual(["mailto:carol@example.com none true"]);
    const carol = await h.app.publishFor("carol@example.com");
    const [found] = (await lookUp(["carol@example.com"])) as VerifiedLookup[];
    expect([found!.result, found!.ok, found!.mappings.map((mapping) => mapping.id)]).toEqual(["found", true, [carol.id]]);
    const started = await startRecipientRemoval({ db: h.app.db, rp: carol.rp, userId: carol.userId, mappingIds: [carol.id], now: new Date() });
    const response = (await carol.authenticator.authenticate({ challenge: started.options.challenge, rpId: carol.rp.rpId, origin: h.app.origin })) as never;
    await finishRecipientRemoval({ db: h.app.db, rp: carol.rp, issuer: h.app.origin, sealingKey: testKeys.sealing, userId: carol.userId, challengeId: started.challengeId, response, now: new Date() });
    expect((await lookUp(["carol@example.com"])).map(summary)).toEqual(["mailto:carol@example.com none true"]);
  });

  it("an independent check: one record computed from the spec alone (RFC 9497, SHA-256, HKDF, AES-256-GCM) is what the DP serves", async () => {
    const csi = "mailto:bob@example.com";
    const [key] = (await loadOprfKeys(h.app.db, testKeys.sealing, new Date(), { refresh: true })).filter((candidate) => candidate.state === "active");
    // RFC 9497 section 3.3.2 Evaluate, VOPRF mode, written out: y = SHA-512(len || input || len || k*H(input) || "Finalize").
    const input = Buffer.from(csi);
    const dst = Buffer.concat([Buffer.from("HashToGroup-OPRFV1-"), Buffer.from([0x01]), Buffer.from("-ristretto255-SHA512")]);
    const point = ristretto255_hasher.hashToCurve(input, { DST: dst });
    const k = BigInt(`0x${Buffer.from(key!.secretKey).reverse().toString("hex")}`);
    const unblinded = Buffer.from(ristretto255.Point.fromAffine(point.toAffine()).multiply(k).toBytes());
    const length = (bytes: Buffer) => Buffer.from([bytes.length >> 8, bytes.length & 0xff]);
    const y = createHash("sha512").update(Buffer.concat([length(input), input, length(unblinded), unblinded, Buffer.from("Finalize")])).digest();
    const tag = createHash("sha256").update(Buffer.concat([Buffer.from("mimi-tag"), y])).digest().subarray(0, 16);
    const bucket32 = createHash("sha256").update(Buffer.concat([Buffer.from("mimi-bucket"), y])).digest().readUInt32BE(0);
    const recordKey = Buffer.from(hkdfSync("sha256", y, Buffer.alloc(0), Buffer.from("mimi-record"), 32));

    const { bucket_bits: bits, epoch } = await activeKey();
    const bucket = bits === 0 ? 0 : Math.floor(bucket32 / 2 ** (32 - bits));
    const [token] = await tokens(1);
    const answer = await privately("/api/v1/private/buckets", { epoch, bucket_bits: bits, buckets: [bucket] }, token);
    expect(answer.status).toBe(200);
    const served = (answer.json.buckets as { records: { tag: string; record: string }[] }[])[0]!.records;
    const mine = served.find((entry) => entry.tag === tag.toString("base64url"));
    expect(mine).toBeDefined();
    const record = Buffer.from(mine!.record, "base64url");
    const decipher = createDecipheriv("aes-256-gcm", recordKey, record.subarray(0, 12));
    decipher.setAAD(tag);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const plaintext = Buffer.concat([decipher.update(record.subarray(12, record.length - 16)), decipher.final()]);
    expect(plaintext.length % 2048).toBe(0);
    const expected = serializeLookup((await lookupCsis(h.app.db, [csi], new Date())).get(csi)!);
    expect(plaintext.toString("utf8").trimEnd()).toBe(expected);
    // And the stored row is keyed as the spec says.
    const [row] = await h.app.db.select({ bucket32: privateRecords.bucket32 }).from(privateRecords).where(and(eq(privateRecords.epoch, epoch), eq(privateRecords.tag, tag)));
    expect(row!.bucket32).toBe(bucket32);
  });

  it("bucket answers are padded: every bucket is the same size whatever it holds, and records are one size", async () => {
    const { bucket_bits: bits, epoch } = await activeKey();
    const ids = Array.from({ length: Math.min(8, 2 ** bits) }, (_, index) => index);
    const [token] = await tokens(1);
    const answer = await privately("/api/v1/private/buckets", { epoch, bucket_bits: bits, buckets: ids }, token);
    const buckets = answer.json.buckets as { records: { tag: string; record: string }[] }[];
    for (const bucket of buckets) {
      expect(bucket.records.length).toBe(BUCKET_PAD_BLOCKS);
      for (const entry of bucket.records) expect(decodeBase64url(entry.record).length).toBe(ONE_BLOCK_RECORD_BYTES);
    }
  });
});

describe("what the kit does not trust", () => {
  it("a record that fails to decrypt, or whose mapping fails to verify, is reported and none of it is used", async () => {
    const key = (await loadOprfKeys(h.app.db, testKeys.sealing, new Date(), { refresh: true })).find((candidate) => candidate.state === "active")!;
    const rows = await h.app.db.select().from(privateRecords).where(eq(privateRecords.epoch, key.epoch));
    const { evaluateInput, tagOf, sealRecord } = await import("@mimi-discovery/msp-kit");
    const yOf = (csi: string) => evaluateInput(key.secretKey, new TextEncoder().encode(csi));
    const rowOf = (csi: string) => rows.find((row) => Buffer.from(row.tag).equals(Buffer.from(tagOf(yOf(csi)))))!;
    const dave = rowOf("mailto:dave@example.org");
    const bob = rowOf("mailto:bob@example.com");
    // Dave's record altered by one bit; Bob's re-encrypted with a document the recipient never signed.
    const altered = Uint8Array.from(dave.record);
    altered[40]! ^= 1;
    const result = (await lookupCsis(h.app.db, ["mailto:bob@example.com"], new Date())).get("mailto:bob@example.com")!;
    const forged = serializeLookup({ ...result, mappings: result.mappings.map((mapping) => ({ ...mapping, served: mapping.served.replace('"chat.example"', '"evil.example"') })) });
    try {
      await h.app.db.update(privateRecords).set({ record: altered }).where(and(eq(privateRecords.epoch, key.epoch), eq(privateRecords.tag, dave.tag)));
      await h.app.db.update(privateRecords).set({ record: await sealRecord(yOf("mailto:bob@example.com"), forged) }).where(and(eq(privateRecords.epoch, key.epoch), eq(privateRecords.tag, bob.tag)));
      const [daveSlot, bobSlot, work] = (await lookUp(["dave@example.org", "bob@example.com", "+1 408 555 0100"], { msp: "chat.example" })) as VerifiedLookup[];
      expect([daveSlot!.ok, daveSlot!.usable, daveSlot!.answerChecks.map((check) => check.id), daveSlot!.resolution?.preferred ?? null]).toEqual([false, [], ["record"], null]);
      expect(bobSlot!.ok).toBe(false);
      expect(bobSlot!.usable).toEqual([]);
      expect(bobSlot!.mappings[0]!.verification.ok).toBe(false);
      expect(work!.ok).toBe(true);
    } finally {
      await h.app.db.update(privateRecords).set({ record: dave.record }).where(and(eq(privateRecords.epoch, key.epoch), eq(privateRecords.tag, dave.tag)));
      await h.app.db.update(privateRecords).set({ record: bob.record }).where(and(eq(privateRecords.epoch, key.epoch), eq(privateRecords.tag, bob.tag)));
    }
  });

  it("an evaluation under another key than the published one is refused: the DLEQ proof does not verify", async () => {
    const metadata = (await (await fetch(`${h.dp}/.well-known/mimi-discovery`)).json()) as Record<string, unknown> & { private_lookup: { oprf: { keys: { public_key: string; state: string }[] } } };
    const { generateOprfKeyPair, fetchDpConfig } = await import("@mimi-discovery/msp-kit");
    const config = await fetchDpConfig(h.dp, fetch);
    const oprf = (config.metadata.private_lookup as { oprf: { keys: { public_key: string; state: string }[] } }).oprf;
    // A client told of another key (a DP that evaluates per client would be caught the same way).
    oprf.keys = oprf.keys.map((key) => (key.state === "active" ? { ...key, public_key: encodeBase64url(generateOprfKeyPair().publicKey) } : key));
    const keyConfigs = new Uint8Array(await (await fetch(`${h.dp}/.well-known/ohttp-gateway`)).arrayBuffer());
    const client = createPrivateLookupClient({ dp: h.dp, relay: h.relay, preloaded: { config, keyConfigs } });
    const error = await client.lookup(["bob@example.com"], { tokens: await tokens(2) }).catch((caught: unknown) => caught);
    expect(String(error)).toMatch(/does not verify against the DP's published OPRF key/u);
    expect(metadata.private_lookup.oprf.keys.length).toBeGreaterThan(0);
  });
});

describe("bad input gets a clear error and changes nothing", () => {
  it("refuses points not on the curve, the identity, batches over the limit, wrong token counts, unknown epochs and no token, spending nothing", async () => {
    const { epoch } = await activeKey();
    const good = encodeBase64url(blindInputs([new TextEncoder().encode("mailto:bob@example.com")])[0]!.blinded);
    const notOnCurve = encodeBase64url(new Uint8Array(32).fill(0xff));
    const identity = encodeBase64url(new Uint8Array(32));
    const [token, second] = await tokens(2);
    const before = await spentCount();
    const rows = await h.app.db.select({ n: sql<number>`count(*)::int` }).from(privateRecords);
    const cases: [unknown, Uint8Array | undefined, number, string][] = [
      [{ epoch, blinded: [notOnCurve], tokens: [] }, token, 422, "invalid_value"],
      [{ epoch, blinded: [identity], tokens: [] }, token, 422, "invalid_value"],
      [{ epoch, blinded: [good, "short"], tokens: ["x"] }, token, 422, "invalid_value"],
      [{ epoch, blinded: Array.from({ length: 65 }, () => good), tokens: Array.from({ length: 64 }, () => "AAAA") }, token, 413, "batch_too_large"],
      [{ epoch, blinded: [good, good], tokens: [] }, token, 401, "invalid_token"],
      [{ epoch: epoch + 100, blinded: [good], tokens: [] }, token, 422, "invalid_value"],
      [{ epoch, blinded: [good], tokens: [] }, undefined, 401, "invalid_token"],
      [{ epoch, blinded: [good], tokens: [], extra: 1 }, token, 422, "invalid_value"],
    ];
    for (const [body, withToken, status, code] of cases) {
      const answer = await privately("/api/v1/private/evaluate", body, withToken);
      expect([JSON.stringify(body).slice(0, 60), answer.status, answer.json.code]).toEqual([JSON.stringify(body).slice(0, 60), status, code]);
    }
    const notOnCurveAnswer = await privately("/api/v1/private/evaluate", { epoch, blinded: [good, notOnCurve], tokens: [encodeBase64url(second!)] }, token);
    expect(notOnCurveAnswer.json.detail).toMatch(/blinded\[1\]/u);
    expect(await spentCount()).toBe(before);
    // The token is still good: one evaluation with it succeeds.
    const ok = await privately("/api/v1/private/evaluate", { epoch, blinded: [good], tokens: [] }, token);
    expect([ok.status, (ok.json.evaluated as string[]).length, typeof ok.json.proof]).toEqual([200, 1, "string"]);
    expect(await h.app.db.select({ n: sql<number>`count(*)::int` }).from(privateRecords)).toEqual(rows);
  });

  it("refuses bucket ids out of range, too many buckets, a too-coarse bucket_bits and no token, spending nothing", async () => {
    const { epoch, bucket_bits: bits } = await activeKey();
    const [token] = await tokens(1);
    const before = await spentCount();
    const cases: [unknown, Uint8Array | undefined, number, string][] = [
      [{ epoch, bucket_bits: bits, buckets: [2 ** bits] }, token, 422, "invalid_value"],
      [{ epoch, bucket_bits: bits, buckets: [-1] }, token, 422, "invalid_value"],
      [{ epoch, bucket_bits: bits, buckets: Array.from({ length: 9 }, () => 0) }, token, 413, "batch_too_large"],
      [{ epoch, bucket_bits: 33, buckets: [0] }, token, 422, "invalid_value"],
      [{ epoch: epoch + 100, bucket_bits: bits, buckets: [0] }, token, 422, "invalid_value"],
      [{ epoch, bucket_bits: bits, buckets: [0] }, undefined, 401, "invalid_token"],
    ];
    for (const [body, withToken, status, code] of cases) {
      const answer = await privately("/api/v1/private/buckets", body, withToken);
      expect([JSON.stringify(body), answer.status, answer.json.code]).toEqual([JSON.stringify(body), status, code]);
    }
    expect(await spentCount()).toBe(before);
  });

  it("the private endpoints cannot be reached directly, only through the gateway", async () => {
    for (const path of ["/api/v1/private/evaluate", "/api/v1/private/buckets"]) {
      expect((await fetch(`${h.dp}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(404);
    }
  });

  it("no log line holds the identifier, its tag, its blinded element or its bucket: the gateway's line is all", async () => {
    const probe = "bucket.probe@example.com";
    const logged: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
      }),
    );
    const log = captureLog();
    try {
      expect((await lookUp([probe, "bob@example.com"])).map(summary)).toEqual([`mailto:${probe} none true`, "mailto:bob@example.com found true"]);
    } finally {
      for (const spy of spies) spy.mockRestore();
      log.restore();
      logged.push(...log.text().split("\n"));
    }
    expect(logged.some((line) => line.includes('"route":"/api/v1/ohttp"'))).toBe(true);
    for (const line of logged) {
      for (const secret of [probe, "bob@example.com", "bucket", "evaluate", "blinded", "epoch", "tag"]) expect(line).not.toContain(secret);
    }
  });

  it("no table holds an OPRF output next to an MSP or a token: the records table has epoch, tag, bucket and record only", async () => {
    const result = (await h.app.db.execute(sql`select column_name from information_schema.columns where table_name = 'private_records' order by column_name`)) as unknown as { column_name: string }[] | { rows: { column_name: string }[] };
    const columns = Array.isArray(result) ? result : result.rows;
    expect(columns.map((row) => row.column_name)).toEqual(["bucket32", "epoch", "record", "tag"]);
    expect(await h.app.db.select({ id: mappings.id }).from(mappings).limit(1)).toHaveLength(1);
  });
});

