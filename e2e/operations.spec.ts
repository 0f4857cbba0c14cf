import { mkdtempSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { spawnServer, type SpawnedServer } from "@/test/support/spawn-server";

/**
 * The production server as a process, the way a supervisor runs and stops it: `npm run serve`, SIGTERM, the exit
 * code, and what clients see meanwhile. No browser; each test starts its own server on the embedded database.
 */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const started: SpawnedServer[] = [];
test.afterEach(() => {
  // A test that failed half-way leaves no server behind.
  for (const server of started.splice(0)) if (server.child.exitCode === null) server.child.kill("SIGKILL");
});

async function startServer(env: Record<string, string> = {}, command?: string[]): Promise<{ server: SpawnedServer; port: number }> {
  const port = await freePort();
  const server = spawnServer({ PORT: String(port), DATA_DIR: mkdtempSync(path.join(tmpdir(), "mimi-ops-")), DATABASE_URL: "", TEST_HOOKS: "1", ...env }, command ? { command } : {});
  started.push(server);
  await server.waitFor("listening on", 60_000);
  return { server, port };
}

/** Whether something still listens on the port (an orphaned process would). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => resolve(!!socket.destroy()));
    socket.once("error", () => resolve(false));
  });
}

/** An HTTP/1.1 connection by hand, so that the test decides when each byte is sent. */
function rawConnection(port: number): Promise<Socket & { received: () => string; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
    const ended = new Promise<void>((done) => socket.once("close", () => done()));
    socket.once("error", reject);
    socket.once("connect", () => resolve(Object.assign(socket, { received: () => received, ended })));
  });
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const SLOW_BODY = JSON.stringify({ userIds: [] });
const slowRequest = (port: number) =>
  `POST /__test/cleanup HTTP/1.1\r\nHost: localhost:${port}\r\nContent-Type: application/json\r\nContent-Length: ${SLOW_BODY.length}\r\n\r\n`;

test.describe("stopping the server", () => {
  test("`npm run serve` passes SIGTERM on: the server exits 0 and frees its port", async () => {
    const { server, port } = await startServer({}, ["npm", "run", "serve"]);
    expect(await listening(port)).toBe(true);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    await until(async () => !(await listening(port)), 5_000, "the port is free");
    expect(server.output()).toContain("stopped cleanly");
  });

  test("SIGTERM drains: idle connections closed and new ones refused at once, in-flight requests finished, exit 0", async () => {
    const { server, port } = await startServer();
    const idle = await rawConnection(port);
    idle.write(`GET /api/health/live HTTP/1.1\r\nHost: localhost:${port}\r\n\r\n`);
    await until(() => idle.received().includes("alive"), 5_000, "the idle connection's first answer");
    const busy = await rawConnection(port);
    busy.write(slowRequest(port) + SLOW_BODY.slice(0, 5));
    await new Promise((resolve) => setTimeout(resolve, 200));

    const stoppedAt = Date.now();
    server.child.kill("SIGTERM");
    // Relayed twice, as a supervisor signalling the group and a parent passing it on do: the drain goes on.
    server.child.kill("SIGTERM");
    await idle.ended;
    expect(Date.now() - stoppedAt).toBeLessThan(1_000);
    await until(async () => !(await listening(port)), 1_000, "new connections refused");

    // The request that was in flight is finished, and told that the connection closes.
    busy.write(SLOW_BODY.slice(5));
    await busy.ended;
    expect(busy.received()).toMatch(/^HTTP\/1\.1 200 /u);
    expect(busy.received().toLowerCase()).toContain("connection: close");
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain("SIGTERM: draining (1 requests in flight");
    expect(server.output()).toContain("stopped cleanly");
  });

  test("a request still running when the grace is over is cut off, and the exit code says so", async () => {
    const { server, port } = await startServer({ SHUTDOWN_GRACE_SECONDS: "1" });
    const busy = await rawConnection(port);
    busy.write(slowRequest(port) + SLOW_BODY.slice(0, 5));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stoppedAt = Date.now();
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(1);
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    expect(server.output()).toContain("stopped after the 1 s grace: 1 requests cut off");
    await busy.ended;
  });
});
