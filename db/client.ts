import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

/** Either driver behind one type: lib code never knows which PostgreSQL it talks to. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseTarget = { url: string } | { dataDir: string } | { memory: true };

export type RawClient = { driver: "postgres"; sql: postgres.Sql } | { driver: "pglite"; pglite: PGlite };

export function openRawClient(target: DatabaseTarget): RawClient {
  if ("url" in target) {
    return {
      driver: "postgres",
      // A down database must answer quickly (503), not hang a request for postgres.js's default 30 s.
      sql: postgres(target.url, { max: 10, connect_timeout: 5, idle_timeout: 60, onnotice: () => {} }),
    };
  }
  if ("dataDir" in target) {
    // PGlite does not create parent folders.
    mkdirSync(target.dataDir, { recursive: true });
    return { driver: "pglite", pglite: new PGlite(target.dataDir) };
  }
  return { driver: "pglite", pglite: new PGlite() };
}

export function wrapClient(client: RawClient): Database {
  return client.driver === "postgres"
    ? (drizzlePostgres(client.sql, { schema }) as unknown as Database)
    : (drizzlePglite(client.pglite, { schema }) as unknown as Database);
}

export async function closeRawClient(client: RawClient): Promise<void> {
  if (client.driver === "postgres") await client.sql.end({ timeout: 5 });
  else await client.pglite.close();
}
