import type { Database } from "@/db/client";
import { lte } from "drizzle-orm";
import { federationOutbox } from "@/db/schema";
import type { Env } from "@/env";
import { now } from "@/lib/clock";
import { deriveAppKeys } from "@/lib/crypto/app-keys";
import { logFailure } from "@/lib/log/log-failure";
import { deliverInvalidations } from "./deliver-invalidations";

/** The outbox of invalidations, sent every FEDERATION_OUTBOX_INTERVAL_MS by every instance (leases share the work). */
export function startFederationJobs(options: { env: Env; db: Database; track?: <T>(work: Promise<T>) => Promise<T> }): () => void {
  const { env, db } = options;
  if (env.federation.mode === "standalone" && !env.federation.directoryUrl && !env.federation.directoryFile) return discardEvery(options);
  const sealingKey = deriveAppKeys(env.authSecret).sealing;
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    const work = deliverInvalidations({ db, federation: env.federation, origin: env.publicOrigin, sealingKey, now: now() });
    void (options.track ? options.track(work) : work)
      .catch((error: unknown) => logFailure("delivering invalidations", error))
      .finally(() => (running = false));
  };
  const interval = setInterval(run, env.federation.outboxIntervalMs);
  interval.unref();
  return () => clearInterval(interval);
}

/**
 * A DP with no directory has no peers: what publishing and new holders queue (the same code paths in every mode)
 * can never be sent, and a reassignment statement names its CSI, so it is not kept. Emptied on the same interval.
 */
function discardEvery(options: { env: Env; db: Database; track?: <T>(work: Promise<T>) => Promise<T> }): () => void {
  const run = () => {
    const work = discardUndeliverable(options.db, now());
    void (options.track ? options.track(work) : work).catch((error: unknown) => logFailure("discarding undeliverable invalidations", error));
  };
  const interval = setInterval(run, options.env.federation.outboxIntervalMs);
  interval.unref();
  return () => clearInterval(interval);
}

export async function discardUndeliverable(db: Database, at: Date): Promise<number> {
  return (await db.delete(federationOutbox).where(lte(federationOutbox.createdAt, at)).returning({ id: federationOutbox.id })).length;
}
