import type { Env } from "@/env";
import { migrateDatabase } from "@/db/migrate";
import { getDb, getRawClient } from "@/db/index";
import { deriveAppKeys } from "@/lib/crypto/app-keys";
import { ensureSigningKey } from "@/lib/keys/ensure-signing-key";
import { parseIdentifier } from "@mimi-discovery/msp-kit";
import { grantOperator } from "@/lib/operators/operators";
import { seedDemoMsps } from "./demo-msps";

/** Everything that must be true before the first request: schema migrated, a signing key, demo data if wanted. */
export async function bootstrap(env: Env): Promise<void> {
  await migrateDatabase(getRawClient());
  const db = getDb();
  await ensureSigningKey(db, deriveAppKeys(env.authSecret).sealing);
  if (env.seedDemoMsps) await seedDemoMsps(db);
  for (const identifier of env.operators) await grantOperator(db, parseIdentifier(identifier).uri, new Date());
}
