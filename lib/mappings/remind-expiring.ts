import { and, asc, eq, gt, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { mappings } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import type { TextMessage } from "@/lib/delivery/create-deliverer";
import { deliverNotice, recordNotice, type Notice } from "@/lib/notifications/notify";

export const REMIND_BEFORE_DAYS = 30;
/** How long an instance has to deliver a reminder it claimed before another may take it over. */
export const REMINDER_LEASE_MS = 10 * 60_000;

/** The pause after a failed delivery: 5 minutes, tripled each time, at most 6 hours (the mapping expires in ≤30 days). */
export function reminderBackoffMs(attempts: number): number {
  return Math.min(5 * 60_000 * 3 ** Math.max(0, attempts - 1), 6 * 60 * 60_000);
}

/**
 * Tells recipients, once per mapping, that it expires within 30 days and how to renew it (sign it again with their
 * passkey). A reminder counts as sent only once it was delivered to at least one of the recipient's identifiers: a
 * failed delivery is tried again after reminderBackoffMs, until the mapping expires.
 *
 * Safe from every instance at once: a run claims due reminders in one statement (FOR UPDATE SKIP LOCKED, then a
 * lease of REMINDER_LEASE_MS), so no two instances deliver the same one; an instance that dies mid-delivery loses
 * its lease and another takes the reminder over, with the same idempotency keys for the gateway. The portal's copy
 * of the notice is written once, with the first claim.
 */
export async function remindExpiring(options: {
  db: Database;
  deliverText: (message: TextMessage) => Promise<void>;
  issuer: string;
  now: Date;
  limit?: number;
}): Promise<number> {
  const { db, now } = options;
  const horizon = new Date(now.getTime() + REMIND_BEFORE_DAYS * 86_400_000);
  const leaseUntil = new Date(now.getTime() + REMINDER_LEASE_MS);
  const claimed = await withTransaction(db, async (tx) => {
    const due = tx
      .select({ id: mappings.id })
      .from(mappings)
      .where(
        and(
          eq(mappings.status, "active"),
          isNull(mappings.remindedAt),
          gt(mappings.expiresAt, now),
          lte(mappings.expiresAt, horizon),
          or(isNull(mappings.reminderNextAt), lte(mappings.reminderNextAt, now)),
          or(isNull(mappings.reminderLeaseUntil), lte(mappings.reminderLeaseUntil, now)),
        ),
      )
      .orderBy(asc(mappings.expiresAt))
      .limit(options.limit ?? 500)
      .for("update", { skipLocked: true });
    const rows = await tx
      .update(mappings)
      .set({ reminderLeaseUntil: leaseUntil, reminderAttempts: sql`${mappings.reminderAttempts} + 1` })
      .where(inArray(mappings.id, due))
      .returning({ id: mappings.id, userId: mappings.userId, label: mappings.label, expiresAt: mappings.expiresAt, attempts: mappings.reminderAttempts });
    const notices = rows.map((row) => ({ ...row, notice: noticeFor(row, options.issuer) }));
    for (const row of notices) if (row.attempts === 1) await recordNotice(tx, row.notice, now);
    return notices;
  });

  let delivered = 0;
  // Settled, not all: one mapping's failure to be marked (the database gone again) must not abandon the others;
  // its lease runs out and it is tried again.
  await Promise.allSettled(
    claimed.map(async (row) => {
      const outcome = await deliverNotice(db, options.deliverText, row.notice, `mapping-expiring:${row.id}`).catch(() => ({ delivered: 0, failed: 1 }));
      const ours = and(eq(mappings.id, row.id), eq(mappings.reminderLeaseUntil, leaseUntil));
      // Nobody to tell (every identifier was removed) is as done as delivered: there is nothing to retry.
      if (outcome.delivered > 0 || outcome.failed === 0) {
        delivered += 1;
        await db.update(mappings).set({ remindedAt: now, reminderLeaseUntil: null }).where(ours);
      } else {
        await db
          .update(mappings)
          .set({ reminderLeaseUntil: null, reminderNextAt: new Date(now.getTime() + reminderBackoffMs(row.attempts)) })
          .where(ours);
      }
    }),
  );
  return delivered;
}

function noticeFor(mapping: { userId: string; label: string; expiresAt: Date }, issuer: string): Notice {
  return {
    userId: mapping.userId,
    kind: "mapping.expiring",
    subject: "A mapping of yours expires soon",
    text: `Your mapping "${mapping.label}" stops being served on ${mapping.expiresAt.toISOString().slice(0, 10)}. Renew it by signing it again with your passkey at ${issuer}/mappings.`,
  };
}
