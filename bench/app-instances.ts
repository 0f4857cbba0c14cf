import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { startBalancer } from "./balancer";
import { startServer, type ServerProcess } from "./servers";

/**
 * The app as the phases see it. One instance: `server.ts` on --port, reached directly, as every run before
 * --instances (so earlier figures stay comparable). More: that many `server.ts` processes on one database, each
 * with --workers workers on a port of its own (--instance-port + i), behind HAProxy on --port; the public origin
 * (the issuer, http://localhost:--port) is then the balancer's, as in a real deployment, and each instance trusts
 * the balancer's X-Forwarded-For (TRUSTED_PROXIES, as the README asks).
 */
export type AppTarget = {
  /** Where the app phases send their requests. */
  url: string;
  path: "direct" | "haproxy";
  instances: ServerProcess[];
  balancer?: ServerProcess & { configFile: string };
};

export async function startApp(options: {
  instances: number;
  port: number;
  instancePort: number;
  /** The environment of an instance listening on `port`. */
  env: (port: number) => NodeJS.ProcessEnv;
  logDir: string;
  stamp: string;
  /** Every process started is handed to the caller's list at once, so a failure part-way still stops it. */
  started: (server: ServerProcess) => void;
  track: (child: ChildProcess) => void;
}): Promise<AppTarget> {
  const start = async (port: number, name: string, logName: string, env: NodeJS.ProcessEnv) => {
    const server = await startServer({
      name,
      entry: "server.ts",
      env,
      healthUrl: `http://127.0.0.1:${port}/api/health`,
      logFile: path.join(options.logDir, `${logName}-${options.stamp}.log`),
      timeoutMs: 120_000,
      track: options.track,
    });
    options.started(server);
    return server;
  };
  if (options.instances === 1) {
    const app = await start(options.port, "app server", "app", options.env(options.port));
    return { url: `http://127.0.0.1:${options.port}`, path: "direct", instances: [app] };
  }
  const ports = Array.from({ length: options.instances }, (_, index) => options.instancePort + index);
  // One after another: each runs the app's bootstrap (migrations, keys), which takes advisory locks anyway.
  const instances: ServerProcess[] = [];
  for (const [index, port] of ports.entries()) {
    instances.push(await start(port, `app instance ${index + 1}`, `app-${index + 1}`, { ...options.env(port), TRUSTED_PROXIES: "127.0.0.1" }));
  }
  const balancer = await startBalancer({ port: options.port, instancePorts: ports, logFile: path.join(options.logDir, `haproxy-${options.stamp}.log`), track: options.track });
  options.started(balancer);
  return { url: `http://127.0.0.1:${options.port}`, path: "haproxy", instances, balancer };
}
