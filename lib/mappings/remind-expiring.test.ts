import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeRawClient, openRawClient, wrapClient, type Database, type RawClient } from "@/db/client";
import { mappings, notifications } from "@/db/schema";
import type { TextMessage } from "@/lib/delivery/create-deliverer";
import { createAppHarness } from "@/test/support/app-harness";
import { REMINDER_LEASE_MS, reminderBackoffMs, remindExpiring } from "./remind-expiring";

let app: Awaited<ReturnType<typeof createAppHarness>>;
/** A second instance: its own connection pool on the same database (on PGlite, the same client). */
let otherRaw: RawClient | undefined;
let other: Database;
beforeAll(async () => {
  app = await createAppHarness();
  otherRaw = app.databaseUrl ? openRawClient({ url: app.databaseUrl }) : undefined;
  other = otherRaw ? wrapClient(otherRaw) : app.db;
});
afterAll(async () => {
  if (otherRaw) await closeRawClient(otherRaw);
  await app.close();
});

const DAY = 86_400_000;

/** A published mapping of `identifier` made to expire in `days`. */
async function expiringIn(identifier: string, days: number) {
  const published = await app.publishFor(identifier);
  await app.db.update(mappings).set({ expiresAt: new Date(Date.now() + days * DAY) }).where(eq(mappings.id, published.id));
  return published;
}

const row = async (id: string) => (await app.db.select().from(mappings).where(eq(mappings.id, id)))[0]!;

describe("expiry reminders", () => {
  it("reminds once, within 30 days of expiry, on the recipient's identifiers, and never twice across instances", async () => {
    const soon = await expiringIn("soon@example.com", 20);
    const later = await app.publishFor("later@example.com");
    const sent: TextMessage[] = [];
    const deliverText = async (message: TextMessage) => {
      sent.push(message);
    };
    const now = new Date();
    const counts = await Promise.all([remindExpiring({ db: app.db, deliverText, issuer: app.origin, now }), remindExpiring({ db: other, deliverText, issuer: app.origin, now })]);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(1);
    expect(await remindExpiring({ db: app.db, deliverText, issuer: app.origin, now })).toBe(0);
    expect(sent.map((message) => message.csi.uri)).toEqual(["mailto:soon@example.com"]);
    expect(sent[0]!.text).toContain("/mappings");
    expect((await row(soon.id)).remindedAt).not.toBeNull();
    expect(await app.db.select().from(notifications).where(eq(notifications.userId, later.userId))).toHaveLength(0);
  });

  it("two instances at the same moment over many due reminders: each delivered exactly once", async () => {
    const due = await Promise.all(Array.from({ length: 8 }, (_, index) => expiringIn(`many${index}@example.com`, 10 + index)));
    const deliveries = new Map<string, number>();
    const deliverText = async (message: TextMessage) => {
      // Slow enough that both runs are delivering at the same time.
      await new Promise((resolve) => setTimeout(resolve, 20));
      deliveries.set(message.csi.uri, (deliveries.get(message.csi.uri) ?? 0) + 1);
    };
    const now = new Date();
    const counts = await Promise.all([app.db, other, app.db, other].map((db) => remindExpiring({ db, deliverText, issuer: app.origin, now })));
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(due.length);
    expect([...deliveries.values()]).toEqual(due.map(() => 1));
    const rows = await app.db.select().from(mappings).where(inArray(mappings.id, due.map((mapping) => mapping.id)));
    expect(rows.every((mapping) => mapping.remindedAt !== null && mapping.reminderAttempts === 1 && mapping.reminderLeaseUntil === null)).toBe(true);
  });

  it("is marked sent only after delivery: a failed delivery is retried after its backoff, with the same idempotency key", async () => {
    const mapping = await expiringIn("flaky@example.com", 15);
    const keys: string[] = [];
    let failing = true;
    const deliverText = async (message: TextMessage) => {
      if (message.csi.uri !== "mailto:flaky@example.com") return;
      keys.push(message.idempotencyKey);
      // At the moment of delivery, nothing says it was delivered yet.
      expect((await row(mapping.id)).remindedAt).toBeNull();
      if (failing) throw new Error("the gateway answered 503");
    };
    const start = new Date();
    expect(await remindExpiring({ db: app.db, deliverText, issuer: app.origin, now: start })).toBe(0);
    const afterFailure = await row(mapping.id);
    expect(afterFailure).toMatchObject({ remindedAt: null, reminderAttempts: 1, reminderLeaseUntil: null });
    expect(afterFailure.reminderNextAt!.getTime()).toBe(start.getTime() + reminderBackoffMs(1));

    // Not before the backoff is over.
    expect(await remindExpiring({ db: app.db, deliverText, issuer: app.origin, now: new Date(start.getTime() + reminderBackoffMs(1) - 1_000) })).toBe(0);
    expect(keys).toHaveLength(1);

    failing = false;
    const retryAt = new Date(start.getTime() + reminderBackoffMs(1));
    expect(await remindExpiring({ db: app.db, deliverText, issuer: app.origin, now: retryAt })).toBe(1);
    expect(await row(mapping.id)).toMatchObject({ remindedAt: retryAt, reminderAttempts: 2 });
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    // The portal shows the notice once, however many attempts it took.
    expect(await app.db.select().from(notifications).where(eq(notifications.userId, mapping.userId))).toHaveLength(1);
    expect(reminderBackoffMs(2)).toBeGreaterThan(reminderBackoffMs(1));
    expect(reminderBackoffMs(50)).toBe(6 * 60 * 60_000);
  });

  it("a reminder claimed by an instance that died is taken over once its lease has run out", async () => {
    const mapping = await expiringIn("orphan@example.com", 12);
    const now = new Date();
    // An instance claims it and never comes back (its delivery never settles).
    void remindExpiring({ db: other, deliverText: () => new Promise(() => {}), issuer: app.origin, now });
    for (let attempt = 0; attempt < 100 && (await row(mapping.id)).reminderLeaseUntil === null; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await row(mapping.id)).reminderLeaseUntil).not.toBeNull();
    const sent: string[] = [];
    const deliverText = async (message: TextMessage) => void sent.push(message.csi.uri);
    expect(await remindExpiring({ db: app.db, deliverText, issuer: app.origin, now: new Date(now.getTime() + REMINDER_LEASE_MS - 1_000) })).toBe(0);
    expect(await remindExpiring({ db: app.db, deliverText, issuer: app.origin, now: new Date(now.getTime() + REMINDER_LEASE_MS) })).toBe(1);
    expect(sent).toEqual(["mailto:orphan@example.com"]);
  });
});
