import path from "node:path";
import { getEnv } from "@/env";
import { openRawClient, wrapClient, type Database, type RawClient } from "./client";

export type { Database } from "./client";

const clientKey = Symbol.for("mimi.db.client");
type ClientHolder = { [clientKey]?: RawClient };

/**
 * The process's database client, created on first use. It lives on globalThis because the custom server and
 * Next's bundle load this module separately, and PGlite must be opened once per process and data folder.
 */
export function getRawClient(): RawClient {
  const holder = globalThis as ClientHolder;
  if (!holder[clientKey]) {
    const env = getEnv();
    holder[clientKey] = openRawClient(
      env.databaseUrl ? { url: env.databaseUrl } : { dataDir: path.join(env.dataDir, "pglite") },
    );
  }
  return holder[clientKey];
}

let database: Database | undefined;

export function getDb(): Database {
  database ??= wrapClient(getRawClient());
  return database;
}
