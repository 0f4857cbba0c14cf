import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { OHTTP_REQUEST_MEDIA_TYPE, OHTTP_RESPONSE_MEDIA_TYPE } from "../ohttp/encapsulation.ts";

/**
 * An Oblivious HTTP relay (RFC 9458 section 4): it forwards encapsulated requests to the one gateway it was
 * configured with and the answers back, and nothing else. It strips every client header but the content type, adds
 * nothing (no Forwarded, no X-Forwarded-For, no Via), logs nothing per request, and limits abuse per client address
 * with token buckets held in memory under a keyed hash of the address, for as long as the bucket is not full.
 * Whoever runs it sees client addresses and sizes, never content; the gateway sees content, never addresses.
 */
export type RelayOptions = {
  /** The gateway's URL, such as https://dp.example/api/v1/ohttp: the only place this relay forwards to. */
  gateway: URL;
  /** The path clients POST to (default "/"). Requests to any other path are refused. */
  path?: string;
  /** Per client address: a burst of requests, refilled per second. */
  burst?: number;
  refillPerSecond?: number;
  /** Addresses of trusted proxies in front of the relay, whose X-Forwarded-For is believed. None by default. */
  trustProxy?: (address: string) => boolean;
  maxBodyBytes?: number;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
};

type Bucket = { tokens: number; at: number };

const MAX_TRACKED = 100_000;

export function createRelay(options: RelayOptions): Server {
  const gateway = options.gateway;
  const path = options.path ?? "/";
  const burst = options.burst ?? 60;
  const refill = options.refillPerSecond ?? 1;
  const maxBodyBytes = options.maxBodyBytes ?? 80 * 1024;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const fetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  // Addresses are never kept in clear, even in memory; the key dies with the process.
  const addressKey = randomBytes(32);
  const buckets = new Map<string, Bucket>();

  const allow = (address: string): { ok: true } | { ok: false; retryAfter: number } => {
    const id = createHmac("sha256", addressKey).update(address).digest("base64url");
    const at = now();
    const bucket = buckets.get(id) ?? { tokens: burst, at };
    const tokens = Math.min(burst, bucket.tokens + ((at - bucket.at) / 1000) * refill);
    if (tokens < 1) return { ok: false, retryAfter: Math.max(1, Math.ceil((1 - tokens) / refill)) };
    buckets.delete(id);
    buckets.set(id, { tokens: tokens - 1, at });
    // Full buckets carry no information: forget the oldest entries first when the table grows.
    while (buckets.size > MAX_TRACKED) buckets.delete(buckets.keys().next().value!);
    return { ok: true };
  };

  // Browsers may call the relay from any page (an MSP's web client): it answers CORS, and forwards nothing of it.
  const cors = { "access-control-allow-origin": "*" };
  const refuse = (res: ServerResponse, status: number, code: string, detail: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/problem+json", "cache-control": "no-store", ...cors, ...headers });
    res.end(JSON.stringify({ type: "about:blank", title: detail, status, detail, code }));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // Only an origin-form target naming this relay's path: an absolute URL or another path cannot pick another gateway.
    const target = req.url ?? "";
    // For load balancers and supervisors: says only that the process answers.
    if (req.method === "GET" && target === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain", "cache-control": "no-store" }).end("ok\n");
      return;
    }
    if (req.method === "OPTIONS" && target.split("?")[0] === path) {
      res.writeHead(204, { ...cors, "access-control-allow-methods": "POST", "access-control-allow-headers": "content-type", "access-control-max-age": "86400" }).end();
      return;
    }
    if (!target.startsWith("/") || target.split("?")[0] !== path) {
      refuse(res, 404, "not_found", `This relay forwards POST ${path} to its one configured gateway, and nothing else.`);
      return;
    }
    if (req.method !== "POST") {
      refuse(res, 405, "method_not_allowed", "Send encapsulated requests with POST.", { allow: "POST" });
      return;
    }
    if ((req.headers["content-type"] ?? "").trim().toLowerCase() !== OHTTP_REQUEST_MEDIA_TYPE) {
      refuse(res, 415, "unsupported_media_type", `Send the body as Content-Type: ${OHTTP_REQUEST_MEDIA_TYPE}.`);
      return;
    }
    const forwarded = req.headers["x-forwarded-for"];
    const peer = (req.socket.remoteAddress ?? "").replace(/^::ffff:/u, "");
    const client = options.trustProxy?.(peer) && typeof forwarded === "string" ? (forwarded.split(",").at(-1)?.trim() ?? peer) : peer;
    const allowed = allow(client);
    if (!allowed.ok) {
      refuse(res, 429, "rate_limited", `Too many requests from this address. Try again in ${allowed.retryAfter} seconds.`, { "retry-after": String(allowed.retryAfter) });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBodyBytes) {
        refuse(res, 413, "payload_too_large", `An encapsulated request may be at most ${maxBodyBytes} bytes.`);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    }
    let answer: Response;
    try {
      answer = await fetch(gateway, {
        method: "POST",
        headers: { "content-type": OHTTP_REQUEST_MEDIA_TYPE },
        body: Buffer.concat(chunks),
        redirect: "error",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      refuse(res, 502, "bad_gateway", "The gateway could not be reached.");
      return;
    }
    const body = Buffer.from(await answer.arrayBuffer());
    const type = answer.headers.get("content-type") ?? "";
    // The gateway's own refusals (a key it does not hold, say) are plain problems the client needs to read.
    const passOn = type === OHTTP_RESPONSE_MEDIA_TYPE || type.startsWith("application/problem+json");
    if (!passOn) {
      refuse(res, 502, "bad_gateway", `The gateway answered ${answer.status} with something that is not an encapsulated response.`);
      return;
    }
    const headers: Record<string, string> = { "content-type": type, "cache-control": "no-store", ...cors };
    const retryAfter = answer.headers.get("retry-after");
    if (retryAfter) headers["retry-after"] = retryAfter;
    res.writeHead(answer.status, headers).end(body);
  };

  return createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) refuse(res, 500, "internal_error", "The relay failed.");
      else res.destroy();
    });
  });
}

/** A gateway URL the relay may use: https, or http to this machine. */
export function parseGatewayUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--gateway must be a URL such as https://dp.example/api/v1/ohttp, not ${JSON.stringify(text)}`);
  }
  const loopback = url.hostname === "localhost" || url.hostname === "[::1]" || /^127\./u.test(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) throw new Error(`--gateway ${url.href} must be https:// (http only to this machine)`);
  return url;
}
