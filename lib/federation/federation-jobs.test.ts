import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { federationOutbox } from "@/db/schema";
import { getEnv } from "@/env";
import { createAppHarness } from "@/test/support/app-harness";
import { startFederationJobs } from "./federation-jobs";

// A standalone DP has no peer to tell: what the write paths queue (a reassignment statement names its CSI in clear)
// must not pile up in its database forever.
describe("the outbox of a DP without a directory", () => {
  let app: Awaited<ReturnType<typeof createAppHarness>>;
  beforeAll(async () => {
    app = await createAppHarness({ FEDERATION_OUTBOX_INTERVAL_MS: "50" });
  });
  afterAll(async () => {
    await app.close();
  });

  it("is emptied on the outbox interval, invalidations and reassignment statements alike", async () => {
    const mapping = await app.publishFor("standalone@example.com", { fresh: true });
    await app.db.insert(federationOutbox).values({ statement: "a.b.c", createdAt: new Date(), nextAt: new Date() });
    expect((await app.db.select().from(federationOutbox)).map((row) => row.mappingId ?? "statement").sort()).toEqual([mapping.id, "statement"].sort());
    const stop = startFederationJobs({ env: getEnv(), db: app.db });
    try {
      await expect.poll(async () => (await app.db.select().from(federationOutbox)).length, { timeout: 5_000 }).toBe(0);
    } finally {
      stop();
    }
  });
});
