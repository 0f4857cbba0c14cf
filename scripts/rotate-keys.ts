/**
 * `npm run keys:rotate`: retire the DP's signing key and start a new one (retired keys stay in the JWKS until the
 * last binding they signed expires). `-- --ohttp` rotates the OHTTP gateway key instead, `-- --issuer` the Privacy
 * Pass issuer key; a retired one is still accepted for its grace period (README, "Private lookups"). `-- --oprf`
 * starts a new OPRF key: the running instances build its records in the background and switch to it once complete;
 * the old key answers for its grace period.
 */
import { parseArgs } from "node:util";
import { getDb, getRawClient } from "@/db/index";
import { closeRawClient } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { getEnv } from "@/env";
import { deriveAppKeys } from "@/lib/crypto/app-keys";
import { rotateSigningKey } from "@/lib/keys/signing-keys";
import { rotateIssuerKey } from "@/lib/private/issuer-keys";
import { ISSUER_KEY_GRACE_MS, OHTTP_KEY_GRACE_MS, OPRF_KEY_GRACE_MS } from "@/lib/private/key-policy";
import { rotateOprfKey } from "@/lib/private/oprf-keys";
import { rotateOhttpKey } from "@/lib/private/ohttp-keys";

const { values } = parseArgs({ options: { ohttp: { type: "boolean" }, issuer: { type: "boolean" }, oprf: { type: "boolean" }, signing: { type: "boolean" } }, strict: true });
const env = getEnv();
await migrateDatabase(getRawClient());
const sealing = deriveAppKeys(env.authSecret).sealing;
const now = new Date();
const days = (ms: number) => `${ms / 86_400_000} days`;
if (values.ohttp) {
  const { retired, created, removed } = await rotateOhttpKey(getDb(), sealing, now);
  console.log(`OHTTP key ids retired: ${retired.join(", ") || "(none)"} (accepted ${days(OHTTP_KEY_GRACE_MS)} more)\nactive: ${created}\nforgotten: ${removed.join(", ") || "(none)"}`);
}
if (values.issuer) {
  const { retired, created, removed } = await rotateIssuerKey(getDb(), sealing, now);
  console.log(`issuer keys retired: ${retired.join(", ") || "(none)"} (redeemed ${days(ISSUER_KEY_GRACE_MS)} more)\nissuing: ${created}\nforgotten: ${removed.join(", ") || "(none)"}`);
}
if (values.oprf) {
  const { building, created } = await rotateOprfKey(getDb(), sealing, now);
  console.log(`OPRF key ${building} ${created ? "created" : "was already"} building: the running instances write its records, then it becomes active and the old key answers ${days(OPRF_KEY_GRACE_MS)} more`);
}
if (values.signing || (!values.ohttp && !values.issuer && !values.oprf)) {
  const { retired, created } = await rotateSigningKey(getDb(), sealing, now);
  console.log(`signing keys retired: ${retired.join(", ") || "(none)"}\nactive:  ${created}`);
}
await closeRawClient(getRawClient());
