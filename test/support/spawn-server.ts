import { spawn, type ChildProcess } from "node:child_process";

export type SpawnedServer = { child: ChildProcess; output: () => string; exited: Promise<number | null>; waitFor: (text: string, timeoutMs?: number) => Promise<void> };

/**
 * The production server (server.ts, as `npm run serve` runs it) as a child process, with the given environment on
 * top of a clean one, its output collected.
 */
export function spawnServer(env: Record<string, string>, options: { command?: string[] } = {}): SpawnedServer {
  const child = spawn(options.command?.[0] ?? process.execPath, options.command?.slice(1) ?? ["--import", "tsx", "server.ts"], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      HOST: "127.0.0.1",
      AUTH_SECRET: "a-test-secret-that-is-long-enough-0123456789",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    waitFor: async (text, timeoutMs = 30_000) => {
      const until = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before saying "${text}":\n${output}`);
        if (Date.now() > until) throw new Error(`the server did not say "${text}" within ${timeoutMs} ms:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}
