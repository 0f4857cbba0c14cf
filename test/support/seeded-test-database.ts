import { afterAll, beforeAll } from "vitest";
import { seedDemoMsps } from "@/lib/bootstrap/demo-msps";
import { ensureSigningKey } from "@/lib/keys/ensure-signing-key";
import { testKeys } from "./otp-harness";
import { createTestDatabase, type TestDatabase } from "./test-database";

/**
 * A test file's own database as a DP that has started: migrated, with its signing key and the demo MSPs, opened
 * before the file's tests and closed after them. Read its fields inside tests (they exist once beforeAll ran).
 */
export function useSeededTestDatabase(): TestDatabase {
  let opened: TestDatabase | undefined;
  beforeAll(async () => {
    opened = await createTestDatabase();
    await ensureSigningKey(opened.db, testKeys.sealing);
    await seedDemoMsps(opened.db);
  });
  afterAll(async () => {
    await opened?.close();
  });
  const current = (): TestDatabase => {
    if (!opened) throw new Error("The test database opens in beforeAll: read it inside a test or a hook.");
    return opened;
  };
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
