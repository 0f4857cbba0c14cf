import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { mappings, oprfKeys } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { activateOprfKey, advanceBuild, buildingOprfKey, forgetLoadedOprfKeys } from "./oprf-keys";
import { forgetPublishedOprfKeys } from "./published-oprf-keys";
import { lockCsis, writeRecords } from "./write-records";

/** CSIs written per transaction: short enough that a publish of one of them waits little for its lock. */
const CSIS_PER_STEP = 50;

/**
 * The background build of a new OPRF key's records (README, "Private lookups"): CSIs in order, a few per
 * transaction, each under its lock, so that the build and write-time changes never overwrite each other; the
 * cursor is stored, so a restarted or second instance resumes where the last step committed. When every CSI is
 * written the key becomes active, in one transaction with the cursor's last check. Returns whether a key is still
 * building. Any instance may run it; an advisory lock lets one step run at a time.
 */
export async function buildOprfRecordsStep(db: Database, sealingKey: Buffer, now: Date): Promise<{ building: boolean; written: number; activated?: number }> {
  const building = await buildingOprfKey(db);
  if (!building) return { building: false, written: 0 };
  return withTransaction(db, async (tx) => {
    // One step at a time across instances; a waiting one then reads the cursor the other advanced.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('mimi.oprf-build', 0))`);
    const current = await buildingOprfKey(tx);
    if (!current || current.epoch !== building.epoch) return { building: current !== undefined, written: 0 };
    const after = current.builtThrough;
    const rows = await tx
      .selectDistinct({ csi: mappings.csi })
      .from(mappings)
      .where(after === null ? eq(mappings.status, "active") : and(eq(mappings.status, "active"), gt(mappings.csi, after)))
      .orderBy(asc(mappings.csi))
      .limit(CSIS_PER_STEP);
    const csis = rows.map((row) => row.csi);
    if (csis.length === 0) {
      await activateOprfKey(tx, current.epoch, now);
      // This instance's caches learn it at once; others within KEY_CACHE_MS, or at once when a client names the new key.
      forgetLoadedOprfKeys(db);
      forgetPublishedOprfKeys(db);
      return { building: false, written: 0, activated: current.epoch };
    }
    await lockCsis(tx, csis);
    await writeRecords(tx, { sealingKey, csis, now, only: current.epoch });
    await advanceBuild(tx, current.epoch, csis.at(-1)!);
    return { building: true, written: csis.length };
  });
}

/** Runs steps until the building key is active (tests, the rotation command, start-up of an empty DP). */
export async function buildOprfRecords(db: Database, sealingKey: Buffer, now: () => Date): Promise<{ written: number; activated?: number }> {
  let written = 0;
  for (;;) {
    const step = await buildOprfRecordsStep(db, sealingKey, now());
    written += step.written;
    if (step.activated !== undefined) return { written, activated: step.activated };
    if (!step.building) return { written };
  }
}

/** Beyond this many served CSIs, a first key is left to the background build rather than delaying the start. */
const BUILD_AT_START_MAX_CSIS = 1_000;

/**
 * At start: when no key is active yet (a new DP, or one upgraded to private buckets) and few CSIs are served, the
 * first key is built before the first request, in well under a second per hundred CSIs. Otherwise the background
 * build does it; until then the metadata lists the key as building and clients cannot use buckets yet.
 */
export async function buildFirstOprfKey(db: Database, sealingKey: Buffer, now: Date): Promise<void> {
  const [active] = await db.select({ epoch: oprfKeys.epoch }).from(oprfKeys).where(eq(oprfKeys.state, "active")).limit(1);
  if (active) return;
  const [{ csis } = { csis: 0 }] = await db.select({ csis: sql<number>`count(distinct ${mappings.csi})::int` }).from(mappings).where(eq(mappings.status, "active"));
  if (csis <= BUILD_AT_START_MAX_CSIS) await buildOprfRecords(db, sealingKey, () => now);
}
