import path from "node:path";
import { getEnv, type Env } from "@/env";
import { openRawClient, wrapClient, type Database, type DatabaseOptions, type RawClient } from "./client";
import { openReplica, type Replica } from "./replica";

export type { Database } from "./client";

/** The process's database: the primary, and the standby lookups may read from when one is configured. */
export type ConfiguredDatabase = {
  raw: RawClient;
  db: Database;
  /** Opened on first call, then the same one. Undefined without DATABASE_REPLICA_URL. */
  replica: () => Replica | undefined;
  /** Closes the standby's pool and monitor, if they were ever opened. */
  closeReplica: () => Promise<void>;
};

// On globalThis because the custom server and Next's bundle load this module separately, and PGlite must be opened
// once per process and data folder. Nothing outside this file touches the key: installDatabase is the seam.
const installedKey = Symbol.for("mimi.db");
const holder = globalThis as { [installedKey]?: ConfiguredDatabase };

/**
 * Makes `raw` the process's database: what getDb() and getRawClient() answer from now on, and `replica` (if any)
 * the standby lookups read from (db/lookup-reader.ts). The server does not need to call it (the first getDb() opens
 * the configured database); tests call it to give each harness its own.
 */
export function installDatabase(raw: RawClient, replica?: Replica): Database {
  const db = wrapClient(raw);
  holder[installedKey] = { raw, db, replica: () => replica, closeReplica: async () => replica?.close() };
  return db;
}

/**
 * The database `env` describes. With DATABASE_REPLICA_URL the primary's transactions commit with remote_apply
 * (db/guarded-sql.ts), and the standby is opened on first use (the server opens it at start, so that its monitor
 * warms up): a script that looks nothing up never connects to it.
 */
export function openConfiguredDatabase(env: Env): ConfiguredDatabase {
  const options: DatabaseOptions = {
    deadlineMs: env.databaseDeadlineMs,
    statementTimeoutMs: env.databaseStatementTimeoutMs,
    preparedStatements: env.databasePreparedStatements,
    replicated: env.databaseReplica !== undefined,
    // Operators learn of an outage once, when it starts and when it ends, not from every refused request.
    onAvailabilityChange: (up, failure) =>
      up ? console.warn("database: answering again") : console.warn(`database: unreachable (${failure?.reason ?? "down"}${failure?.failure ? `, ${failure.failure}` : ""}); requests get 503 until it answers`),
  };
  const raw = openRawClient(env.databaseUrl ? { url: env.databaseUrl } : { dataDir: path.join(env.dataDir, "pglite") }, options);
  const config = env.databaseReplica;
  let replica: Replica | undefined;
  return {
    raw,
    db: wrapClient(raw),
    replica: () => {
      if (!replica && config) {
        replica = openReplica(config, raw, {
          ...options,
          replicated: false,
          onAvailabilityChange: (up) => console.warn(up ? "database replica: answering again" : "database replica: unreachable; lookups read from the primary"),
          // The standby's name and the reason only: never a query or an identifier.
          onReplicaChange: (usable, reason) => console.warn(usable ? "database replica: serving lookups" : `database replica: not used for lookups (${reason ?? "unknown"}); they read from the primary`),
        });
      }
      return replica;
    },
    closeReplica: async () => replica?.close(),
  };
}

function installed(): ConfiguredDatabase {
  holder[installedKey] ??= openConfiguredDatabase(getEnv());
  return holder[installedKey];
}

export function getRawClient(): RawClient {
  return installed().raw;
}

export function getDb(): Database {
  return installed().db;
}

/** The standby lookups may read from, when one is configured (db/lookup-reader.ts decides whether they do). */
export function getReplica(): Replica | undefined {
  return installed().replica();
}

/** At shutdown: closes the standby's pool and monitor, if they were ever opened. */
export async function closeReplica(): Promise<void> {
  await holder[installedKey]?.closeReplica();
}
