import { randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as jwks } from "@/app/.well-known/jwks.json/route";
import { GET as ohttpKeys } from "@/app/.well-known/ohttp-gateway/route";
import { GET as issuerDirectory } from "@/app/.well-known/private-token-issuer-directory/route";
import { POST as ohttp } from "@/app/api/v1/ohttp/route";
import { POST as tokenRequest } from "@/app/api/v1/privacy-pass/token-request/route";
import { getDb } from "@/db/index";
import { OHTTP_REQUEST_MAX_BYTES } from "@/http/ohttp-gateway";
import { SHORT_TOKEN_REQUEST_BYTES } from "@/http/openapi/private-lookups";
import { issuingKey } from "@/lib/private/issuer-keys";
import { listOhttpKeys, publishedKeyConfigs } from "@/lib/private/ohttp-keys";
import { testKeys } from "@/test/support/otp-harness";
import { decodeKeyConfigs, encapsulateRequest, encodeGenericBatchTokenRequest, encodeRequest } from "@mimi-discovery/msp-kit";
import { POST as removals } from "@/app/api/v1/csip/removals/route";
import { POST as batchLookup } from "@/app/api/v1/lookup/batch/route";
import { POST as lookup } from "@/app/api/v1/lookup/route";
import { closeRawClient, openRawClient, type RawClient } from "@/db/client";
import { getRawClient, installDatabase } from "@/db/index";
import { setClockOffset } from "@/lib/clock";
import { batchLookupMaxBytes, CSIP_REMOVAL_MAX_BYTES, SINGLE_LOOKUP_MAX_BYTES, TOKEN_REQUEST_MAX_BYTES } from "@/http/body-limits";
import { createTrustedProxyList } from "@/http/client-ip";
import { createAppServer } from "@/http/create-app-server";
import { buildOpenApiDocument, type OpenApiOperation } from "@/http/openapi";
import { costAboveBurstExample, LIMIT_SPENT_EXAMPLE } from "@/http/openapi/examples";
import { createAppHarness } from "@/test/support/app-harness";

/**
 * Every problem example the reference documents, provoked against the real route handlers: the answer must be the
 * example, to the byte of its detail. The document is built for the harness's own origin and max_batch, so each
 * example is exactly what this DP would send. A documented example nobody can provoke, or a way to provoke one the
 * reference no longer shows, fails the first test.
 */

const ORIGIN = "http://localhost:3000";
const MAX_BATCH = 20;
const document = buildOpenApiDocument({ origin: ORIGIN, maxBatch: MAX_BATCH });

type Documented = { id: string; path: string; status: number; value: Record<string, unknown> };

const documented: Documented[] = Object.entries(document.paths).flatMap(([path, item]) =>
  [item.get, item.post]
    .filter((operation): operation is OpenApiOperation => operation !== undefined)
    .flatMap((operation) =>
      Object.entries(operation.responses).flatMap(([status, response]) =>
        Object.entries(response.content?.["application/problem+json"]?.examples ?? {}).map(([name, example]) => ({
          id: `${operation.operationId} ${name}`,
          path,
          status: Number(status),
          value: example.value as Record<string, unknown>,
        })),
      ),
    ),
);

let app: Awaited<ReturnType<typeof createAppHarness>>;
let mspKey: string;
let csipKey: string;
/** A database that is down, and one that answers but is not the DP's (no tables): a 503 and a 500. */
let closedDatabase: RawClient;
let foreignDatabase: RawClient;
/** The truncated id of the key that issues now, and of the gateway's active key. */
let issuingTruncatedId: number;
let ohttpKeyId: number;

beforeAll(async () => {
  app = await createAppHarness({ PUBLIC_ORIGIN: ORIGIN, MAX_BATCH: String(MAX_BATCH) });
  mspKey = await app.mspKey("errors.example");
  csipKey = (await app.csip("Errors telco", [{ kind: "e164_prefix", value: "+1408" }])).key;
  closedDatabase = openRawClient({ memory: true });
  await closeRawClient(closedDatabase);
  foreignDatabase = openRawClient({ memory: true });
  issuingTruncatedId = (await issuingKey(getDb(), testKeys.sealing, new Date())).truncatedKeyId;
  ohttpKeyId = (await listOhttpKeys(app.db, new Date()))[0]!.keyId;
});
afterAll(async () => {
  await closeRawClient(foreignDatabase);
  await app.close();
});

type Route = { path: string; handler: (request: Request) => Promise<Response>; key: () => string; body: unknown; contentType?: string; raw?: () => Uint8Array };

/** A well-formed TokenRequest for the issuing key: a blinded message below any 2048-bit modulus. */
function tokenRequestBody(truncatedId = issuingTruncatedId, type = 2): Uint8Array {
  const body = new Uint8Array(259);
  body.set([0, type, truncatedId, 0]);
  body.fill(7, 4);
  return body;
}

/** An encapsulated request of the right shape and length for the gateway's active key, with parts replaceable. */
function encapsulatedShape(options: { keyId?: number; aeadId?: number } = {}): Uint8Array {
  const body = new Uint8Array(120).fill(9);
  body.set([options.keyId ?? ohttpKeyId, 0, 0x20, 0, 1, 0, options.aeadId ?? 1]);
  return body;
}

const ROUTES = {
  lookup: { path: "/api/v1/lookup", handler: lookup, key: () => mspKey, body: { csi: "bob@example.com" } },
  lookupBatch: { path: "/api/v1/lookup/batch", handler: batchLookup, key: () => mspKey, body: { csis: ["bob@example.com"] } },
  csipRemovals: { path: "/api/v1/csip/removals", handler: removals, key: () => csipKey, body: { items: [{ csi: "+1 408 555 1212", reason: "other" }] } },
  tokenRequest: { path: "/api/v1/privacy-pass/token-request", handler: tokenRequest, key: () => mspKey, body: null, contentType: "application/private-token-request", raw: () => tokenRequestBody() },
  ohttpGateway: { path: "/api/v1/ohttp", handler: ohttp, key: () => "", body: null, contentType: "message/ohttp-req", raw: () => encapsulatedShape() },
} satisfies Record<string, Route>;
type RouteName = keyof typeof ROUTES;

/** A POST as a client sends it; each option replaces one part of a well-formed request of that route. */
function send(route: RouteName, options: { key?: string | null; headers?: Record<string, string>; body?: unknown; raw?: BodyInit | null } = {}) {
  const { path, handler, key, body } = ROUTES[route];
  const described: Route = ROUTES[route];
  const bearer = options.key === undefined ? key() : options.key;
  const headers = { "content-type": described.contentType ?? "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...options.headers };
  const payload = options.raw !== undefined ? options.raw : described.raw ? (described.raw() as Uint8Array<ArrayBuffer>) : JSON.stringify(options.body ?? body);
  return handler(new Request(`${ORIGIN}${path}`, { method: "POST", headers, body: payload }));
}

/** A well-formed key that was never issued. */
const unknownKey = (owner: "msp" | "csip") => `mimi_${owner}_AAAAAAAA.${"A".repeat(43)}`;

/** Runs `provoke` with `raw` as the process's database, then puts the harness's back. */
async function withDatabase(raw: RawClient, provoke: () => Promise<Response>): Promise<Response> {
  const live = getRawClient();
  installDatabase(raw);
  const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
  try {
    return await provoke();
  } finally {
    quiet.mockRestore();
    installDatabase(live);
  }
}

/** The production server (requireHttps) on a loopback port, the route behind it, reached over plain HTTP. */
async function overPlainHttp(route: RouteName): Promise<Response> {
  const { path, handler } = ROUTES[route];
  const server = createAppServer(
    (_req, res) => {
      res.writeHead(500).end("the request reached Next");
    },
    { trustedProxies: createTrustedProxyList([]), requireHttps: true, publicOrigin: ORIGIN, directPost: new Map([[path, handler]]) },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<Response>((resolve, reject) => {
      const req = httpRequest({ port, host: "127.0.0.1", path, method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${ROUTES[route].key()}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers: res.headers as Record<string, string> })));
      });
      req.on("error", reject);
      const described: Route = ROUTES[route];
      req.end(described.raw ? Buffer.from(described.raw()) : JSON.stringify(described.body));
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** An MSP whose bucket refills one token per LIMIT_SPENT_EXAMPLE.retryAfterSeconds, spent by one lookup. */
async function spendLimit(route: "lookup" | "lookupBatch" | "tokenRequest"): Promise<Response> {
  const key = await app.mspKey(`spent-${randomUUID().slice(0, 8)}.example`, { burst: 1, refill: 1 / LIMIT_SPENT_EXAMPLE.retryAfterSeconds });
  // The bucket is spent an hour ahead, and a clock behind the bucket's time refills nothing (the stores never mint
  // tokens for clock skew): the second lookup waits exactly the example's seconds, however slow this machine is.
  setClockOffset(60 * 60 * 1000);
  try {
    expect((await send(route, { key })).status).toBe(200);
  } finally {
    setClockOffset(0);
  }
  return send(route, { key });
}

/** The refusals every POST route shares, provoked the same way on each. */
function sharedProvokers(route: RouteName, maxBytes: number): Record<string, () => Promise<Response>> {
  const owner = route === "csipRemovals" ? "csip" : "msp";
  return {
    [`${route} missing_key`]: () => send(route, { key: null }),
    [`${route} invalid_key`]: () => send(route, { key: unknownKey(owner) }),
    [`${route} ${owner === "msp" ? "csip_key" : "msp_key"}`]: () => send(route, { key: owner === "msp" ? csipKey : mspKey }),
    [`${route} plain_http`]: () => overPlainHttp(route),
    [`${route} no_body`]: () => send(route, { raw: null }),
    [`${route} not_utf8`]: () => send(route, { raw: new Uint8Array([0x7b, 0xff, 0x7d]) }),
    [`${route} invalid_json`]: () => send(route, { raw: '{"trailing": "comma",}' }),
    [`${route} body_too_large`]: () => send(route, { body: { padding: "x".repeat(maxBytes) } }),
    [`${route} wrong_content_type`]: () => send(route, { headers: { "content-type": "text/plain" } }),
    [`${route} internal_error`]: () => withDatabase(foreignDatabase, () => send(route)),
    [`${route} dependency_down`]: () => withDatabase(closedDatabase, () => send(route)),
  };
}

const oversized = costAboveBurstExample(MAX_BATCH)!;

/** Keyed by operationId and example name, as the reference names them. */
const PROVOKE: Record<string, () => Promise<Response>> = {
  ...sharedProvokers("lookup", SINGLE_LOOKUP_MAX_BYTES),
  "lookup unknown_field": () => send("lookup", { body: { csi: "+1 (408) 555-1212", sender: "alice@example.org" } }),
  "lookup invalid_identifier": () => send("lookup", { body: { csi: "4085551212" } }),
  "lookup limit_spent": () => spendLimit("lookup"),

  ...sharedProvokers("lookupBatch", batchLookupMaxBytes(MAX_BATCH)),
  "lookupBatch batch_too_large": () => send("lookupBatch", { body: { csis: Array.from({ length: MAX_BATCH + 1 }, (_, i) => `user${i}@example.com`) } }),
  "lookupBatch unknown_field": () => send("lookupBatch", { body: { csis: ["bob@example.com"], sender_msp: "chat.example" } }),
  "lookupBatch empty_batch": () => send("lookupBatch", { body: { csis: [] } }),
  "lookupBatch limit_spent": () => spendLimit("lookupBatch"),
  "lookupBatch cost_above_burst": async () => {
    const key = await app.mspKey(`burst-${randomUUID().slice(0, 8)}.example`, { burst: oversized.burst, refill: 1 });
    return send("lookupBatch", { key, body: { csis: Array.from({ length: oversized.cost }, (_, i) => `burst${i}@example.com`) } });
  },

  ...sharedProvokers("csipRemovals", CSIP_REMOVAL_MAX_BYTES),
  "csipRemovals bad_idempotency_key": () => send("csipRemovals", { headers: { "idempotency-key": "not a key" } }),
  "csipRemovals unknown_reason": () => send("csipRemovals", { body: { items: [{ csi: "+1 408 555 1212", reason: "gone" }] } }),
  "csipRemovals idempotency_key_reused": async () => {
    const headers = { "idempotency-key": `reused-${randomUUID()}` };
    expect((await send("csipRemovals", { headers })).status).toBe(200);
    return send("csipRemovals", { headers, body: { items: [{ csi: "+1 408 555 1212", reason: "released" }] } });
  },

  "jwks database_down": () => withDatabase(closedDatabase, async () => jwks()),

  "tokenRequest missing_key": () => send("tokenRequest", { key: null }),
  "tokenRequest invalid_key": () => send("tokenRequest", { key: unknownKey("msp") }),
  "tokenRequest csip_key": () => send("tokenRequest", { key: csipKey }),
  "tokenRequest plain_http": () => overPlainHttp("tokenRequest"),
  "tokenRequest no_body": () => send("tokenRequest", { raw: null }),
  "tokenRequest body_too_large": () => send("tokenRequest", { raw: new Uint8Array(TOKEN_REQUEST_MAX_BYTES + 1) }),
  "tokenRequest wrong_content_type": () => send("tokenRequest", { headers: { "content-type": "application/json" } }),
  "tokenRequest wrong_size": () => send("tokenRequest", { raw: tokenRequestBody().slice(0, SHORT_TOKEN_REQUEST_BYTES) }),
  "tokenRequest other_token_type": () => send("tokenRequest", { raw: tokenRequestBody(issuingTruncatedId, 1) as Uint8Array<ArrayBuffer> }),
  "tokenRequest key_not_issuing": () => send("tokenRequest", { raw: tokenRequestBody((issuingTruncatedId + 1) % 256) as Uint8Array<ArrayBuffer> }),
  "tokenRequest batch_unreadable": () =>
    send("tokenRequest", { headers: { "content-type": "application/private-token-generic-batch-request" }, raw: encodeGenericBatchTokenRequest([tokenRequestBody(issuingTruncatedId, 1).subarray(0, 51)]) as Uint8Array<ArrayBuffer> }),
  "tokenRequest batch_nothing_issuable": () =>
    send("tokenRequest", { headers: { "content-type": "application/private-token-generic-batch-request" }, raw: encodeGenericBatchTokenRequest([tokenRequestBody((issuingTruncatedId + 1) % 256)]) as Uint8Array<ArrayBuffer> }),
  "tokenRequest limit_spent": () => spendLimit("tokenRequest"),
  "tokenRequest internal_error": () => withDatabase(foreignDatabase, () => send("tokenRequest")),
  "tokenRequest dependency_down": () => withDatabase(closedDatabase, () => send("tokenRequest")),

  "ohttpGateway plain_http": () => overPlainHttp("ohttpGateway"),
  "ohttpGateway no_body": () => send("ohttpGateway", { raw: null }),
  "ohttpGateway body_too_large": () => send("ohttpGateway", { raw: new Uint8Array(OHTTP_REQUEST_MAX_BYTES + 1) }),
  "ohttpGateway wrong_content_type": () => send("ohttpGateway", { headers: { "content-type": "application/octet-stream" } }),
  "ohttpGateway truncated": () => send("ohttpGateway", { raw: new Uint8Array([ohttpKeyId, 0, 0x20]) }),
  "ohttpGateway unknown_key": () => send("ohttpGateway", { raw: encapsulatedShape({ keyId: (ohttpKeyId + 101) % 256 }) as Uint8Array<ArrayBuffer> }),
  "ohttpGateway unsupported_suite": () => send("ohttpGateway", { raw: encapsulatedShape({ aeadId: 3 }) as Uint8Array<ArrayBuffer> }),
  "ohttpGateway does_not_decrypt": () => send("ohttpGateway", { raw: encapsulatedShape() as Uint8Array<ArrayBuffer> }),
  "ohttpGateway replayed": async () => {
    const [config] = decodeKeyConfigs(await publishedKeyConfigs(app.db, new Date()));
    const { request } = await encapsulateRequest(config!, encodeRequest({ method: "POST", path: "/api/v1/private/lookup" }));
    expect((await send("ohttpGateway", { raw: request as Uint8Array<ArrayBuffer> })).status).toBe(200);
    return send("ohttpGateway", { raw: request as Uint8Array<ArrayBuffer> });
  },
  "ohttpGateway dependency_down": () => withDatabase(closedDatabase, () => send("ohttpGateway")),

  "ohttpKeys database_down": () => withDatabase(closedDatabase, async () => ohttpKeys()),
  "issuerDirectory database_down": () => withDatabase(closedDatabase, async () => issuerDirectory()),
};

describe("the reference's problem examples", () => {
  it("are exactly the ones this test can provoke", () => {
    expect(documented.length).toBeGreaterThan(40);
    expect(Object.keys(PROVOKE).sort()).toEqual(documented.map((example) => example.id).sort());
  });

  it.each(documented.map((example) => [example.id, example] as const))("%s: the API answers with the documented problem", async (_id, example) => {
    const provoke = PROVOKE[example.id];
    if (!provoke) throw new Error(`nothing provokes ${example.id}`);
    const response = await provoke();
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = (await response.json()) as Record<string, unknown>;
    expect({ status: response.status, code: body.code, detail: body.detail }).toEqual({ status: example.status, code: example.value.code, detail: example.value.detail });
    // Type, title and the members of the code (issues, identifier_error, max_batch) too.
    expect(body).toEqual(example.value);
    if (example.status === 401) expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/u);
    if (example.status === 503) expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    // A refusal after a charge still says where the bucket stands.
    if (example.status === 429) expect(response.headers.get("ratelimit-limit")).toMatch(/^\d+$/u);
  });
});
