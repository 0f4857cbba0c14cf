import { afterAll, afterEach, describe, expect, it } from "vitest";
import { apiRequest, createAppHarness } from "@/test/support/app-harness";
import { testEnv } from "@/test/support/test-env";
import { POST as batchLookup } from "./batch/route";
import { POST as lookup } from "./route";

// Runs against a real Redis when TEST_REDIS_URL is set (CI sets it); a newcomer's `npm test` needs none.
const REDIS_URL = testEnv.TEST_REDIS_URL;
let app: Awaited<ReturnType<typeof createAppHarness>> | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});
afterAll(() => undefined);

describe("lookup limits kept in Redis (REDIS_URL)", () => {
  it.runIf(Boolean(REDIS_URL))("shares the bucket through Redis and refuses once spent", async () => {
    app = await createAppHarness({ REDIS_URL: REDIS_URL! });
    const key = await app.mspKey(`redis-${Date.now()}.example`, { burst: 20, refill: 0.01 });
    const statuses: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      const response = await batchLookup(apiRequest("http://localhost:3000/api/v1/lookup/batch", { csis: Array.from({ length: 8 }, (_, i) => `r${round}-${i}@example.com`) }, { key }));
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });

  it("fails closed with 503 when Redis is down, and answers nothing", async () => {
    app = await createAppHarness({ REDIS_URL: "redis://127.0.0.1:9" });
    const key = await app.mspKey("down.example");
    const response = await lookup(apiRequest("http://localhost:3000/api/v1/lookup", { csi: "bob@example.com" }, { key }));
    expect(response.status).toBe(503);
    expect(((await response.json()) as { code: string }).code).toBe("service_unavailable");
  });
});
