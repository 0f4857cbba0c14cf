import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { identifiers, notifications } from "@/db/schema";
import type { TextMessage } from "@/lib/delivery/create-deliverer";
import { parseIdentifier } from "@mimi-discovery/msp-kit";
import { getMetrics } from "@/lib/metrics/metrics";

export type Notice = { userId: string; kind: string; subject: string; text: string };

/** Records a notice for the portal, inside the caller's transaction: it exists exactly when the change does. */
export async function recordNotice(tx: Database, notice: Notice, now: Date): Promise<void> {
  await tx.insert(notifications).values({ userId: notice.userId, kind: notice.kind, message: notice.text, createdAt: now });
}

/**
 * Sends a notice to every verified identifier of the account (after the change committed). Best effort: one
 * channel failing does not stop the others, and the portal shows the notice anyway. Never names another person.
 */
export async function sendNotice(
  db: Database,
  deliverText: (message: TextMessage) => Promise<void>,
  notice: Notice,
): Promise<void> {
  await deliverNotice(db, deliverText, notice);
}

/**
 * Sends a notice to every verified identifier of the account and says how many deliveries succeeded and failed.
 * With `idempotencyKey`, each identifier's message carries a key derived from it and the identifier's id (no
 * identifier in it), so that a retry of the same notice is the same message to a gateway that honours keys.
 */
export async function deliverNotice(
  db: Database,
  deliverText: (message: TextMessage) => Promise<void>,
  notice: Notice,
  idempotencyKey?: string,
): Promise<{ delivered: number; failed: number }> {
  const rows = await db.select({ id: identifiers.id, uri: identifiers.uri, lineType: identifiers.lineType }).from(identifiers).where(eq(identifiers.userId, notice.userId));
  const outcomes = await Promise.allSettled(
    rows.map((row) => {
      const csi = parseIdentifier(row.uri);
      const channel = csi.kind === "mailto" ? "email" : row.lineType === "fixed_line" ? "voice" : "sms";
      return deliverText({ csi, channel, subject: notice.subject, text: notice.text, idempotencyKey: idempotencyKey ? `${idempotencyKey}:${row.id}` : randomUUID() }).catch((error: unknown) => {
        getMetrics().deliveryFailures.inc({ channel });
        throw error;
      });
    }),
  );
  const delivered = outcomes.filter((outcome) => outcome.status === "fulfilled").length;
  return { delivered, failed: outcomes.length - delivered };
}

export async function listNotices(db: Database, userId: string) {
  return db.select().from(notifications).where(eq(notifications.userId, userId)).orderBy(notifications.createdAt);
}
