import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { seedDemoMsps } from "@/lib/bootstrap/demo-msps";
import { ensureSigningKey } from "@/lib/keys/ensure-signing-key";
import { testKeys } from "./otp-harness";
import { createTestDatabase, type TestDatabase } from "./test-database";

/**
 * A test file's own database, opened before the file's tests and closed after them, and as much of a started DP
 * as the file needs: its signing key, the demo MSPs, and tables emptied before each test. Read its fields inside
 * tests (they exist once beforeAll ran).
 */
export function useTestDatabase(options: { signingKey?: boolean; demoMsps?: boolean; truncateBeforeEach?: string[] } = {}): TestDatabase {
  let opened: TestDatabase | undefined;
  beforeAll(async () => {
    opened = await createTestDatabase();
    if (options.signingKey) await ensureSigningKey(opened.db, testKeys.sealing);
    if (options.demoMsps) await seedDemoMsps(opened.db);
  });
  afterAll(async () => {
    await opened?.close();
  });
  const current = (): TestDatabase => {
    if (!opened) throw new Error("The test database opens in beforeAll: read it inside a test or a hook.");
    return opened;
  };
  const tables = options.truncateBeforeEach ?? [];
  // Table names are the test's own literals, never input: they go into the statement as they are.
  if (tables.length > 0) beforeEach(async () => void (await current().db.execute(sql.raw(`truncate ${tables.join(", ")} cascade`))));
  return {
    get db() {
      return current().db;
    },
    get raw() {
      return current().raw;
    },
    get driver() {
      return current().driver;
    },
    get url() {
      return current().url;
    },
    close: () => current().close(),
  };
}

/** A database as a DP that has started: migrated, with its signing key and the demo MSPs. */
export function useSeededTestDatabase(): TestDatabase {
  return useTestDatabase({ signingKey: true, demoMsps: true });
}
