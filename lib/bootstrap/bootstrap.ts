import type { Env } from "@/env";
import { migrateDatabase } from "@/db/migrate";
import { getDb, getRawClient } from "@/db/index";
import { deriveAppKeys } from "@/lib/crypto/app-keys";
import { ensureSigningKey } from "@/lib/keys/ensure-signing-key";
import { ensureIssuerKey } from "@/lib/private/issuer-keys";
import { ensureOhttpKey } from "@/lib/private/ohttp-keys";
import { ensureOprfKey } from "@/lib/private/oprf-keys";
import { buildFirstOprfKey } from "@/lib/private/build-oprf-records";
import { parseIdentifier } from "@mimi-discovery/msp-kit";
import { grantOperator } from "@/lib/operators/operators";
import { seedDemoMsps } from "./demo-msps";

/** Everything that must be true before the first request: schema migrated, the DP's keys, demo data if wanted. */
export async function bootstrap(env: Env): Promise<void> {
  await migrateDatabase(getRawClient());
  const db = getDb();
  const { sealing } = deriveAppKeys(env.authSecret);
  await ensureSigningKey(db, sealing);
  // Private lookups: the OHTTP gateway's key and the token issuer's key of this epoch.
  await ensureOhttpKey(db, sealing);
  await ensureIssuerKey(db, sealing);
  // The OPRF key of the buckets. A new key's records are built in the background (server.ts); the first key of a DP
  // with few mappings is built now, so private lookups work from the first request.
  await ensureOprfKey(db, sealing);
  await buildFirstOprfKey(db, sealing, new Date());
  if (env.seedDemoMsps) await seedDemoMsps(db);
  for (const identifier of env.operators) await grantOperator(db, parseIdentifier(identifier).uri, new Date());
}
