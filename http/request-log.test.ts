import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startApiServer } from "@/test/support/api-server";
import { createAppHarness } from "@/test/support/app-harness";
import { captureLog } from "@/test/support/capture-log";

let app: Awaited<ReturnType<typeof createAppHarness>>;
let server: Awaited<ReturnType<typeof startApiServer>>;
let base: string;
let log: ReturnType<typeof captureLog>;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  app = await createAppHarness({ PUBLIC_ORIGIN: base });
  log = captureLog();
  server = await startApiServer({ port, origin: base });
});
afterAll(async () => {
  log.restore();
  await server.close();
  await app.close();
});

/** The request lines written since `from`, parsed. */
const requestLines = (from: number) => log.lines(from).filter((line) => line.msg === "request");

async function settle(count: number, from: number) {
  for (let tries = 0; tries < 50 && requestLines(from).length < count; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe("request logs", () => {
  it("write one JSON line per request: method, route template, status, time and the id the answer carries", async () => {
    const key = await app.mspKey("chat.example");
    const from = log.count;
    const answer = await fetch(`${base}/api/v1/lookup`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ csi: "alice@example.com" }),
    });
    expect(answer.status).toBe(200);
    await settle(1, from);
    const [line, ...more] = requestLines(from);
    expect(more).toEqual([]);
    expect(Object.keys(line!).sort()).toEqual(["level", "method", "ms", "msg", "requestId", "route", "status", "time"]);
    expect(line).toMatchObject({ level: 30, method: "POST", route: "/api/v1/lookup", status: 200, requestId: answer.headers.get("x-request-id") });
    expect(line!.ms).toEqual(expect.any(Number));
    expect(line!.requestId).toMatch(/^[0-9a-f-]{36}$/u);
  });

  it("never write a path, a query string, a body, a key or a client address, not even for a refusal", async () => {
    const key = await app.mspKey("chat.example");
    const from = log.count;
    await fetch(`${base}/bob@example.com?csi=carol%40example.com`, { headers: { "x-forwarded-for": "203.0.113.9" } });
    await fetch(`${base}/.well-known/mimi-discovery?who=dave@example.com`);
    await fetch(`${base}/api/v1/lookup/batch`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ csis: ["erin@example.com", "+1 408 555 1212"] }) });
    await fetch(`${base}/api/v1/lookup`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: "{\"csi\": \"frank@example.com\"" });
    await settle(4, from);
    const written = requestLines(from);
    expect(written.map((line) => [line.route, line.status])).toEqual([
      ["(unmatched)", 404],
      ["/.well-known/mimi-discovery", 200],
      ["/api/v1/lookup/batch", 200],
      ["/api/v1/lookup", 400],
    ]);
    const text = log.text(from);
    expect(text).not.toMatch(/bob|carol|dave|erin|frank|4085551212|555 1212|203\.0\.113\.9|127\.0\.0\.1|mimi_msp_|\?/u);
  });

  it("keep a trusted proxy's X-Request-Id and replace anyone else's", async () => {
    const from = log.count;
    const untrusted = await fetch(`${base}/.well-known/mimi-discovery`, { headers: { "x-request-id": "alice-at-example-com-0001" } });
    expect(untrusted.headers.get("x-request-id")).not.toBe("alice-at-example-com-0001");
    await settle(1, from);
    expect(requestLines(from)[0]!.requestId).toBe(untrusted.headers.get("x-request-id"));

    const port = await freePort();
    const behindProxy = await startApiServer({ port, origin: `http://127.0.0.1:${port}`, trustedProxies: ["127.0.0.1"] });
    try {
      const kept = await fetch(`http://127.0.0.1:${port}/.well-known/mimi-discovery`, { headers: { "x-request-id": "0f2c6f1e-proxy-id-42" } });
      expect(kept.headers.get("x-request-id")).toBe("0f2c6f1e-proxy-id-42");
      const malformed = await fetch(`http://127.0.0.1:${port}/.well-known/mimi-discovery`, { headers: { "x-request-id": "bob@example.com" } });
      expect(malformed.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/u);
    } finally {
      await behindProxy.close();
    }
  });
});
