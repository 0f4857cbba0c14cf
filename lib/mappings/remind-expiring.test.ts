import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mappings, notifications } from "@/db/schema";
import type { TextMessage } from "@/lib/delivery/create-deliverer";
import { createAppHarness } from "@/test/support/app-harness";
import { remindExpiring } from "./remind-expiring";

let app: Awaited<ReturnType<typeof createAppHarness>>;
beforeAll(async () => {
  app = await createAppHarness();
});
afterAll(async () => {
  await app.close();
});

describe("expiry reminders", () => {
  it("reminds once, within 30 days of expiry, on the recipient's identifiers, and never twice across instances", async () => {
    const soon = await app.publishFor("soon@example.com");
    const later = await app.publishFor("later@example.com");
    const inTwentyDays = new Date(Date.now() + 20 * 86_400_000);
    await app.db.update(mappings).set({ expiresAt: inTwentyDays }).where(eq(mappings.id, soon.id));
    const sent: TextMessage[] = [];
    const deliverText = async (message: TextMessage) => {
      sent.push(message);
    };
    const run = () => remindExpiring({ db: app.db, deliverText, issuer: app.origin, now: new Date() });
    const counts = await Promise.all([run(), run()]);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(1);
    expect(await run()).toBe(0);
    expect(sent.map((message) => message.csi.uri)).toEqual(["mailto:soon@example.com"]);
    expect(sent[0]!.text).toContain("/mappings");
    expect(await app.db.select().from(notifications).where(eq(notifications.userId, later.userId))).toHaveLength(0);
  });
});
