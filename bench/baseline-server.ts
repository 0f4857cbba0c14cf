/**
 * The framework-free baseline: node:http and postgres.js only, no Next, no drizzle, no zod. It answers
 * POST /api/v1/lookup and /api/v1/lookup/batch from the same `mappings` table with the same SQL conditions as
 * lib/lookup/lookup-csis.ts and the same response bytes as serializeLookup, after the same bearer-key check
 * (SHA-256 of the key looked up in api_keys joined to msps). In "full" mode it also does the app's other per-request
 * work that is not framework: identifiers are normalised by the app's own parser (the MSP kit's parseCsiInput), and
 * the MSP's rate-limit tokens are taken by the same INSERT ... ON CONFLICT as lib/rate-limit/postgres-bucket-store.ts.
 * "bare" mode skips those two. Differences that remain are listed in bench/README.md.
 *
 * Run as a child process by bench/run.ts: BASELINE_DATABASE_URL, BASELINE_PORT, BASELINE_HOST, BASELINE_MODE,
 * BASELINE_MAX_BATCH.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import postgres from "postgres";
import { parseCsiInput, type LookupResultStatus } from "@mimi-discovery/msp-kit";

type Config = { databaseUrl: string; port: number; host: string; mode: "full" | "bare"; maxBatch: number };

type Row = { id: string; csi: string; document: string; binding: string; assertion: unknown; lists_msps: boolean };
type Lookup = { csi: string; result: LookupResultStatus; mappings: Row[] };
type Key = { mspId: string; burst: number; refill: number };

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

const KEY_SHAPE = /^mimi_(msp|csip)_[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{43}$/u;

function startBaseline(config: Config) {
  // The app's pool size and timeouts (db/client.ts), so neither side has more connections to work with.
  const sql = postgres(config.databaseUrl, { max: 10, connect_timeout: 5, idle_timeout: 60, onnotice: () => {} });

  async function authenticate(request: IncomingMessage): Promise<Key> {
    const token = /^Bearer ([^\s]+)$/u.exec(request.headers.authorization ?? "")?.[1];
    if (!token || !KEY_SHAPE.test(token)) throw new HttpError(401, "unauthorized");
    const hash = createHash("sha256").update(token).digest("hex");
    const [row] = await sql<{ owner_kind: string; msp_id: string | null; deleted_at: Date | null; burst: number | null; refill: number | null }[]>`
      select k.owner_kind, m.id as msp_id, m.deleted_at, m.lookup_burst as burst, m.lookup_refill_per_second as refill
      from api_keys k left join msps m on k.msp_id = m.id
      where k.key_hash = ${hash} and k.revoked_at is null`;
    if (!row) throw new HttpError(401, "unauthorized");
    if (row.owner_kind !== "msp") throw new HttpError(403, "forbidden");
    if (!row.msp_id || row.deleted_at || row.burst === null || row.refill === null) throw new HttpError(401, "unauthorized");
    return { mspId: row.msp_id, burst: row.burst, refill: row.refill };
  }

  /** lib/rate-limit/postgres-bucket-store.ts's take, as one statement; refused when the tokens are not there. */
  async function charge(key: Key, cost: number, now: Date): Promise<void> {
    if (config.mode === "bare") return;
    if (cost > key.burst) throw new HttpError(429, "rate_limited");
    const at = now.toISOString();
    const taken = await sql`
      insert into rate_buckets (key, tokens, updated_at)
      values (${`lookup:${key.mspId}`}, ${key.burst}::float8 - ${cost}::float8, ${at}::timestamptz)
      on conflict (key) do update set
        tokens = least(${key.burst}::float8, rate_buckets.tokens
          + greatest(0, extract(epoch from (${at}::timestamptz - rate_buckets.updated_at)))::float8 * ${key.refill}::float8) - ${cost}::float8,
        updated_at = greatest(rate_buckets.updated_at, ${at}::timestamptz)
      where least(${key.burst}::float8, rate_buckets.tokens
          + greatest(0, extract(epoch from (${at}::timestamptz - rate_buckets.updated_at)))::float8 * ${key.refill}::float8) >= ${cost}::float8
      returning tokens`;
    if (taken.length === 0) throw new HttpError(429, "rate_limited");
  }

  /** lookupCsis: one query however many identifiers, "found" as soon as one mapping lists an MSP (R5). */
  async function lookup(csis: string[], now: Date): Promise<Map<string, Lookup>> {
    const unique = [...new Set(csis)];
    const results = new Map<string, Lookup>(unique.map((csi) => [csi, { csi, result: "none", mappings: [] }]));
    if (unique.length === 0) return results;
    const rows = await sql<Row[]>`
      select id, csi, document, binding, assertion, lists_msps from mappings
      where csi = any(${unique}::text[]) and status = 'active' and expires_at > ${now.toISOString()}::timestamptz
      order by csi, seq`;
    for (const row of rows) {
      const entry = results.get(row.csi)!;
      entry.mappings.push(row);
      if (row.lists_msps) entry.result = "found";
      else if (entry.result === "none") entry.result = "opted_out";
    }
    return results;
  }

  // serializeLookup's bytes: the stored document spliced in as the exact signed text.
  const serialize = (lookup: Lookup) =>
    `{"csi":${JSON.stringify(lookup.csi)},"result":${JSON.stringify(lookup.result)},"mappings":[${lookup.mappings
      .map((row) => `{"id":${JSON.stringify(row.id)},"document":${row.document},"proof":{"binding":${JSON.stringify(row.binding)},"assertion":${JSON.stringify(row.assertion)}}}`)
      .join(",")}]}`;

  function normalize(input: unknown): { ok: true; uri: string } | { ok: false; error: unknown } {
    if (config.mode === "bare") return typeof input === "string" ? { ok: true, uri: input } : { ok: false, error: { code: "invalid_type" } };
    const parsed = parseCsiInput(input);
    return parsed.ok ? { ok: true, uri: parsed.csi.uri } : { ok: false, error: parsed.error };
  }

  async function readBody(request: IncomingMessage, limit: number): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw new HttpError(413, "payload_too_large");
      chunks.push(chunk);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
    } catch {
      throw new HttpError(400, "invalid_json");
    }
  }

  async function handle(request: IncomingMessage): Promise<string> {
    if (request.method === "GET" && request.url === "/api/health") {
      await sql`select 1`;
      return '{"status":"ok"}';
    }
    if (request.method !== "POST" || (request.url !== "/api/v1/lookup" && request.url !== "/api/v1/lookup/batch")) throw new HttpError(404, "not_found");
    const key = await authenticate(request);
    const now = new Date();
    if (request.url === "/api/v1/lookup") {
      const body = (await readBody(request, 4 * 1024)) as { csi?: unknown } | null;
      const slot = normalize(body?.csi);
      if (!slot.ok) throw new HttpError(422, "invalid_value");
      await charge(key, 1, now);
      return serialize((await lookup([slot.uri], now)).get(slot.uri)!);
    }
    const body = (await readBody(request, 1024 + config.maxBatch * 300)) as { csis?: unknown } | null;
    const csis = body?.csis;
    if (!Array.isArray(csis) || csis.length === 0) throw new HttpError(422, "invalid_value");
    if (csis.length > config.maxBatch) throw new HttpError(413, "batch_too_large");
    const slots = csis.map(normalize);
    const unique = [...new Set(slots.flatMap((slot) => (slot.ok ? [slot.uri] : [])))];
    await charge(key, unique.length, now);
    const results = await lookup(unique, now);
    const items = slots.map((slot, index) => (slot.ok ? serialize(results.get(slot.uri)!) : JSON.stringify({ input: csis[index], error: slot.error })));
    return `{"results":[${items.join(",")}]}`;
  }

  const server = createServer((request, response) => {
    handle(request).then(
      (body) => {
        response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
        response.end(body);
      },
      (error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        const code = error instanceof HttpError ? error.code : "internal_error";
        if (status === 500) console.error("baseline: unexpected error", error);
        response.writeHead(status, { "content-type": "application/problem+json", "cache-control": "no-store" });
        response.end(JSON.stringify({ status, code }));
      },
    );
  });
  server.listen(config.port, config.host, () => console.log(`baseline (${config.mode}) listening on http://${config.host}:${config.port}`));
  return {
    server,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sql.end({ timeout: 5 });
    },
  };
}

function configFromEnv(): Config {
  const databaseUrl = process.env.BASELINE_DATABASE_URL;
  if (!databaseUrl) throw new Error("BASELINE_DATABASE_URL is not set");
  const mode = process.env.BASELINE_MODE === "bare" ? "bare" : "full";
  return {
    databaseUrl,
    port: Number(process.env.BASELINE_PORT ?? 3301),
    host: process.env.BASELINE_HOST ?? "127.0.0.1",
    mode,
    maxBatch: Number(process.env.BASELINE_MAX_BATCH ?? 1000),
  };
}

const baseline = startBaseline(configFromEnv());
const stop = () => {
  void baseline.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
