import type { Database } from "@/db/client";
import { buildOprfRecordsStep } from "./build-oprf-records";
import { recordExpiries } from "./record-expiries";

type Tracker = { draining: boolean; track<T>(work: Promise<T>): Promise<T> };

/** How often an instance looks for a key to build and for expired mappings still in a record. */
const BUILD_EVERY_MS = 2_000;
const EXPIRIES_EVERY_MS = 60_000;

/**
 * The private-lookup records' background work (README, "Private lookups"), run by every instance and safe to run on
 * several at once: the build of a new OPRF key's records, step by step while one is building, and the rewrite of
 * records whose mappings expired. Each run is tracked by the drainer, so SIGTERM waits for the step in flight.
 */
export function startRecordJobs(options: { db: () => Database; sealingKey: Buffer; now: () => Date; drainer: Tracker; onError: (what: string, error: unknown) => void }): () => void {
  const { drainer } = options;
  const every = (ms: number, what: string, work: () => Promise<unknown>) => {
    let running = false;
    const timer = setInterval(() => {
      if (running || drainer.draining) return;
      running = true;
      void drainer
        .track(work())
        .catch((error: unknown) => options.onError(what, error))
        .finally(() => (running = false));
    }, ms);
    timer.unref();
    return timer;
  };
  const build = every(BUILD_EVERY_MS, "building OPRF records", async () => {
    // Steps back to back while a key is building; between keys, one cheap query every BUILD_EVERY_MS.
    for (let step = await buildOprfRecordsStep(options.db(), options.sealingKey, options.now()); step.building && !drainer.draining; ) {
      step = await buildOprfRecordsStep(options.db(), options.sealingKey, options.now());
    }
  });
  const expiries = every(EXPIRIES_EVERY_MS, "rewriting records of expired mappings", () => recordExpiries(options.db(), options.sealingKey, options.now()));
  return () => {
    clearInterval(build);
    clearInterval(expiries);
  };
}
