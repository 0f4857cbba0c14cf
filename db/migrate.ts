import { fileURLToPath } from "node:url";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import type { RawClient } from "./client";

const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));
// Any constant works; it only has to be the same for every instance of this app.
const MIGRATION_LOCK = 727_164_001;

/** Applies the committed migrations. Several instances starting at once take turns on an advisory lock. */
export async function migrateDatabase(client: RawClient): Promise<void> {
  if (client.driver === "pglite") {
    await migratePglite(drizzlePglite(client.pglite), { migrationsFolder });
    return;
  }
  const lock = await client.sql.reserve();
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migratePostgres(drizzlePostgres(client.sql), { migrationsFolder });
  } finally {
    await lock`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
    lock.release();
  }
}
