import { createServer, request, Agent, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createDrainer } from "./drain";

/** A real server whose requests take `?ms=` milliseconds, drained by createDrainer. */
async function start() {
  const server = createServer((req, res) => {
    const ms = Number(new URL(req.url ?? "/", "http://x").searchParams.get("ms") ?? 0);
    setTimeout(() => res.end("done"), ms);
  });
  const drainer = createDrainer(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, drainer, port };
}

const agents: Agent[] = [];
afterEach(() => {
  for (const agent of agents.splice(0)) agent.destroy();
});

function get(port: number, path: string, agent: Agent): Promise<{ response: IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: "127.0.0.1", path, agent }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ response, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const keepAlive = () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  agents.push(agent);
  return agent;
};

describe("draining a server", () => {
  it("closes idle keep-alive connections at once, and refuses new connections", async () => {
    const { drainer, port } = await start();
    const agent = keepAlive();
    await get(port, "/", agent);
    const idle = Object.values(agent.freeSockets).flat()[0]!;
    const closed = new Promise((resolve) => idle.once("close", resolve));
    const started = performance.now();
    const outcome = drainer.drain(10_000);
    await closed;
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await outcome).toEqual({ clean: true, cutOff: 0, unfinishedWork: 0 });
    const refused = await new Promise<string>((resolve) => connect(port, "127.0.0.1").once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "")).once("connect", () => resolve("connected")));
    expect(refused).toBe("ECONNREFUSED");
  });

  it("lets in-flight requests finish, tells their clients to close, and then resolves clean", async () => {
    const { drainer, port } = await start();
    const agent = keepAlive();
    const slow = get(port, "/?ms=400", agent);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(drainer.inFlight).toBe(1);
    const outcome = drainer.drain(10_000);
    const { response, body } = await slow;
    expect(body).toBe("done");
    expect(response.headers.connection).toBe("close");
    expect(await outcome).toEqual({ clean: true, cutOff: 0, unfinishedWork: 0 });
  });

  it("closes a keep-alive connection as soon as its in-flight answer is sent", async () => {
    const { server, port } = await start();
    // The answer's headers go out before the drain starts, with keep-alive; the connection must close after it.
    server.removeAllListeners("request");
    const drainer = createDrainer(server);
    server.on("request", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("part");
      setTimeout(() => res.end(" and the rest"), 300);
    });
    const agent = keepAlive();
    const answer = get(port, "/", agent);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    const outcome = drainer.drain(10_000);
    expect((await answer).body).toBe("part and the rest");
    expect((await outcome).clean).toBe(true);
    // Not at the agent's keep-alive timeout: right after the answer.
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it("waits for tracked background work", async () => {
    const { drainer } = await start();
    let finished = false;
    void drainer.track(new Promise<void>((resolve) => setTimeout(() => resolve(void (finished = true)), 300)));
    expect(await drainer.drain(10_000)).toEqual({ clean: true, cutOff: 0, unfinishedWork: 0 });
    expect(finished).toBe(true);
  });

  it("cuts off what is still running when the grace is over, and says so", async () => {
    const { drainer, port } = await start();
    const cut = get(port, "/?ms=5000", keepAlive()).then(() => "answered", (error: NodeJS.ErrnoException) => error.code);
    void drainer.track(new Promise(() => {}));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    expect(await drainer.drain(300)).toEqual({ clean: false, cutOff: 1, unfinishedWork: 1 });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await cut).toBe("ECONNRESET");
  });
});
