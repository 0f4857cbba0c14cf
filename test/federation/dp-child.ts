/**
 * One DP as its own process, for the federation tests: the same bootstrap as server.ts and the same route handlers
 * on the same custom-server wrapper (test/support/api-server.ts), without Next (no pages needed; a build per DP
 * would cost minutes). Configured entirely by its environment, like the real server; its own database.
 */
import { getDb, getRawClient } from "@/db/index";
import { waitForDatabase } from "@/db/wait-for-database";
import { getEnv } from "@/env";
import { bootstrap } from "@/lib/bootstrap/bootstrap";
import { startFederationJobs } from "@/lib/federation/federation-jobs";
import { startApiServer } from "@/test/support/api-server";
import { POST as federationLookup } from "@/app/api/v1/federation/lookup/route";
import { POST as federationInvalidations } from "@/app/api/v1/federation/invalidations/route";

const env = getEnv();
await waitForDatabase(getRawClient(), { timeoutMs: 30_000, log: (line) => console.warn(line) });
await bootstrap(env);
const server = await startApiServer({ port: env.port, origin: env.publicOrigin, routes: new Map([
    ["/api/v1/federation/lookup", federationLookup],
    ["/api/v1/federation/invalidations", federationInvalidations],
  ]) });
const stopJobs = startFederationJobs({ env, db: getDb() });
console.log(`dp ready on ${env.publicOrigin}`);
process.on("SIGTERM", () => {
  stopJobs();
  void server.close().then(() => process.exit(0));
});
