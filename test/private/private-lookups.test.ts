import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issuerKeys, spentOnce, usageHourly } from "@/db/schema";
import { flushUsage } from "@/lib/metrics/usage";
import { forgetLoadedIssuerKeys, rotateIssuerKey } from "@/lib/private/issuer-keys";
import { ISSUER_KEY_GRACE_MS } from "@/lib/private/key-policy";
import {
  createTokenClient,
  decodeKeyConfigs,
  decodeResponse,
  encapsulateRequest,
  encodeRequest,
  encodeTokenChallenge,
  formatTokenAuthorization,
  prepareTokenRequest,
  privateLookup,
  DpError,
  fetchDpConfig,
  type BatchSlot,
  type VerifiedLookup,
} from "@mimi-discovery/msp-kit";
import { getDb } from "@/db/index";
import { testKeys } from "@/test/support/otp-harness";
import { absoluteFormPost, startForeignGateway } from "./foreign-gateway";
import { createPrivateHarness } from "./private-harness";

let h: Awaited<ReturnType<typeof createPrivateHarness>>;
let mspKey: string;

beforeAll(async () => {
  h = await createPrivateHarness();
  mspKey = await h.app.mspKey("chat.example");
  await h.app.publishFor("bob@example.com");
  await h.app.publishFor("+33 6 12 34 56 78", { entries: [] });
  await h.app.publishFor("+1 408 555 0100", { entries: [{ msp: "work.example", tags: ["Business"], audience: { kind: "context", tags: ["Business"] } }] });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const tokens = (count: number, key = mspKey) => createTokenClient({ dp: h.dp, apiKey: key }).fetchTokens(count);
const found = (slot: BatchSlot) => slot as VerifiedLookup;

async function counts() {
  const [spent] = await h.app.db.select({ n: sql<number>`count(*)::int` }).from(spentOnce).where(sql`${spentOnce.scope} <> 'ohttp'`);
  await flushUsage(h.app.db);
  const [issued] = await h.app.db.select({ n: sql<number>`coalesce(sum(${usageHourly.tokensIssued}), 0)::int` }).from(usageHourly);
  return { spent: spent!.n, issued: issued!.n };
}

/** One encapsulated request as the kit builds it, with the inner request's parts replaceable. */
async function encapsulate(inner: Partial<Parameters<typeof encodeRequest>[0]> & { token?: Uint8Array; body?: string } = {}) {
  const keys = decodeKeyConfigs(new Uint8Array(await (await fetch(`${h.dp}/.well-known/ohttp-gateway`)).arrayBuffer()));
  const headers: [string, string][] = [["content-type", "application/json"]];
  if (inner.token) headers.push(["authorization", formatTokenAuthorization(inner.token)]);
  const message = encodeRequest({
    method: "POST",
    scheme: "http",
    authority: new URL(h.dp).host,
    path: "/api/v1/private/lookup",
    headers: inner.headers ?? headers,
    content: new TextEncoder().encode(inner.body ?? '{"csi":"bob@example.com"}'),
    ...inner,
  });
  return encapsulateRequest(keys[0]!, message);
}

async function viaRelay(body: Uint8Array, relay = h.relay) {
  return fetch(relay, { method: "POST", headers: { "content-type": "message/ohttp-req" }, body: body as Uint8Array<ArrayBuffer> });
}

/** Sends an encapsulated request through the relay and opens the answer: the inner status, headers and JSON. */
async function roundTrip(encapsulated: Awaited<ReturnType<typeof encapsulate>>) {
  const response = await viaRelay(encapsulated.request);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("message/ohttp-res");
  const inner = decodeResponse(await encapsulated.openResponse(new Uint8Array(await response.arrayBuffer())));
  return { status: inner.status, headers: new Headers(inner.headers), json: JSON.parse(new TextDecoder().decode(inner.content)) as Record<string, unknown> };
}

describe("an MSP's address book through the relay, paid with tokens", () => {
  it("resolves every identifier and every mapping verifies; one token per distinct identifier, charged to the MSP", async () => {
    const before = await counts();
    const book = ["Bob@Example.COM", "+33 6 12 34 56 78", "carol@example.com", "not an identifier", "+1 (408) 555-0100", "bob@example.com"];
    const answers = await privateLookup(book, { dp: h.dp, relay: h.relay, tokens: await tokens(4), sender: { msp: "other.example", context: "Business" }, method: "lookup" });
    expect(answers.map((slot) => ("error" in slot ? `error:${slot.error.code}` : `${slot.csi} ${slot.result} ${slot.ok}`))).toEqual([
      "mailto:bob@example.com found true",
      "tel:+33612345678 opted_out true",
      "mailto:carol@example.com none true",
      "error:letters_in_number",
      "tel:+14085550100 found true",
      "mailto:bob@example.com found true",
    ]);
    for (const slot of answers) if (!("error" in slot)) for (const mapping of slot.mappings) expect(mapping.verification.ok).toBe(true);
    expect(found(answers[4]!).resolution?.preferred?.entry.msp).toBe("work.example");
    expect(await counts()).toEqual({ spent: before.spent + 4, issued: before.issued + 4 });
  });

  it("with the DP's public documents preloaded, a client contacts nothing but the relay", async () => {
    const config = await fetchDpConfig(h.dp, fetch);
    const keyConfigs = new Uint8Array(await (await fetch(`${h.dp}/.well-known/ohttp-gateway`)).arrayBuffer());
    const contacted: string[] = [];
    const onlyRelay = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      contacted.push(url);
      if (!url.startsWith(h.relay)) throw new Error(`contacted ${url}`);
      return fetch(input, init);
    }) as typeof fetch;
    const [answer] = await privateLookup(["bob@example.com"], { dp: h.dp, relay: h.relay, tokens: await tokens(1), fetch: onlyRelay, preloaded: { config, keyConfigs }, method: "lookup" });
    expect(answer).toMatchObject({ result: "found", ok: true });
    expect(contacted).toEqual([h.relay]);
  });

  it("answers exactly what a direct lookup answers", async () => {
    const [token] = await tokens(1);
    const privately = await roundTrip(await encapsulate({ token }));
    const direct = await fetch(`${h.dp}/api/v1/lookup`, { method: "POST", headers: { authorization: `Bearer ${mspKey}`, "content-type": "application/json" }, body: '{"csi":"bob@example.com"}' });
    expect(privately.status).toBe(200);
    expect(privately.json).toEqual(await direct.json());
  });
});

describe("bad input gets a clear error and changes nothing", () => {
  it("refuses malformed, truncated and undecryptable encapsulations, and an unknown key id, before any work", async () => {
    const [token] = await tokens(1);
    const good = (await encapsulate({ token })).request;
    const before = await counts();
    const cases: [Uint8Array, number, string][] = [
      [good.subarray(0, 4), 400, "invalid_encapsulation"],
      [good.subarray(0, 45), 400, "invalid_encapsulation"],
      [good.subarray(0, good.length - 1), 400, "invalid_encapsulation"],
      [Uint8Array.of(...good.subarray(0, 50), good[50]! ^ 1, ...good.subarray(51)), 400, "invalid_encapsulation"],
      [Uint8Array.of((good[0]! + 17) % 256, ...good.subarray(1)), 400, "ohttp_key_unknown"],
    ];
    for (const [body, status, code] of cases) {
      const response = await viaRelay(body);
      expect(response.status, code).toBe(status);
      const problem = (await response.json()) as { code: string; type: string; detail: string };
      expect(problem.code).toBe(code);
      if (code === "ohttp_key_unknown") expect(problem.type).toBe("https://iana.org/assignments/http-problem-types#ohttp-key");
    }
    const wrongType = await fetch(h.relay, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(wrongType.status).toBe(415);
    expect((await viaRelay(new Uint8Array(80 * 1024 + 1))).status).toBe(413);
    expect(await counts()).toEqual(before);
  });

  it("refuses a replayed encapsulated request, and its token was spent only once", async () => {
    const [token] = await tokens(1);
    const encapsulated = await encapsulate({ token });
    expect((await roundTrip(encapsulated)).status).toBe(200);
    const before = await counts();
    const replay = await viaRelay(encapsulated.request);
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { code: string }).code).toBe("replayed_request");
    expect(await counts()).toEqual(before);
  });

  it("refuses a spent token, an API key, no token, and tokens for another origin or challenge, with this DP's challenge", async () => {
    const [token, spare] = await tokens(2);
    expect((await roundTrip(await encapsulate({ token }))).status).toBe(200);
    const before = await counts();
    const spent = await roundTrip(await encapsulate({ token }));
    expect([spent.status, spent.json.code]).toEqual([401, "token_spent"]);
    const apiKey = await roundTrip(await encapsulate({ headers: [["content-type", "application/json"], ["authorization", `Bearer ${mspKey}`]] }));
    expect([apiKey.status, apiKey.json.code]).toEqual([401, "invalid_token"]);
    expect(apiKey.headers.get("www-authenticate")).toMatch(/^PrivateToken challenge="[A-Za-z0-9_=-]+", token-key="[A-Za-z0-9_=-]+"/u);
    const none = await roundTrip(await encapsulate({}));
    expect([none.status, none.json.code]).toEqual([401, "invalid_token"]);

    // A genuine token of this DP's issuer, but made for another origin's challenge.
    const directory = (await (await fetch(`${h.dp}/.well-known/private-token-issuer-directory`)).json()) as { "token-keys": { "token-key": string }[] };
    const tokenKey = Buffer.from(directory["token-keys"][0]!["token-key"], "base64url");
    const elsewhere = encodeTokenChallenge({ tokenType: 2, issuerName: new URL(h.dp).host, redemptionContext: new Uint8Array(0), originInfo: "other.example" });
    const pending = await prepareTokenRequest({ tokenKey, challenge: elsewhere });
    const signed = await fetch(`${h.dp}/api/v1/privacy-pass/token-request`, { method: "POST", headers: { authorization: `Bearer ${mspKey}`, "content-type": "application/private-token-request" }, body: pending.request as Uint8Array<ArrayBuffer> });
    const foreign = await pending.finalize(new Uint8Array(await signed.arrayBuffer()));
    const wrongChallenge = await roundTrip(await encapsulate({ token: foreign }));
    expect([wrongChallenge.status, wrongChallenge.json.code]).toEqual([401, "invalid_token"]);
    expect(wrongChallenge.json.detail).toMatch(/another challenge/u);

    const altered = spare!.slice();
    altered[300]! ^= 1;
    const forged = await roundTrip(await encapsulate({ token: altered }));
    expect([forged.status, forged.json.detail]).toEqual([401, expect.stringMatching(/not a signature/u)]);
    expect((await counts()).spent).toBe(before.spent);
    expect((await roundTrip(await encapsulate({ token: spare }))).status).toBe(200);
  });

  it("keeps the token when the request fails for another reason: an invalid identifier, unknown members, an oversized body", async () => {
    const [token] = await tokens(1);
    const before = await counts();
    const invalid = await roundTrip(await encapsulate({ token, body: '{"csi":"a@b.com@c.com"}' }));
    expect([invalid.status, invalid.json.code]).toEqual([422, "invalid_value"]);
    const sender = await roundTrip(await encapsulate({ token, body: '{"csi":"bob@example.com","sender_msp":"chat.example"}' }));
    expect([sender.status, sender.json.code]).toEqual([422, "invalid_value"]);
    const oversized = await roundTrip(await encapsulate({ token, body: JSON.stringify({ csi: "x".repeat(5000) }) }));
    expect([oversized.status, oversized.json.code]).toEqual([413, "payload_too_large"]);
    expect(await counts()).toEqual(before);
    expect((await roundTrip(await encapsulate({ token }))).status).toBe(200);
  });

  it("the private endpoint cannot be reached directly, only through the gateway", async () => {
    const [token] = await tokens(1);
    const direct = await fetch(`${h.dp}/api/v1/private/lookup`, { method: "POST", headers: { "content-type": "application/json", authorization: formatTokenAuthorization(token!) }, body: '{"csi":"bob@example.com"}' });
    expect(direct.status).toBe(404);
    // The token was not spent by that attempt.
    expect((await roundTrip(await encapsulate({ token }))).status).toBe(200);
  });

  it("refuses inner requests to non-private paths and to another origin", async () => {
    const [token] = await tokens(1);
    const before = await counts();
    for (const path of ["/api/v1/lookup", "/api/v1/csip/removals", "/api/v1/privacy-pass/token-request", "/admin"]) {
      const answer = await roundTrip(await encapsulate({ token, path }));
      expect([path, answer.status, answer.json.code]).toEqual([path, 404, "not_found"]);
    }
    const get = await roundTrip(await encapsulate({ token, method: "GET", content: new Uint8Array(0) }));
    expect(get.status).toBe(404);
    const other = await roundTrip(await encapsulate({ token, authority: "evil.example" }));
    expect([other.status, other.json.code]).toEqual([421, "misdirected_request"]);
    expect(await counts()).toEqual(before);
  });

  it("refuses a token of a retired issuer key once its grace period is over, and accepts it during the grace period", async () => {
    const [during, after] = await tokens(2);
    await rotateIssuerKey(h.app.db, testKeys.sealing, new Date());
    forgetLoadedIssuerKeys(getDb());
    expect((await roundTrip(await encapsulate({ token: during }))).status).toBe(200);
    // The grace period ends: the retired key is no longer accepted.
    await h.app.db.update(issuerKeys).set({ acceptedUntil: new Date(Date.now() - 1000) }).where(sql`${issuerKeys.issuesUntil} <= now()`);
    forgetLoadedIssuerKeys(getDb());
    const before = await counts();
    const refused = await roundTrip(await encapsulate({ token: after }));
    expect([refused.status, refused.json.code]).toEqual([401, "invalid_token"]);
    expect(refused.json.detail).toMatch(/retired/u);
    expect(await counts()).toEqual(before);
    expect(ISSUER_KEY_GRACE_MS).toBeGreaterThan(24 * 60 * 60 * 1000);
  });

  it("a relay pointed at another gateway: the client says so, and no token is spent", async () => {
    for (const keyId of [0, 1, 77]) {
      const foreign = await startForeignGateway(keyId);
      try {
        const wrongRelay = await h.startRelay({ gateway: foreign.url });
        const [token] = await tokens(1);
        const before = await counts();
        const error = await privateLookup(["bob@example.com"], { dp: h.dp, relay: wrongRelay, tokens: [token!], method: "lookup" }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(DpError);
        expect((error as DpError).message).toMatch(/configured for another gateway/u);
        expect(await counts()).toEqual(before);
        // The token was never opened by this DP: it still pays for a lookup through the right relay.
        expect((await privateLookup(["bob@example.com"], { dp: h.dp, relay: h.relay, tokens: [token!], method: "lookup" }))[0]).toMatchObject({ result: "found", ok: true });
      } finally {
        await foreign.close();
      }
    }
    // A relay forwards to its one gateway only: another path, or an absolute URL naming another host, is refused.
    expect((await fetch(new URL("/elsewhere", h.relay), { method: "POST", headers: { "content-type": "message/ohttp-req" }, body: "x" })).status).toBe(404);
    expect((await absoluteFormPost(h.relay, "http://evil.example/api/v1/ohttp")).status).toBe(404);
  });
});
