import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTrustedProxyList } from "@/http/client-ip";
import { POST as csipRemove } from "@/app/api/v1/csip/removals/route";
import { dashboardFigures } from "@/lib/dashboard/dashboard-figures";
import { flushUsage } from "@/lib/metrics/usage";
import { freePort, startApiServer } from "@/test/support/api-server";
import { apiRequest, createAppHarness } from "@/test/support/app-harness";

const TOKEN = "scrape-token-0123456789abcdef";
let app: Awaited<ReturnType<typeof createAppHarness>>;
let server: Awaited<ReturnType<typeof startApiServer>>;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  app = await createAppHarness({ PUBLIC_ORIGIN: `http://127.0.0.1:${port}` });
  base = `http://127.0.0.1:${port}`;
  // Only the token opens /metrics here: no address is allowed, not even loopback.
  server = await startApiServer({ port, origin: base, metrics: { token: TOKEN, allow: createTrustedProxyList([], "METRICS_ALLOW") } });
});
afterAll(async () => {
  await server.close();
  await app.close();
});

/** The exposition as sample → value, for the samples of our own metrics (mimi_, not the process's mimi_process_ defaults). */
async function scrape(): Promise<{ text: string; samples: Map<string, number> }> {
  const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  const text = await response.text();
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^(mimi_(?!process_)[a-z_]+(?:\{[^}]*\})?) (\S+)$/u.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return { text, samples };
}

const delta = (before: Map<string, number>, after: Map<string, number>, sample: string) => (after.get(sample) ?? 0) - (before.get(sample) ?? 0);

describe("GET /metrics", () => {
  it("is a 404, as any unknown path, without the token, with another token, or over X-Forwarded-For", async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: "Bearer wrong-token-0123456789abcdef" }, { authorization: `Basic ${TOKEN}` }, { "x-forwarded-for": "127.0.0.1" }];
    for (const headers of attempts) {
      const response = await fetch(`${base}/metrics`, { headers });
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain("mimi_");
    }
  });

  it("is open to a configured address, the socket's own", async () => {
    const port = await freePort();
    const open = await startApiServer({ port, origin: `http://127.0.0.1:${port}`, metrics: { token: undefined, allow: createTrustedProxyList(["127.0.0.1/32"], "METRICS_ALLOW") } });
    try {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("# TYPE mimi_api_requests_total counter");
    } finally {
      await open.close();
    }
  });

  it("counts a scripted run (lookups, a 429, a publish, a CSIP removal, code sends) and no label carries what was looked up", async () => {
    const before = (await scrape()).samples;
    const telco = await app.csip("Metrics Telco", [{ kind: "e164_prefix", value: "+3362" }]);
    await app.publishFor("dana@example.com");
    await app.publishFor("+33 6 21 00 00 07");
    const mspKey = await app.mspKey("metrics.example", { burst: 5, refill: 0.001 });
    const lookedUp = ["dana@example.com", "erin@example.com", "+33 6 21 00 00 07", "frank@example.com"];
    const one = (csi: string) => fetch(`${base}/api/v1/lookup`, { method: "POST", headers: { authorization: `Bearer ${mspKey}`, "content-type": "application/json" }, body: JSON.stringify({ csi }) });
    const batch = (csis: string[]) =>
      fetch(`${base}/api/v1/lookup/batch`, { method: "POST", headers: { authorization: `Bearer ${mspKey}`, "content-type": "application/json" }, body: JSON.stringify({ csis }) });
    expect((await one(lookedUp[0]!)).status).toBe(200);
    expect((await batch(lookedUp.slice(1, 4))).status).toBe(200);
    expect((await batch(["gina@example.com", "hal@example.com"])).status).toBe(429);
    const removal = await csipRemove(apiRequest(`${base}/api/v1/csip/removals`, { items: [{ csi: "+33 6 21 00 00 07", reason: "released" }] }, { key: telco.key }));
    expect(removal.status).toBe(200);

    const { text, samples: after } = await scrape();
    expect(delta(before, after, 'mimi_lookup_identifiers_total{msp="metrics.example"}')).toBe(4);
    expect(delta(before, after, 'mimi_rate_limited_total{msp="metrics.example"}')).toBe(1);
    expect(delta(before, after, 'mimi_api_requests_total{route="lookup",status="200"}')).toBe(1);
    expect(delta(before, after, 'mimi_api_requests_total{route="lookup_batch",status="200"}')).toBe(1);
    expect(delta(before, after, 'mimi_api_requests_total{route="lookup_batch",status="429"}')).toBe(1);
    expect(delta(before, after, 'mimi_api_request_duration_seconds_count{route="lookup_batch"}')).toBe(2);
    expect(delta(before, after, "mimi_mappings_published_total")).toBe(2);
    expect(delta(before, after, 'mimi_mappings_removed_total{by="csip"}')).toBe(1);
    // No replica here: both lookups that were answered read the primary; the refused one read nothing.
    expect(delta(before, after, 'mimi_lookup_reads_total{source="primary"}')).toBe(2);
    expect(delta(before, after, 'mimi_code_sends_total{channel="email"}')).toBe(1);
    expect(delta(before, after, 'mimi_code_sends_total{channel="sms"}')).toBe(1);

    // Labels are from a closed set, and their values are routes, statuses, MSP ids, channels and kinds of actor.
    const ALLOWED_LABELS = new Set(["route", "status", "msp", "dependency", "by", "channel", "source", "le"]);
    const ALLOWED_VALUE = /^(lookup|lookup_batch|csip_removals|\d{3}|metrics\.example|chat\.example|database|limiter|recipient|csip|system|email|sms|replica|primary|\+Inf|\d+(\.\d+)?)$/u;
    for (const sample of after.keys()) {
      for (const [, label, value] of sample.matchAll(/([a-z_]+)="([^"]*)"/gu)) {
        expect(ALLOWED_LABELS, sample).toContain(label);
        expect(value, sample).toMatch(ALLOWED_VALUE);
      }
    }
    // And nothing looked up appears anywhere in the exposition, in any form an identifier takes.
    for (const csi of [...lookedUp, "gina@example.com", "hal@example.com"]) {
      const local = csi.split("@")[0]!;
      expect(text).not.toContain(csi);
      expect(text).not.toContain(local.replace(/\D/gu, "") || local);
    }
    expect(text).not.toMatch(/33621000007|mailto:|tel:/u);

    // The same run, as the dashboard sees it once the instance has written its counts.
    await flushUsage(app.db);
    const figures = await dashboardFigures(app.db, { range: "day", now: new Date() });
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    expect(sum(figures.lookupsByMsp.find((series) => series.name === "metrics.example")!.values)).toBe(4);
    expect(sum(figures.refusals.find((series) => series.name.startsWith("Rate limited"))!.values)).toBeGreaterThanOrEqual(1);
    expect(sum(figures.published)).toBeGreaterThanOrEqual(2);
    expect(figures.csipRemovals).toContainEqual({ csipId: telco.id, name: "Metrics Telco", count: 1 });
    expect(sum(figures.expiring.values)).toBe(0);
  });
});
