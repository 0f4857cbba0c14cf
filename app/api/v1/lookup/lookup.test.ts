import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { msps, users } from "@/db/schema";
import { issueMspApiKey, revokeApiKey } from "@/lib/api-keys/manage-api-keys";
import { setClockOffset } from "@/lib/clock";
import { publishedJwks } from "@/lib/keys/signing-keys";
import { verifyLookupItem } from "@mimi-discovery/msp-kit";
import { apiRequest, createAppHarness } from "@/test/support/app-harness";
import { POST as batchLookup } from "./batch/route";
import { POST as lookup } from "./route";

const URL_SINGLE = "http://localhost:3000/api/v1/lookup";
const URL_BATCH = "http://localhost:3000/api/v1/lookup/batch";
let app: Awaited<ReturnType<typeof createAppHarness>>;
let key: string;

beforeAll(async () => {
  app = await createAppHarness();
  key = await app.mspKey("chat.example");
  await app.publishFor("bob@example.com");
  await app.publishFor("+33 6 12 34 56 78", { entries: [] });
});
afterAll(async () => {
  await app.close();
});

async function problem(response: Response) {
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const body = (await response.json()) as { type: string; title: string; status: number; detail: string; code: string };
  expect(body.status).toBe(response.status);
  expect(body.type).toContain("/docs/api#error-");
  return body;
}

describe("POST /api/v1/lookup", () => {
  it("answers found with every active mapping, and the answer verifies against the published keys", async () => {
    const response = await lookup(apiRequest(URL_SINGLE, { csi: "Bob@Example.COM", sender_msp: "work.example", context: "Business" }, { key }));
    expect(response.status).toBe(200);
    expect(response.headers.get("ratelimit-limit")).toBe("10000");
    const item = (await response.json()) as { csi: string; result: string; mappings: unknown[] };
    expect(item).toMatchObject({ csi: "mailto:bob@example.com", result: "found" });
    expect(item.mappings).toHaveLength(1);
    const verification = await verifyLookupItem(item, { jwks: await publishedJwks(app.db, new Date()), issuer: app.origin, rpId: "localhost" });
    expect(verification.ok).toBe(true);
  });

  it("tells an opt-out from no mapping at all (R5)", async () => {
    const optedOut = (await (await lookup(apiRequest(URL_SINGLE, { csi: "+33612345678" }, { key }))).json()) as { result: string };
    expect(optedOut.result).toBe("opted_out");
    const none = (await (await lookup(apiRequest(URL_SINGLE, { csi: "carol@example.com" }, { key }))).json()) as { result: string; mappings: unknown[] };
    expect(none).toEqual({ csi: "mailto:carol@example.com", result: "none", mappings: [] });
  });

  it("never serves a mapping once it has expired", async () => {
    const mapping = await app.publishFor("expires.soon@example.com");
    const before = (await (await lookup(apiRequest(URL_SINGLE, { csi: "expires.soon@example.com" }, { key }))).json()) as { result: string };
    expect(before.result).toBe("found");
    setClockOffset(mapping.expiresAt.getTime() - Date.now());
    try {
      const after = await lookup(apiRequest(URL_SINGLE, { csi: "expires.soon@example.com" }, { key }));
      expect(after.status).toBe(200);
      expect(await after.json()).toEqual({ csi: "mailto:expires.soon@example.com", result: "none", mappings: [] });
    } finally {
      setClockOffset(0);
    }
  });

  it("refuses missing, malformed, unknown, revoked and deleted-MSP keys with 401, and a CSIP key with 403", async () => {
    const noKey = await lookup(apiRequest(URL_SINGLE, { csi: "bob@example.com" }));
    expect(noKey.status).toBe(401);
    expect(noKey.headers.get("www-authenticate")).toContain("Bearer");
    expect((await problem(noKey)).code).toBe("unauthorized");
    expect((await lookup(apiRequest(URL_SINGLE, { csi: "bob@example.com" }, { headers: { authorization: `Basic ${key}` } }))).status).toBe(401);
    expect((await lookup(apiRequest(URL_SINGLE, { csi: "bob@example.com" }, { key: `${key.slice(0, -1)}${key.endsWith("A") ? "E" : "A"}` }))).status).toBe(401);

    // Revoked by the operator, as the console does it.
    const [operator] = await app.db.insert(users).values({}).returning({ id: users.id });
    const issued = await issueMspApiKey({ db: app.db, mspId: "chat.example", label: "to revoke", operatorUserId: operator!.id, now: new Date() });
    expect((await lookup(apiRequest(URL_SINGLE, { csi: "bob@example.com" }, { key: issued!.key }))).status).toBe(200);
    expect(await revokeApiKey({ db: app.db, keyId: issued!.id, operatorUserId: operator!.id, now: new Date() })).toBe(true);
    const revoked = await lookup(apiRequest(URL_SINGLE, { csi: "bob@example.com" }, { key: issued!.key }));
    expect(revoked.status).toBe(401);
    expect((await problem(revoked)).detail).toBe("The API key is unknown, revoked, or its owner was removed.");

    const gone = await app.mspKey("family.example");
    await app.db.update(msps).set({ deletedAt: new Date() }).where(eq(msps.id, "family.example"));
    expect((await lookup(apiRequest(URL_SINGLE, { csi: "bob@example.com" }, { key: gone }))).status).toBe(401);

    const csip = await lookup(apiRequest(URL_SINGLE, { csi: "bob@example.com" }, { key: await app.csipKey() }));
    expect(csip.status).toBe(403);
    expect((await problem(csip)).detail).toMatch(/CSIP key/);
  });

  it("refuses bad bodies with the right status and code", async () => {
    const cases: [Request, number, string][] = [
      [apiRequest(URL_SINGLE, null, { key, raw: "{not json" }), 400, "invalid_json"],
      [apiRequest(URL_SINGLE, null, { key, raw: '{"csi": NaN}' }), 400, "invalid_json"],
      [apiRequest(URL_SINGLE, { csi: "bob@example.com" }, { key, headers: { "content-type": "text/plain" } }), 415, "unsupported_media_type"],
      [apiRequest(URL_SINGLE, { csi: "x".repeat(5000) }, { key }), 413, "payload_too_large"],
      [apiRequest(URL_SINGLE, { csi: "bob@example.com", sender: "alice@example.com" }, { key }), 422, "invalid_value"],
      [apiRequest(URL_SINGLE, null, { key, raw: '{"csi": 1e400}' }), 422, "invalid_value"],
      [apiRequest(URL_SINGLE, { csi: "a@b.com@c.com" }, { key }), 422, "invalid_value"],
      [apiRequest(URL_SINGLE, { csi: "4085551212" }, { key }), 422, "invalid_value"],
      [apiRequest(URL_SINGLE, [], { key }), 422, "invalid_value"],
    ];
    for (const [request, status, code] of cases) {
      const response = await lookup(request);
      expect(response.status, code).toBe(status);
      expect((await problem(response)).code).toBe(code);
    }
  });
});

describe("POST /api/v1/lookup/batch", () => {
  it("answers in request order, an error in the slot of an invalid identifier, repeats answered and counted once", async () => {
    const fresh = await app.mspKey("order.example", { burst: 100, refill: 0.001 });
    const response = await batchLookup(
      apiRequest(URL_BATCH, { csis: ["carol@example.com", "BOB@example.com", "not an identifier", 42, "bob@example.com", "+33 6 12 34 56 78"] }, { key: fresh }),
    );
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: ({ csi: string; result: string } | { input: unknown; error: { code: string } })[] };
    expect(results.map((item) => ("csi" in item ? item.result : `error:${item.error.code}`))).toEqual([
      "none",
      "found",
      "error:letters_in_number",
      "error:invalid_type",
      "found",
      "opted_out",
    ]);
    expect(results[3]).toMatchObject({ input: 42 });
    expect(response.headers.get("ratelimit-remaining")).toBe("97");
  });

  it("refuses a batch above max_batch before any work, and nothing is charged", async () => {
    const fresh = await app.mspKey("max.example", { burst: 100, refill: 0.001 });
    const response = await batchLookup(apiRequest(URL_BATCH, { csis: Array.from({ length: 51 }, (_, i) => `user${i}@example.com`) }, { key: fresh }));
    expect(response.status).toBe(413);
    expect(await problem(response)).toMatchObject({ code: "batch_too_large", max_batch: 50 });
    const after = await batchLookup(apiRequest(URL_BATCH, { csis: ["a@example.com"] }, { key: fresh }));
    expect(after.headers.get("ratelimit-remaining")).toBe("99");
  });

  it("stops a loop that tries to exceed the limit with 429, Retry-After and RateLimit headers", async () => {
    const limited = await app.mspKey("loop.example", { burst: 30, refill: 0.5 });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let round = 0; round < 5; round += 1) {
      last = await batchLookup(apiRequest(URL_BATCH, { csis: Array.from({ length: 10 }, (_, i) => `loop${round}-${i}@example.com`) }, { key: limited }));
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(last!.headers.get("ratelimit-remaining")).toBe("0");
    expect((await problem(last!)).code).toBe("rate_limited");
    const tooBig = await batchLookup(apiRequest(URL_BATCH, { csis: Array.from({ length: 40 }, (_, i) => `big${i}@example.com`) }, { key: await app.mspKey("big.example", { burst: 30, refill: 100 }) }));
    expect(tooBig.status).toBe(429);
    expect(tooBig.headers.get("retry-after")).toBeNull();
  });
});

describe("privacy of lookups (R6)", () => {
  it("no log line and no row pairs the asking MSP with what it looked up", async () => {
    const tables = ["users", "identifiers", "sessions", "otp_challenges", "rate_events", "mappings", "audit_log", "api_keys", "msps", "passkeys", "webauthn_challenges", "dev_outbox", "signing_keys"];
    const counts = async () =>
      Object.fromEntries(await Promise.all(tables.map(async (table) => [table, (await app.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown])));
    const before = JSON.stringify(await counts());
    const logged: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
      }),
    );
    const probes = ["secret.lookup@example.com", "+14085550123"];
    try {
      await lookup(apiRequest(URL_SINGLE, { csi: probes[0] }, { key }));
      await batchLookup(apiRequest(URL_BATCH, { csis: probes }, { key }));
      await lookup(apiRequest(URL_SINGLE, { csi: "bob@example.com" }, { key }));
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(JSON.stringify(await counts())).toBe(before);
    for (const line of logged) for (const probe of ["secret.lookup", "4085550123", "bob@example.com"]) expect(line).not.toContain(probe);
    const dump = JSON.stringify(await Promise.all(["rate_buckets", ...tables].map((table) => app.db.execute(sql.raw(`select * from ${table}`)))));
    expect(dump).not.toContain("secret.lookup");
    expect(dump).not.toContain("4085550123");
  });
});
