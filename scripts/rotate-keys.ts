/** `npm run keys:rotate`: retire the DP's signing key and start a new one. Retired keys stay published in the
 * JWKS until the last binding they signed expires. */
import { getDb, getRawClient } from "@/db/index";
import { closeRawClient } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { getEnv } from "@/env";
import { deriveAppKeys } from "@/lib/crypto/app-keys";
import { rotateSigningKey } from "@/lib/keys/signing-keys";

const env = getEnv();
await migrateDatabase(getRawClient());
const { retired, created } = await rotateSigningKey(getDb(), deriveAppKeys(env.authSecret).sealing, new Date());
console.log(`retired: ${retired.join(", ") || "(none)"}\nactive:  ${created}`);
await closeRawClient(getRawClient());
