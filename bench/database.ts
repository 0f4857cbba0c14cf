import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { closeRawClient, openRawClient, wrapClient, type Database, type RawClient } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { apiKeys, msps } from "@/db/schema";
import { generateApiKey } from "@/lib/api-keys/api-key-format";
import { seedDemoMsps } from "@/lib/bootstrap/demo-msps";
import { deriveAppKeys } from "@/lib/crypto/app-keys";
import { ensureSigningKey } from "@/lib/keys/ensure-signing-key";

/**
 * What a bench database remembers about itself, in a table of its own (the app never reads it): how many mappings
 * a completed seed wrote, for which issuer, and the AUTH_SECRET that seals its signing key. The secret is a
 * throw-away one for a throw-away database; keeping it beside the data lets --reuse start the app on it again.
 */
export type BenchState = { authSecret: string; issuer: string; seeded: number | null; perPasskey: number | null };

export type BenchDatabase = { url: string; raw: RawClient; sql: postgres.Sql; db: Database; state: BenchState; created: boolean };

export const BENCH_MSP_ID = "bench.example";
/** The largest burst the integer column holds, refilled a billion tokens a second: no request is ever throttled. */
export const BENCH_MSP_LIMITS = { lookupBurst: 2_147_483_647, lookupRefillPerSecond: 1e9 };

export async function prepareDatabase(options: {
  adminUrl: string;
  dbName: string;
  url: string;
  reuse: boolean;
  issuer: string;
}): Promise<BenchDatabase> {
  const admin = postgres(options.adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  let created = false;
  try {
    const [exists] = await admin`select 1 as one from pg_database where datname = ${options.dbName}`;
    if (!options.reuse || !exists) {
      // The name was checked to be a plain identifier (bench/args.ts).
      await admin.unsafe(`drop database if exists ${options.dbName} with (force)`);
      await admin.unsafe(`create database ${options.dbName}`);
      created = true;
    }
  } finally {
    await admin.end({ timeout: 5 });
  }

  // The app's 5 s statement timeout is for requests; the bench's own VACUUM and cache warming read every row, which
  // at 3,000,000 mappings takes longer (seen: the VACUUM was cancelled).
  const raw = openRawClient({ url: options.url }, { statementTimeoutMs: 3_600_000 });
  if (raw.driver !== "postgres") throw new Error("unreachable: a URL opens postgres.js");
  await migrateDatabase(raw);
  const { sql } = raw;
  await sql`create table if not exists bench_state (
    id int primary key check (id = 1),
    auth_secret text not null,
    issuer text not null,
    seeded int,
    per_passkey int
  )`;
  await sql`insert into bench_state (id, auth_secret, issuer) values (1, ${randomBytes(32).toString("base64url")}, ${options.issuer})
    on conflict (id) do nothing`;
  const [row] = await sql<{ auth_secret: string; issuer: string; seeded: number | null; per_passkey: number | null }[]>`
    select auth_secret, issuer, seeded, per_passkey from bench_state where id = 1`;
  const state: BenchState = { authSecret: row!.auth_secret, issuer: row!.issuer, seeded: row!.seeded, perPasskey: row!.per_passkey };

  const db = wrapClient(raw);
  // What the app's bootstrap does at start, done first so the seeder signs with the key the app will publish.
  await ensureSigningKey(db, deriveAppKeys(state.authSecret).sealing);
  await seedDemoMsps(db);
  return { url: options.url, raw, sql, db, state, created };
}

export async function markSeeded(database: BenchDatabase, seeded: number, perPasskey: number): Promise<void> {
  await database.sql`update bench_state set seeded = ${seeded}, per_passkey = ${perPasskey} where id = 1`;
  database.state.seeded = seeded;
  database.state.perPasskey = perPasskey;
}

/** Has the database any mappings at all (a reused database whose seed never completed has some but no count)? */
export async function countMappings(database: BenchDatabase): Promise<number> {
  const [row] = await database.sql<{ count: string }[]>`select count(*)::text as count from mappings`;
  return Number(row!.count);
}

/**
 * The benchmark's MSP, with limits no measurement can reach, and a fresh API key for this run (the key is shown
 * once by design, so a reused database gets a new one; earlier bench keys are revoked).
 */
export async function createBenchMsp(database: BenchDatabase, now: Date): Promise<string> {
  const { db } = database;
  await db
    .insert(msps)
    .values({ id: BENCH_MSP_ID, displayName: "Benchmark MSP", contact: "bench@bench.example", ...BENCH_MSP_LIMITS })
    .onConflictDoUpdate({ target: msps.id, set: { ...BENCH_MSP_LIMITS, deletedAt: null } });
  await database.sql`update api_keys set revoked_at = ${now.toISOString()}::timestamptz where msp_id = ${BENCH_MSP_ID} and revoked_at is null`;
  const { key, prefix, hash } = generateApiKey("msp");
  await db.insert(apiKeys).values({ ownerKind: "msp", mspId: BENCH_MSP_ID, label: "npm run bench", prefix, keyHash: hash, createdAt: now });
  return key;
}

/** Fresh statistics (and a visibility map) after a bulk load, as autovacuum would give a real database in time. */
export async function vacuumAnalyze(database: BenchDatabase): Promise<number> {
  const started = performance.now();
  await database.sql.unsafe("vacuum (analyze) mappings, identifiers, passkeys, users");
  return (performance.now() - started) / 1000;
}

/** Reads every mapping's heap and index pages once, so neither server pays for a cold cache in its first phase. */
export async function warmCache(database: BenchDatabase): Promise<void> {
  await database.sql`select count(*), sum(length(document)) from mappings`;
  await database.sql`select count(*) from (select csi from mappings where status = 'active' order by csi) as active`;
}

export async function postgresVersion(database: BenchDatabase): Promise<string> {
  const [row] = await database.sql<{ version: string }[]>`select version()`;
  return row!.version;
}

export async function closeDatabase(database: BenchDatabase): Promise<void> {
  await closeRawClient(database.raw);
}
