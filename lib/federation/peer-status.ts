import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { federationPeers } from "@/db/schema";

/** Records that a peer answered (or failed to), for the operator console. Never what was asked. */
export async function recordPeerOutcome(db: Database, issuer: string, outcome: { ok: true } | { ok: false; reason: string }, now: Date): Promise<void> {
  const values = outcome.ok ? { lastAnsweredAt: now } : { lastFailedAt: now, lastFailure: outcome.reason.slice(0, 300) };
  await db
    .insert(federationPeers)
    .values({ issuer, ...values })
    .onConflictDoUpdate({ target: federationPeers.issuer, set: values });
}

/** Records that a peer asked us something and its signature verified. */
export async function recordPeerAsked(db: Database, issuer: string, now: Date): Promise<void> {
  await db
    .insert(federationPeers)
    .values({ issuer, lastAskedAt: now })
    .onConflictDoUpdate({ target: federationPeers.issuer, set: { lastAskedAt: sql`excluded.last_asked_at` } });
}
