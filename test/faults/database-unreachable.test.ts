import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeRawClient, openRawClient, type RawClient } from "@/db/client";
import { installDatabase } from "@/db/index";
import { freePort, startApiServer } from "@/test/support/api-server";
import { createAppHarness } from "@/test/support/app-harness";
import { hammer, summarize, type Answer } from "@/test/support/load";
import { startTcpFaultProxy, type TcpFaultProxy } from "@/test/support/tcp-fault-proxy";
import { testEnv } from "@/test/support/test-env";

/**
 * The lookup API on a real HTTP server, its database behind a TCP proxy that the test breaks: a reset and refused
 * port (a killed server), then a black hole (a partition). Under 16 concurrent lookups, every answer while the
 * database is unreachable must be a 503 problem+json with Retry-After within the deadline, not a hang; when the
 * database is back, the same process answers 200 again.
 */
const DEADLINE_MS = 1_000;
/** A statement sent and never answered is given up a second after the server's statement_timeout would have fired. */
const STATEMENT_TIMEOUT_MS = 2_000;
const ANSWER_DEADLINE_MS = STATEMENT_TIMEOUT_MS + 1_000;
/** Scheduling noise on a busy two-core CI machine; the deadline itself is what is checked. */
const MARGIN_MS = 750;

let app: Awaited<ReturnType<typeof createAppHarness>>;
let key: string;
let proxy: TcpFaultProxy;
let proxied: RawClient;
let server: { close: () => Promise<void> };
let base: string;

const lookup = (signal: AbortSignal) =>
  fetch(`${base}/api/v1/lookup`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ csi: "bob@example.com" }),
    signal,
  });

function expectFailedFast(answers: Answer[], boundMs = DEADLINE_MS) {
  const late = answers.filter((answer) => answer.status !== 503 || answer.ms > boundMs + MARGIN_MS);
  expect(late, JSON.stringify(summarize(answers))).toEqual([]);
  // Failing fast means many answers per loop, not one long wait each.
  expect(answers.length).toBeGreaterThan(16 * 3);
  for (const answer of answers) {
    expect(answer.contentType).toBe("application/problem+json");
    expect(answer.code).toBe("service_unavailable");
    expect(Number(answer.retryAfter)).toBeGreaterThan(0);
  }
}

async function expectRecovered() {
  // The same process, the same pool: nothing restarted. The gate's probe notices the database within a second.
  let last: Answer[] = [];
  for (let attempt = 0; attempt < 40; attempt += 1) {
    last = await hammer({ concurrency: 4, durationMs: 250, send: lookup });
    if (last.length > 0 && last.every((answer) => answer.status === 200)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`lookups did not recover: ${JSON.stringify(summarize(last))}`);
}

describe.skipIf(!testEnv.TEST_DATABASE_URL)("lookups while PostgreSQL is unreachable", () => {
  beforeAll(async () => {
    app = await createAppHarness();
    key = await app.mspKey("chat.example");
    await app.publishFor("bob@example.com");
    const direct = new URL(app.databaseUrl!);
    proxy = await startTcpFaultProxy({ port: Number(direct.port || 5432) });
    const url = new URL(direct);
    url.port = String(proxy.port);
    proxied = openRawClient({ url: url.toString() }, { deadlineMs: DEADLINE_MS, statementTimeoutMs: STATEMENT_TIMEOUT_MS });
    installDatabase(proxied);
    const port = await freePort();
    server = await startApiServer({ port, origin: app.origin });
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await server?.close();
    await proxy?.close();
    if (proxied) await closeRawClient(proxied).catch(() => {});
    await app?.close();
  });

  it("answers every lookup with 200 while the database is there", async () => {
    const answers = await hammer({ concurrency: 16, durationMs: 500, send: lookup });
    expect(summarize(answers)).toEqual({ "200": expect.objectContaining({ count: answers.length }) });
  });

  it("a killed database: 503 with Retry-After within the deadline for 16 concurrent lookups, then 200 again", async () => {
    await proxy.cut();
    expectFailedFast(await hammer({ concurrency: 16, durationMs: 3_000, send: lookup }));
    await proxy.restore();
    await expectRecovered();
  });

  it("a database that stops answering: 503 within the statement deadline, then 200 again", async () => {
    // Connections in the pool stay open and silent; new ones are accepted and never answered. A statement already
    // sent can only be given up at its deadline (its outcome is the database's to decide); every other call waits
    // at most the connection deadline, and once the gate knows, none waits at all.
    await hammer({ concurrency: 16, durationMs: 200, send: lookup });
    proxy.blackhole();
    const answers = await hammer({ concurrency: 16, durationMs: 6_000, send: lookup });
    expectFailedFast(answers, ANSWER_DEADLINE_MS);
    expect(answers.filter((answer) => answer.ms < 100).length).toBeGreaterThan(answers.length / 2);
    await proxy.cut();
    await proxy.restore();
    await expectRecovered();
  });
});
