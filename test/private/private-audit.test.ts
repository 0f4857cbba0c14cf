import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getSpendStore } from "@/http/private-services";
import { OHTTP_REPLAY_WINDOW_MS } from "@/lib/private/key-policy";
import { privateStats } from "@/lib/private/private-stats";
import { createLookupClient, createTokenClient, decodeToken, privateLookup } from "@mimi-discovery/msp-kit";
import { Redis } from "ioredis";
import { flushUsage } from "@/lib/metrics/usage";
import { captureLog } from "@/test/support/capture-log";
import { testEnv } from "@/test/support/test-env";
import { createPrivateHarness } from "./private-harness";

/**
 * The audit the issue asks for (R6): a scripted mix of direct and private lookups by two MSPs, then every log line
 * and every row of every table is read. Nothing may link a redeemed token, a privately looked-up identifier or a
 * private request to an MSP, an API key, an address or an issuance.
 */
const redisUrl = testEnv.TEST_REDIS_URL ?? "";

describe.each([
  ["PostgreSQL", {}],
  ...(redisUrl ? [["Redis", { REDIS_URL: redisUrl }] as const] : []),
] as [string, Record<string, string>][])("the private-lookup audit (R6), double-spend store in %s", (storeName, overrides) => {
let h: Awaited<ReturnType<typeof createPrivateHarness>>;
const logged: string[] = [];
const PRIVATE_PROBES = ["private.probe.one@example.com", "+14085550177", "private.probe.two@example.org"];
const DIRECT_PROBE = "direct.probe@example.com";
let nonces: string[] = [];
let mspIds: string[] = [];

beforeAll(async () => {
  h = await createPrivateHarness(overrides);
  await h.app.publishFor("bob@example.com");
  const alpha = await h.app.mspKey("alpha.example");
  const beta = await h.app.mspKey("beta.example");
  mspIds = ["alpha.example", "beta.example"];
  const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(" "));
    }),
  );
  const log = captureLog();
  try {
    const direct = createLookupClient({ dp: h.dp, apiKey: alpha });
    const alphaTokens = await createTokenClient({ dp: h.dp, apiKey: alpha }).fetchTokens(3);
    const betaTokens = await createTokenClient({ dp: h.dp, apiKey: beta }).fetchTokens(2);
    nonces = [...alphaTokens, ...betaTokens].map((token) => Buffer.from(decodeToken(token).nonce).toString("base64url"));
    await direct.lookup(DIRECT_PROBE);
    await privateLookup([PRIVATE_PROBES[0], "bob@example.com"], { dp: h.dp, relay: h.relay, tokens: betaTokens, method: "lookup" });
    await direct.batch(["bob@example.com", DIRECT_PROBE]);
    await privateLookup(PRIVATE_PROBES.slice(1), { dp: h.dp, relay: h.relay, tokens: alphaTokens.slice(0, 2), method: "lookup" });
    // A refusal too: a spent token, replayed through the relay.
    await privateLookup(["bob@example.com"], { dp: h.dp, relay: h.relay, tokens: [betaTokens[0]!], method: "lookup" }).catch(() => undefined);
  } finally {
    for (const spy of spies) spy.mockRestore();
    log.restore();
    logged.push(...log.text().split("\n"));
  }
}, 120_000);
afterAll(async () => {
  await h?.close();
});

/** Rows of a raw query on either driver: postgres.js answers an array, PGlite an object with rows. */
async function rows(query: Parameters<typeof h.app.db.execute>[0]): Promise<Record<string, unknown>[]> {
  const result = (await h.app.db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows) as Record<string, unknown>[];
}

/** Every row of every table of the schema, whatever tables exist: a new one cannot escape the audit. */
async function everyRow(): Promise<Record<string, Record<string, unknown>[]>> {
  const tables = await rows(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`);
  const dump: Record<string, Record<string, unknown>[]> = {};
  for (const { table_name: table } of tables) dump[String(table)] = await rows(sql.raw(`select * from "${String(table)}"`));
  return dump;
}

describe("logs, tables and Redis", () => {
  it("no log line holds an identifier, a token, an MSP or an address", () => {
    // The server did log: a line per request, the gateway's among them.
    expect(logged.some((line) => line.includes('"route":"/api/v1/ohttp"'))).toBe(true);
    for (const line of logged) {
      for (const secret of [...PRIVATE_PROBES, DIRECT_PROBE, "4085550177", "bob@example.com", ...nonces, ...mspIds, "127.0.0.1"]) expect(line).not.toContain(secret);
    }
  });

  it("no table holds a privately looked-up identifier, a client address, or a token's nonce anywhere but the spent list", async () => {
    await flushUsage(h.app.db);
    const dump = await everyRow();
    const text = JSON.stringify(dump, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value));
    for (const probe of [...PRIVATE_PROBES, "4085550177", DIRECT_PROBE, "127.0.0.1"]) expect(text).not.toContain(probe);
    for (const [table, rows] of Object.entries(dump)) {
      if (table === "spent_once") continue;
      for (const nonce of nonces) expect(JSON.stringify(rows), table).not.toContain(nonce);
    }
    // Other test runs may share the Redis server: its token entries are told apart by this DP's issuer key.
    const ourKeys = new Set(dump.issuer_keys!.map((row) => String(row.token_key_id)));
    const tokenRows = storeName === "Redis" ? (await redisRows()).filter((row) => ourKeys.has(String(row.scope))) : dump.spent_once!.filter((row) => row.scope !== "ohttp");
    const replayRows = storeName === "Redis" ? await redisRows("ohttp") : dump.spent_once!.filter((row) => row.scope === "ohttp");
    if (storeName === "Redis") expect(dump.spent_once).toEqual([]);
    // The spent list: no column but scope, id and expiry; no MSP, key, address or time of redemption.
    expect(Object.keys(tokenRows[0]!).sort()).toEqual(["expires_at", "id", "scope"]);
    expect(tokenRows.map((row) => row.id).sort()).toEqual(nonces.slice(0, 2).concat(nonces.slice(3, 5)).sort());
    for (const row of tokenRows) expect(mspIds.some((id) => JSON.stringify(row).includes(id))).toBe(false);
    // Every token of one key expires with the key, so the rows do not say when each was redeemed.
    expect(new Set(tokenRows.map((row) => String(row.expires_at))).size).toBe(1);
    const [key] = dump.issuer_keys!;
    expect(new Date(String(tokenRows[0]!.expires_at)).getTime()).toBe(new Date(String(key!.accepted_until)).getTime());
    // Opened requests are remembered by a hash of their one-time key, expiring on a coarse boundary.
    expect(replayRows.length).toBeGreaterThan(0);
    for (const row of replayRows) {
      expect(new Date(String(row.expires_at)).getTime() % OHTTP_REPLAY_WINDOW_MS).toBe(0);
      expect(String(row.id)).toMatch(/^[A-Za-z0-9_-]{43}$/u);
    }
    // Issuance is counted per MSP and hour, with nothing about the tokens themselves; a private lookup is charged to
    // no MSP (the gateway does not know one), so the only identifiers counted are the direct lookup's.
    const usage = dump.usage_hourly!.filter((row) => Number(row.tokens_issued) > 0);
    expect(usage.map((row) => [row.msp_id, row.tokens_issued]).sort()).toEqual([["alpha.example", 3], ["beta.example", 2]]);
    expect(Object.keys(usage[0]!).sort()).toEqual(["hour", "identifiers", "msp_id", "rate_limited", "requests", "tokens_issued", "unavailable"]);
    // Lookups, direct or private, are never audited.
    expect(dump.audit_log!.filter((row) => String(row.action).includes("lookup") || String(row.action).includes("token"))).toEqual([]);
  });

  it("the operator's numbers count redemptions per issuer key, never per MSP", async () => {
    const stats = await privateStats(h.app.db, getSpendStore(), new Date());
    expect(stats.issuance.map((row) => [row.mspId, row.today])).toEqual([["alpha.example", 3], ["beta.example", 2]]);
    expect(stats.issuerKeys.map((key) => key.redeemed)).toEqual([4]);
    expect(JSON.stringify(stats.issuerKeys)).not.toMatch(/alpha|beta/u);
    // The buckets' key: its records counted, nothing about who looked what up.
    expect(stats.oprfKeys.map((key) => [key.epoch, key.state, key.records])).toEqual([[1, "active", 1]]);
  });
});

/** What the Redis store holds, in the shape of the table's rows: every key under the store's prefix, and its expiry. */
async function redisRows(only?: "ohttp"): Promise<Record<string, unknown>[]> {
  const redis = new Redis(redisUrl);
  try {
    const keys = await redis.keys("spent:*");
    const rows: Record<string, unknown>[] = [];
    for (const key of keys) {
      const [, scope, id] = /^spent:([^:#]+)(?::(.+)|#count)$/u.exec(key) ?? [];
      if (!scope) throw new Error(`an unexpected key in the store: ${key}`);
      if (id === undefined) continue;
      if ((only === "ohttp") !== (scope === "ohttp")) continue;
      // Nothing is kept beside the key but a marker: no value names an MSP or a time.
      expect(await redis.get(key)).toBe("1");
      rows.push({ scope, id, expires_at: new Date(await redis.pexpiretime(key)).toISOString() });
    }
    return rows;
  } finally {
    redis.disconnect();
  }
}
});
