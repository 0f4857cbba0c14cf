import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { closeRawClient, openRawClient, wrapClient, type Database, type DatabaseOptions, type RawClient } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { testEnv } from "./test-env";

export type TestDatabase = {
  db: Database;
  raw: RawClient;
  driver: "postgres" | "pglite";
  /** The database's URL on the PostgreSQL server (unset on PGlite), for a second client or a fault proxy. */
  url?: string;
  close: () => Promise<void>;
};

/**
 * A fresh, migrated database for one test file: a new database on the PostgreSQL server named by
 * TEST_DATABASE_URL (CI sets it, so races meet a real server with real concurrency), or an in-memory PGlite.
 */
export async function createTestDatabase(options: { driver?: "postgres" | "pglite"; serverUrl?: string; clientOptions?: DatabaseOptions } = {}): Promise<TestDatabase> {
  const serverUrl = options.serverUrl ?? testEnv.TEST_DATABASE_URL;
  const driver = options.driver ?? (serverUrl ? "postgres" : "pglite");
  if (driver === "pglite") {
    const raw = openRawClient({ memory: true });
    await migrateDatabase(raw);
    return { db: wrapClient(raw), raw, driver, close: () => closeRawClient(raw) };
  }
  if (!serverUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `mimi_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const raw = openRawClient({ url: url.toString() }, options.clientOptions);
  await migrateDatabase(raw);
  return {
    db: wrapClient(raw),
    raw,
    driver,
    url: url.toString(),
    close: async () => {
      await closeRawClient(raw);
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
