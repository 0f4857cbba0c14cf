import { readFileSync } from "node:fs";
import { type Agent, request } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import type { Readable } from "node:stream";

/**
 * Calls the app's Next server actions over HTTP the way the browser's router does: a POST to the page the action
 * is used on, with `Next-Action: <id>`, `Accept: text/x-component`, the arguments encoded by React's own
 * `encodeReply`, the session cookie and the page's Origin; the answer is the React Flight stream, decoded by React's
 * own Flight client (the one Next ships, `next/dist/compiled/react-server-dom-webpack/client.node`). Action ids
 * are not stable across builds: they are read from the production build's `server-reference-manifest.json`.
 */
type ManifestEntry = { workers: Record<string, unknown>; filename?: string; exportedName?: string };
type FlightClient = {
  encodeReply(value: unknown): Promise<string | FormData>;
  createFromNodeStream(stream: Readable, manifest: { moduleMap: Record<string, never>; serverModuleMap: null; moduleLoading: null }): Promise<unknown>;
};

const flight = createRequire(import.meta.url)("next/dist/compiled/react-server-dom-webpack/client.node") as FlightClient;

/** The id of each named export of `filename` that the production build bundled for `page`. */
export function findActionIds(buildDir: string, page: string, filename: string, names: readonly string[]): Record<string, string> {
  const file = path.join(buildDir, "server", "server-reference-manifest.json");
  const manifest = JSON.parse(readFileSync(file, "utf8")) as { node: Record<string, ManifestEntry> };
  const ids: Record<string, string> = {};
  for (const name of names) {
    const found = Object.entries(manifest.node).filter(([, entry]) => entry.filename === filename && entry.exportedName === name && page in entry.workers);
    if (found.length !== 1) throw new Error(`${file} lists ${found.length} server actions named ${name} from ${filename} for ${page}, expected 1: rebuild (run without --no-build)`);
    ids[name] = found[0]![0];
  }
  return ids;
}

export type ActionCall = { status: number; result?: unknown; problem?: string };

const TIMEOUT_MS = 30_000;

/**
 * One server action call. `base` is where the request goes (the balancer or the instance), `origin` the site the
 * browser is on (the DP's public origin: Next refuses an action whose Origin is not the host it serves).
 */
export async function callAction(options: { agent: Agent; base: string; origin: string; page: string; actionId: string; cookie: string; args: unknown[] }): Promise<ActionCall> {
  const body = await flight.encodeReply(options.args);
  if (typeof body !== "string") throw new Error("unreachable: plain JSON arguments encode to a string");
  const url = new URL(options.page, options.base);
  const payload = Buffer.from(body);
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: "POST",
        agent: options.agent,
        timeout: TIMEOUT_MS,
        headers: {
          host: new URL(options.origin).host,
          origin: options.origin,
          accept: "text/x-component",
          "next-action": options.actionId,
          "content-type": "text/plain;charset=UTF-8",
          "content-length": String(payload.length),
          cookie: options.cookie,
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const type = String(res.headers["content-type"] ?? "");
        if (status !== 200 || !type.startsWith("text/x-component")) {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve({ status, problem: `HTTP ${status} ${type}: ${Buffer.concat(chunks).toString("utf8").slice(0, 300)}` }));
          res.on("error", (error) => resolve({ status, problem: error.message }));
          return;
        }
        // An action's answer is the Flight row 0 ({ a: its result, b: the build id, ... }).
        flight.createFromNodeStream(res, { moduleMap: {}, serverModuleMap: null, moduleLoading: null }).then(
          async (root) => resolve({ status, result: await (root as { a: unknown }).a }),
          (error: unknown) => resolve({ status, problem: `the Flight answer did not decode: ${error instanceof Error ? error.message : String(error)}` }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    req.on("error", (error) => resolve({ status: 0, problem: `network: ${error.message}` }));
    req.end(payload);
  });
}
