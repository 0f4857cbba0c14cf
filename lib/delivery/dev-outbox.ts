import { desc, lt } from "drizzle-orm";
import type { Database } from "@/db/client";
import { maskIdentifier, parseIdentifier } from "@mimi-discovery/msp-kit";
import { devOutbox, type OtpChannel } from "@/db/schema";

const KEEP_MS = 24 * 60 * 60_000;

/** Records a message that was not delivered because no delivery is configured, and says so loudly in the log. */
export async function writeToDevOutbox(
  db: Database,
  message: { channel: OtpChannel; destination: string; text: string; now: Date },
): Promise<void> {
  await db.insert(devOutbox).values({
    channel: message.channel,
    destination: message.destination,
    body: message.text,
    createdAt: message.now,
  });
  await db.delete(devOutbox).where(lt(devOutbox.createdAt, new Date(message.now.getTime() - KEEP_MS)));
  // The code is printed for the developer; the destination only masked, as logs never hold an identifier.
  console.warn(
    `[dev outbox] NOT SENT (no ${message.channel === "email" ? "SMTP_URL" : "SMS_GATEWAY_URL"} configured) ` +
      `${message.channel} to ${maskIdentifier(parseIdentifier(message.destination))}: ${message.text.replace(/\s+/gu, " ")}`,
  );
}

export async function listDevOutbox(db: Database, limit = 50) {
  return db.select().from(devOutbox).orderBy(desc(devOutbox.createdAt)).limit(limit);
}
