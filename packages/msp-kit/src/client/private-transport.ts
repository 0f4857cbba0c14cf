import { DEFAULT_BHTTP_LIMITS } from "../bhttp/fields.ts";
import { decodeResponse, encodeRequest, fieldValue } from "../bhttp/message.ts";
import { encapsulateRequest, OHTTP_REQUEST_MEDIA_TYPE, OHTTP_RESPONSE_MEDIA_TYPE } from "../ohttp/encapsulation.ts";
import { decodeKeyConfigs, type KeyConfig } from "../ohttp/key-config.ts";
import { OhttpError } from "../ohttp/ohttp-error.ts";
import { formatTokenAuthorization } from "../privacy-pass/auth-header.ts";
import type { DpConfig } from "./dp-config.ts";
import { describeFetchError, DpError } from "./dp-error.ts";
import type { PrivateEndpoints } from "./private-config.ts";
import { readRefusal, refusalOf } from "./read-refusal.ts";

/** What every private request needs: the DP's documents and the gateway's keys (refetched once on a rotation). */
export type Setup = { config: DpConfig; endpoints: PrivateEndpoints; keys: KeyConfig[] };
export type Io = { fetch: typeof globalThis.fetch; timeoutMs: number; dp: string };

/** A full buckets answer (8 buckets of 32 one-block records, base64url in JSON) is about 750 KiB; room for full buckets. */
const ANSWER_LIMITS = { ...DEFAULT_BHTTP_LIMITS, maxContentBytes: 8 * 1024 * 1024 };

/** Inner requests are padded to at least this, then to powers of two: a relay sees a size class, not a length. */
const MIN_PADDING = 1024;

export function sizeClassOf(length: number): number {
  let size = MIN_PADDING;
  while (size < length) size *= 2;
  return size;
}

/**
 * One private request (protocol section 7): a Binary HTTP POST of `body` as JSON to `target`, paid with `token`,
 * encapsulated to the gateway's key and sent through the relay. Returns the inner answer's JSON; a refusal, from the
 * relay, the gateway or the endpoint, throws a DpError that says which.
 */
export async function sendPrivate(setup: Setup, relay: URL, request: { target: URL; body: unknown; token: Uint8Array }, io: Io, retried = false): Promise<unknown> {
  const { target } = request;
  const content = new TextEncoder().encode(JSON.stringify(request.body));
  const message = {
    method: "POST",
    scheme: target.protocol.slice(0, -1),
    authority: target.host,
    path: target.pathname,
    headers: [
      ["content-type", "application/json"],
      ["authorization", formatTokenAuthorization(request.token)],
    ] as [string, string][],
    content,
  };
  const inner = encodeRequest(message, { padTo: sizeClassOf(encodeRequest(message).length) });
  const encapsulated = await encapsulateRequest(setup.keys[0]!, inner);
  // Called unbound: a browser's fetch refuses to run as a method of another object ("Illegal invocation").
  const fetch = io.fetch;
  let response: Response;
  try {
    response = await fetch(relay, {
      method: "POST",
      headers: { "content-type": OHTTP_REQUEST_MEDIA_TYPE, accept: OHTTP_RESPONSE_MEDIA_TYPE },
      body: encapsulated.request as Uint8Array<ArrayBuffer>,
      redirect: "error",
      signal: AbortSignal.timeout(io.timeoutMs),
    });
  } catch (error) {
    throw new DpError("unreachable", `cannot reach the relay ${relay.href}: ${describeFetchError(error)}`);
  }
  if (!response.ok || response.headers.get("content-type") !== OHTTP_RESPONSE_MEDIA_TYPE) {
    const refusal = await readRefusal(response);
    if (refusal.code === "ohttp_key_unknown") {
      // Keys rotated since they were fetched: fetch them once more. Still unknown: the relay forwards elsewhere.
      if (!retried) {
        setup.keys = await fetchKeys(setup.endpoints.keysUri, fetch, io.timeoutMs);
        return sendPrivate(setup, relay, request, io, true);
      }
      throw new DpError("refused", `the gateway behind the relay ${relay.href} does not hold the key ${io.dp} publishes: the relay is configured for another gateway than ${setup.endpoints.gateway.href}`, { ...refusal, statusText: response.statusText });
    }
    if (refusal.code === "invalid_encapsulation") {
      throw new DpError("refused", `the gateway behind the relay ${relay.href} cannot open a request encapsulated to the key ${io.dp} publishes: the relay is configured for another gateway than ${setup.endpoints.gateway.href}, or the request was altered on the way (${refusal.detail ?? "no details"})`, { ...refusal, statusText: response.statusText });
    }
    throw new DpError("refused", `the relay or gateway refused the request: ${refusal.status} ${refusal.code ?? "(no code)"}: ${refusal.detail ?? "no problem details"}`, { ...refusal, statusText: response.statusText });
  }
  let answer;
  try {
    answer = decodeResponse(await encapsulated.openResponse(new Uint8Array(await response.arrayBuffer())), ANSWER_LIMITS);
  } catch (error) {
    const reason = error instanceof OhttpError ? error.message : `the inner response is not Binary HTTP: ${(error as Error).message}`;
    throw new DpError("bad_answer", `the relay ${relay.href} answered with something this request's gateway did not seal: ${reason}`);
  }
  const text = new TextDecoder().decode(answer.content);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (answer.status !== 200) {
    const refusal = refusalOf(answer.status, json, new Headers(answer.headers));
    throw new DpError("refused", `the DP refused the private request to ${target.pathname}: ${refusal.status} ${refusal.code ?? "(no code)"}: ${refusal.detail ?? "no problem details"}`, { ...refusal, statusText: "" });
  }
  if (fieldValue(answer.headers, "content-type")?.startsWith("application/json") !== true || json === undefined) {
    throw new DpError("bad_answer", `the private request to ${target.pathname} was answered with something other than JSON`);
  }
  return json;
}

export async function fetchKeys(url: URL, fetch: typeof globalThis.fetch, timeoutMs: number): Promise<KeyConfig[]> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/ohttp-keys" }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new DpError("unreachable", `cannot reach the gateway's key configuration ${url.href}: ${describeFetchError(error)}`);
  }
  if (!response.ok) throw new DpError("bad_answer", `the gateway's key configuration ${url.href} answered ${response.status}`);
  let keys: KeyConfig[];
  try {
    keys = decodeKeyConfigs(new Uint8Array(await response.arrayBuffer()));
  } catch (error) {
    throw new DpError("bad_answer", `the gateway's key configuration ${url.href} cannot be read: ${(error as Error).message}`);
  }
  if (keys.length === 0) throw new DpError("bad_answer", `the gateway's key configuration ${url.href} offers no key this client can use (X25519, HKDF-SHA256, AES-GCM)`);
  return keys;
}
