import { and, eq, gt, isNull, lte } from "drizzle-orm";
import type { Database } from "@/db/client";
import { mappings } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import type { TextMessage } from "@/lib/delivery/create-deliverer";
import { recordNotice, sendNotice, type Notice } from "@/lib/notifications/notify";

export const REMIND_BEFORE_DAYS = 30;

/**
 * Tells recipients, once per mapping, that it expires within 30 days and how to renew it (sign it again with
 * their passkey). Safe from every instance at once: rows are claimed with FOR UPDATE SKIP LOCKED and marked in
 * the same transaction, so no two instances remind about one mapping.
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
  const notices = await withTransaction(db, async (tx) => {
    const due = await tx
      .select({ id: mappings.id, userId: mappings.userId, label: mappings.label, expiresAt: mappings.expiresAt })
      .from(mappings)
      .where(and(eq(mappings.status, "active"), isNull(mappings.remindedAt), gt(mappings.expiresAt, now), lte(mappings.expiresAt, horizon)))
      .limit(options.limit ?? 500)
      .for("update", { skipLocked: true });
    const out: Notice[] = [];
    for (const mapping of due) {
      await tx.update(mappings).set({ remindedAt: now }).where(eq(mappings.id, mapping.id));
      const notice: Notice = {
        userId: mapping.userId,
        kind: "mapping.expiring",
        subject: "A mapping of yours expires soon",
        text: `Your mapping "${mapping.label}" stops being served on ${mapping.expiresAt.toISOString().slice(0, 10)}. Renew it by signing it again with your passkey at ${options.issuer}/mappings.`,
      };
      await recordNotice(tx, notice, now);
      out.push(notice);
    }
    return out;
  });
  await Promise.allSettled(notices.map((notice) => sendNotice(db, options.deliverText, notice)));
  return notices.length;
}
