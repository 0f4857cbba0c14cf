import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "@/test/support/api-server";
import { spawnServer, type SpawnedServer } from "@/test/support/spawn-server";
import { startTcpFaultProxy, type TcpFaultProxy } from "@/test/support/tcp-fault-proxy";
import { createTestDatabase } from "@/test/support/test-database";
import { testEnv } from "@/test/support/test-env";

/** Start-up as an operator meets it, before Next is even loaded: the real server.ts in a child process. */
const started: SpawnedServer[] = [];
afterEach(() => {
  for (const server of started.splice(0)) server.child.kill("SIGKILL");
});

function serve(env: Record<string, string>): SpawnedServer {
  const server = spawnServer({ DATA_DIR: mkdtempSync(path.join(tmpdir(), "mimi-start-")), ...env });
  started.push(server);
  return server;
}

describe("starting the server", () => {
  it("a port already in use: exits non-zero at once, saying which port", async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    try {
      const server = serve({ PORT: String(port) });
      expect(await server.exited).toBe(1);
      expect(server.output()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it("PostgreSQL down: retries with backoff, saying so, answers live 200 and ready 503 meanwhile, then gives up non-zero", async () => {
    const port = await freePort();
    const nobody = await freePort();
    const server = serve({ PORT: String(port), DATABASE_URL: `postgres://postgres@127.0.0.1:${nobody}/postgres`, DATABASE_STARTUP_TIMEOUT_SECONDS: "3" });
    await server.waitFor("retrying in");
    const live = await fetch(`http://127.0.0.1:${port}/api/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: "alive", phase: "starting" });
    const ready = await fetch(`http://127.0.0.1:${port}/api/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get("retry-after")).toBe("5");
    expect(((await ready.json()) as { phase: string }).phase).toBe("starting");
    // Nothing else is served while starting: a 503 problem document, not a hang.
    const lookup = await fetch(`http://127.0.0.1:${port}/api/v1/lookup`, { method: "POST", body: "{}", signal: AbortSignal.timeout(5_000) });
    expect(lookup.status).toBe(503);
    expect(lookup.headers.get("content-type")).toBe("application/problem+json");
    expect(await server.exited).toBe(1);
    const lines = server.output();
    expect(lines).toMatch(/database: not answering \(ECONNREFUSED\); retrying in \d\.\d s, giving up in \d+ s/u);
    expect(lines.match(/retrying in/gu)!.length).toBeGreaterThanOrEqual(2);
    expect(lines).toContain("did not answer within 3 s (DATABASE_STARTUP_TIMEOUT_SECONDS)");
  });
});

describe("losing the log", () => {
  it("a server whose log reader went away still stops cleanly on SIGTERM, instead of spinning on EPIPE", async () => {
    const server = serve({ PORT: String(await freePort()), DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/postgres`, DATABASE_STARTUP_TIMEOUT_SECONDS: "60" });
    await server.waitFor("retrying in");
    // The supervisor's end of the pipes is gone; the server keeps logging its retries into them.
    server.child.stdout!.destroy();
    server.child.stderr!.destroy();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(server.child.exitCode).toBeNull();
    server.child.kill("SIGTERM");
    const code = await Promise.race([server.exited, new Promise((resolve) => setTimeout(() => resolve("still running"), 5_000))]);
    expect(code).toBe(0);
  });
});

describe.skipIf(!testEnv.TEST_DATABASE_URL)("starting the server while PostgreSQL comes up", () => {
  it("keeps retrying and goes on once the database answers", async () => {
    const database = await createTestDatabase({ driver: "postgres" });
    const target = new URL(database.url!);
    const proxyPort = await freePort();
    const url = new URL(target);
    url.port = String(proxyPort);
    const server = serve({ PORT: String(await freePort()), DATABASE_URL: url.toString(), DATABASE_STARTUP_TIMEOUT_SECONDS: "30" });
    let proxy: TcpFaultProxy | undefined;
    try {
      await server.waitFor("retrying in");
      // PostgreSQL "comes up": its port starts answering.
      proxy = await startTcpFaultProxy({ port: Number(target.port || 5432) }, proxyPort);
      await server.waitFor("database: answering after");
    } finally {
      server.child.kill("SIGKILL");
      await server.exited;
      await proxy?.close();
      await database.close();
    }
  });
});
