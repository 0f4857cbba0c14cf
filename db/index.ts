import path from "node:path";
import { getEnv } from "@/env";
import { openRawClient, wrapClient, type Database, type RawClient } from "./client";

export type { Database } from "./client";

type Installed = { raw: RawClient; db: Database };
// On globalThis because the custom server and Next's bundle load this module separately, and PGlite must be opened
// once per process and data folder. Nothing outside this file touches the key: installDatabase is the seam.
const installedKey = Symbol.for("mimi.db");
const holder = globalThis as { [installedKey]?: Installed };

/**
 * Makes `raw` the process's database: what getDb() and getRawClient() answer from now on. The server does not need
 * to call it (the first getDb() opens the configured database); tests call it to give each harness its own.
 */
export function installDatabase(raw: RawClient): Database {
  const installed = { raw, db: wrapClient(raw) };
  holder[installedKey] = installed;
  return installed.db;
}

function installed(): Installed {
  if (!holder[installedKey]) {
    const env = getEnv();
    installDatabase(
      openRawClient(env.databaseUrl ? { url: env.databaseUrl } : { dataDir: path.join(env.dataDir, "pglite") }, {
        deadlineMs: env.databaseDeadlineMs,
        statementTimeoutMs: env.databaseStatementTimeoutMs,
        // Operators learn of an outage once, when it starts and when it ends, not from every refused request.
        onAvailabilityChange: (up, failure) =>
          up ? console.warn("database: answering again") : console.warn(`database: unreachable (${failure?.reason ?? "down"}${failure?.failure ? `, ${failure.failure}` : ""}); requests get 503 until it answers`),
      }),
    );
  }
  return holder[installedKey]!;
}

export function getRawClient(): RawClient {
  return installed().raw;
}

export function getDb(): Database {
  return installed().db;
}
