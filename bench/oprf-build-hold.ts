import postgres from "postgres";
import { buildingOprfKey, ensureOprfKey } from "@/lib/private/oprf-keys";
import type { BenchDatabase } from "./database";

/**
 * For --no-private. Every app instance starts by making sure an OPRF key exists (lib/bootstrap/bootstrap.ts) and
 * then builds a building key's records in the background (lib/private/record-jobs.ts), which on a large N is most
 * of an hour of CPU spent during the phases. The bench makes the key first, as the app would, and if it is still
 * building holds the build's own advisory lock ('mimi.oprf-build', taken by every build step) on a connection of
 * its own for the whole run: the app's build steps wait for it and give up at their statement_timeout (logged by
 * each instance every few seconds), so no record is built and the key's cursor stays where it was. A later run
 * without --no-private builds the rest. Publishes still write their own identifier's records, as the app does.
 * Returns undefined when there is nothing to hold: the key is active, or small enough to be built at start.
 */
export type OprfBuildHold = { epoch: number; builtThrough: string | null; release: () => Promise<void> };

export async function holdOprfBuild(database: BenchDatabase, sealingKey: Buffer): Promise<OprfBuildHold | undefined> {
  await ensureOprfKey(database.db, sealingKey);
  const building = await buildingOprfKey(database.db);
  if (!building) return undefined;
  // A DP with at most 1,000 CSIs and no active key builds its first key during start-up (buildFirstOprfKey), in
  // well under a second: held, that start-up would wait and fail. Nothing to spare there.
  const [counts] = await database.sql<{ active: number; csis: number }[]>`
    select (select count(*)::int from oprf_keys where state = 'active') as active,
           (select count(distinct csi)::int from mappings where status = 'active') as csis`;
  if (counts!.active === 0 && counts!.csis <= 1_000) return undefined;
  const holder = postgres(database.url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  // The session-level lock conflicts with the transaction-level one the build steps take on the same key.
  await holder`select pg_advisory_lock(hashtextextended('mimi.oprf-build', 0))`;
  return { ...building, release: () => holder.end({ timeout: 5 }) };
}
