import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { SECURITY_HEADERS } from "./security-headers";

export type WebHandler = (request: Request) => Promise<Response>;

/**
 * Runs a Fetch-API handler (a route's `POST`) on a node:http request. The lookup routes go through here from the
 * custom server, skipping Next's per-request machinery: they need none of it (no pages, no cookies, no
 * middleware), and it cost most of a single lookup's time in `npm run bench`.
 */
export async function serveWebHandler(req: IncomingMessage, res: ServerResponse, handler: WebHandler, origin: string): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
    duplex: "half",
  } as RequestInit);
  const response = await handler(request);
  const out: Record<string, string> = { ...SECURITY_HEADERS };
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  res.writeHead(response.status, out);
  if (!response.body) {
    res.end();
    return;
  }
  res.end(Buffer.from(await response.arrayBuffer()));
}
