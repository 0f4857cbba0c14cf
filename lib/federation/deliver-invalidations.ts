import { and, eq, isNull, lte, or, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { federationOutbox, mappings } from "@/db/schema";
import type { FederationConfig } from "@/env";
import { findDp } from "@mimi-discovery/msp-kit";
import { loadDpRequestSigner } from "./dp-request-signer";
import { loadDirectory } from "./load-directory";
import { recordPeerOutcome } from "./peer-status";
import { postToPeer } from "./post-to-peer";

const BATCH = 20;
const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 12;

/**
 * Sends the invalidations waiting in the outbox: each fresh mapping published here (and each new holder's proof of
 * a recycled identifier), to every other DP of the
 * directory, signed like any DP-to-DP request. A peer that acknowledges (2xx), or refuses it for good because it
 * holds something newer (409), is done; others are retried with a doubling delay, up to a day apart. Row leases let
 * every instance run this without sending one twice at once.
 */
export async function deliverInvalidations(options: { db: Database; federation: FederationConfig; origin: string; sealingKey: Buffer; now: Date }): Promise<{ sent: number; failed: number }> {
  const { db, now } = options;
  const due = await db
    .update(federationOutbox)
    .set({ leaseUntil: new Date(now.getTime() + LEASE_MS) })
    .where(
      sql`${federationOutbox.id} in (select id from ${federationOutbox} where ${and(isNull(federationOutbox.doneAt), lte(federationOutbox.nextAt, now), or(isNull(federationOutbox.leaseUntil), lte(federationOutbox.leaseUntil, now)))} order by ${federationOutbox.nextAt} limit ${BATCH} for update skip locked)`,
    )
    .returning();
  if (due.length === 0) return { sent: 0, failed: 0 };
  const trusted = await loadDirectory(options.federation, now).catch(() => undefined);
  const self = trusted ? findDp(trusted.directory, options.origin) : undefined;
  if (!trusted || !self) {
    // No federation to tell (or no trusted directory now): try again later rather than drop the invalidation.
    for (const row of due) await reschedule(db, row.id, row.attempts, row.pending, now);
    return { sent: 0, failed: due.length };
  }
  const signer = await loadDpRequestSigner(db, options.sealingKey, self.issuer);
  let sent = 0;
  let failed = 0;
  for (const row of due) {
    const pending = row.pending ?? trusted.directory.dps.filter((dp) => dp.issuer !== self.issuer).map((dp) => dp.issuer);
    const body = await invalidationBody(db, row);
    if (!body) {
      await db.update(federationOutbox).set({ doneAt: now, pending: [], leaseUntil: null }).where(eq(federationOutbox.id, row.id));
      continue;
    }
    const still: string[] = [];
    for (const issuer of pending) {
      const dp = findDp(trusted.directory, issuer);
      if (!dp) continue;
      const answer = await postToPeer({ url: dp.endpoints.invalidation, body, hops: 1, signer, timeoutMs: options.federation.peerTimeoutMs, maxBytes: 64 * 1024, now });
      const acknowledged = answer.ok && ((answer.status >= 200 && answer.status < 300) || answer.status === 409);
      await recordPeerOutcome(db, issuer, acknowledged ? { ok: true } : { ok: false, reason: answer.ok ? `refused the invalidation (${answer.status})` : answer.reason }, now);
      if (acknowledged) sent += 1;
      else {
        failed += 1;
        still.push(issuer);
      }
    }
    if (still.length === 0 || row.attempts + 1 >= MAX_ATTEMPTS) {
      await db.update(federationOutbox).set({ doneAt: now, pending: still, attempts: row.attempts + 1, leaseUntil: null }).where(eq(federationOutbox.id, row.id));
    } else {
      await reschedule(db, row.id, row.attempts, still, now);
    }
  }
  return { sent, failed };
}

async function reschedule(db: Database, id: string, attempts: number, pending: string[] | null, now: Date): Promise<void> {
  const delay = Math.min(86_400_000, 30_000 * 2 ** attempts);
  await db.update(federationOutbox).set({ attempts: attempts + 1, pending, nextAt: new Date(now.getTime() + delay), leaseUntil: null }).where(eq(federationOutbox.id, id));
}

/** What is sent: the fresh mapping itself, or the signed statement of a new holder's proof. */
async function invalidationBody(db: Database, row: { mappingId: string | null; statement: string | null }): Promise<unknown> {
  if (row.statement) return { reassignment: row.statement };
  if (!row.mappingId) return undefined;
  const [mapping] = await db.select({ document: mappings.document, binding: mappings.binding, assertion: mappings.assertion }).from(mappings).where(eq(mappings.id, row.mappingId));
  // Removed since (the row cascades with it), or never there: nothing to send.
  if (!mapping) return undefined;
  return { mapping: { id: row.mappingId, document: JSON.parse(mapping.document) as unknown, proof: { binding: mapping.binding, assertion: mapping.assertion } } };
}
