import path from "node:path";
import { getEnv } from "@/env";
import { openRawClient, wrapClient, type Database, type DatabaseOptions, type RawClient } from "./client";
import { openReplica, type Replica } from "./replica";

export type { Database } from "./client";

type Installed = { raw: RawClient; db: Database; replica: Replica | undefined };
// On globalThis because the custom server and Next's bundle load this module separately, and PGlite must be opened
// once per process and data folder. Nothing outside this file touches the key: installDatabase is the seam.
const installedKey = Symbol.for("mimi.db");
const holder = globalThis as { [installedKey]?: Installed };

/**
 * Makes `raw` the process's database: what getDb() and getRawClient() answer from now on, and `replica` (if any)
 * the standby lookups read from (db/lookup-reader.ts). The server does not need to call it (the first getDb() opens
 * the configured database); tests call it to give each harness its own.
 */
export function installDatabase(raw: RawClient, replica?: Replica): Database {
  const installed = { raw, db: wrapClient(raw), replica };
  holder[installedKey] = installed;
  return installed.db;
}

function installed(): Installed {
  if (!holder[installedKey]) {
    const env = getEnv();
    const options: DatabaseOptions = {
      deadlineMs: env.databaseDeadlineMs,
      statementTimeoutMs: env.databaseStatementTimeoutMs,
      replicated: env.databaseReplica !== undefined,
      // Operators learn of an outage once, when it starts and when it ends, not from every refused request.
      onAvailabilityChange: (up, failure) =>
        up ? console.warn("database: answering again") : console.warn(`database: unreachable (${failure?.reason ?? "down"}${failure?.failure ? `, ${failure.failure}` : ""}); requests get 503 until it answers`),
    };
    const raw = openRawClient(env.databaseUrl ? { url: env.databaseUrl } : { dataDir: path.join(env.dataDir, "pglite") }, options);
    const replica = env.databaseReplica
      ? openReplica(env.databaseReplica, raw, {
          ...options,
          replicated: false,
          onAvailabilityChange: (up) => console.warn(up ? "database replica: answering again" : "database replica: unreachable; lookups read from the primary"),
          // The standby's name and the reason only: never a query or an identifier.
          onReplicaChange: (usable, reason) => console.warn(usable ? "database replica: serving lookups" : `database replica: not used for lookups (${reason ?? "unknown"}); they read from the primary`),
        })
      : undefined;
    installDatabase(raw, replica);
  }
  return holder[installedKey]!;
}

export function getRawClient(): RawClient {
  return installed().raw;
}

export function getDb(): Database {
  return installed().db;
}

/** The standby lookups may read from, when one is configured (db/lookup-reader.ts decides whether they do). */
export function getReplica(): Replica | undefined {
  return installed().replica;
}
