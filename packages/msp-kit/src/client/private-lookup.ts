import { decodeResponse, encodeRequest, fieldValue } from "../bhttp/message.ts";
import { parseCsiInput } from "../identifiers/parse-csi-input.ts";
import { parseIdentifier } from "../identifiers/parse-identifier.ts";
import { encapsulateRequest, OHTTP_REQUEST_MEDIA_TYPE, OHTTP_RESPONSE_MEDIA_TYPE } from "../ohttp/encapsulation.ts";
import { decodeKeyConfigs, type KeyConfig } from "../ohttp/key-config.ts";
import { OhttpError } from "../ohttp/ohttp-error.ts";
import { formatTokenAuthorization } from "../privacy-pass/auth-header.ts";
import { resolveForSender, type SenderContext } from "../resolver/resolve.ts";
import { isRecord } from "../verifier/read-proof.ts";
import { verifyLookupAnswer } from "../verifier/verify-lookup-answer.ts";
import type { BatchSlot, Sender, VerifiedLookup } from "./create-lookup-client.ts";
import { fetchDpConfig, type DpConfig } from "./dp-config.ts";
import { describeFetchError, DpError } from "./dp-error.ts";
import { privateEndpoints, type PrivateEndpoints } from "./private-config.ts";
import { readRefusal, refusalOf } from "./read-refusal.ts";

export type PrivateLookupOptions = {
  /** The DP's origin: its metadata, keys and OHTTP key configuration are fetched from it (they are public). */
  dp: string;
  /** The OHTTP relay's URL. The relay sees this machine's address, never what it asks; the DP the reverse. */
  relay: string;
  /** One token per distinct identifier, spent in order (createTokenClient fetches them). */
  tokens: Uint8Array[] | (() => Promise<Uint8Array>);
  sender?: Sender;
  fetch?: typeof globalThis.fetch;
  now?: () => Date;
  timeoutMs?: number;
  /** How many private requests are in flight at once. */
  concurrency?: number;
  /**
   * The DP's public documents, fetched beforehand (`fetchDpConfig`, and the `application/ohttp-keys` bytes of its
   * gateway): the same for every client, so a server can hand them to its clients and no client needs to contact
   * the DP directly, right before its lookups, where the DP could see its address.
   */
  preloaded?: { config: DpConfig; keyConfigs: Uint8Array };
};

/** Inner requests are padded to this, so that a relay watching sizes cannot tell a short email from a long one. */
const REQUEST_PADDING = 1024;
const UNNAMED_MSP = "an unnamed MSP";

type Setup = { config: DpConfig; endpoints: PrivateEndpoints; keys: KeyConfig[] };

export type PrivateLookupClient = {
  /** Looks up, verifies and resolves, one private request and one token per distinct identifier. */
  lookup(csis: readonly unknown[], options: { tokens: PrivateLookupOptions["tokens"]; sender?: Sender }): Promise<BatchSlot[]>;
  /** One private request for one normalised CSI URI, its answer unverified: for measuring the transport. */
  send(csi: string, token: Uint8Array): Promise<unknown>;
};

/**
 * Private lookups (protocol section 7): each identifier is its own Binary HTTP request, with its own token,
 * encapsulated to the DP's gateway key and sent through the relay, so that the DP learns neither who asks nor that
 * two identifiers came from one address book. Answers are verified and resolved exactly as `batch` does; the result
 * is what `batch` returns, one slot per input, invalid identifiers in their slot and never sent. The DP's metadata,
 * keys and gateway key configuration are fetched once per client.
 */
export function createPrivateLookupClient(options: Omit<PrivateLookupOptions, "tokens" | "sender">): PrivateLookupClient {
  const fetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? 10_000;
  const relay = parseRelay(options.relay);
  let setup: Promise<Setup> | undefined;
  const getSetup = () => {
    setup ??= options.preloaded ? preloadedSetup(options.preloaded, options.dp) : load(options.dp, fetch, timeoutMs);
    setup.catch(() => (setup = undefined));
    return setup;
  };
  const send = async (csi: string, token: Uint8Array) => sendOne(await getSetup(), relay, csi, token, { fetch, timeoutMs, dp: options.dp });

  return {
    send,
    async lookup(csis, { tokens, sender }) {
      if (sender?.csi !== undefined) parseIdentifier(sender.csi);
      const slots = csis.map((input) => ({ input, parsed: parseCsiInput(input) }));
      const unique = [...new Set(slots.flatMap((slot) => (slot.parsed.ok ? [slot.parsed.csi.uri] : [])))];
      const takeToken = tokenTaker(tokens, unique.length);
      const { config } = await getSetup();
      const answers = new Map<string, VerifiedLookup>();

      const lookUpOne = async (csi: string) => {
        const answer = await send(csi, await takeToken());
        if (!isRecord(answer) || typeof answer.result !== "string" || !Array.isArray(answer.mappings)) {
          throw new DpError("bad_answer", "the private lookup answered with something that is not a lookup result {csi, result, mappings}");
        }
        const verified = await verifyLookupAnswer(answer, csi, { issuer: config.issuer, rpId: config.rpId, jwks: config.jwks, now: now() });
        let resolution = null;
        if (sender) {
          const context: SenderContext = { senderMsp: sender.msp ?? UNNAMED_MSP };
          if (sender.context !== undefined) context.context = sender.context;
          if (sender.csi !== undefined) context.senderCsi = parseIdentifier(sender.csi).uri;
          resolution = await resolveForSender(verified.usable, context, { now: now() });
        }
        answers.set(csi, { ...verified, csi, result: answer.result, resolution, rateLimit: {} });
      };

      let next = 0;
      const worker = async () => {
        while (next < unique.length) await lookUpOne(unique[next++]!);
      };
      await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, unique.length) }, worker));
      return slots.map(({ input, parsed }) => (parsed.ok ? answers.get(parsed.csi.uri)! : { input, error: parsed.error }));
    },
  };
}

/** One-shot: a private lookup client for this call only. */
export function privateLookup(csis: readonly unknown[], options: PrivateLookupOptions): Promise<BatchSlot[]> {
  const { tokens, sender, ...rest } = options;
  return createPrivateLookupClient(rest).lookup(csis, { tokens, ...(sender && { sender }) });
}

function parseRelay(relay: string): URL {
  let url: URL;
  try {
    url = new URL(relay);
  } catch {
    throw new DpError("bad_input", `--relay must be a URL such as https://relay.example/, not ${JSON.stringify(relay)}`);
  }
  const loopback = url.hostname === "localhost" || url.hostname === "[::1]" || /^127\./u.test(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new DpError("insecure", `the relay ${url.href} is not https://: the relay must not see more than the DP's address, and neither must the network`);
  }
  return url;
}

function tokenTaker(tokens: PrivateLookupOptions["tokens"], needed: number): () => Promise<Uint8Array> {
  if (typeof tokens === "function") return tokens;
  if (tokens.length < needed) throw new DpError("bad_input", `${needed} identifiers need ${needed} tokens; ${tokens.length} were given`);
  let index = 0;
  return () => Promise.resolve(tokens[index++]!);
}

async function preloadedSetup(preloaded: NonNullable<PrivateLookupOptions["preloaded"]>, dp: string): Promise<Setup> {
  const keys = decodeKeyConfigs(preloaded.keyConfigs);
  if (keys.length === 0) throw new DpError("bad_input", "the preloaded key configuration offers no key this client can use (X25519, HKDF-SHA256, AES-GCM)");
  return { config: preloaded.config, endpoints: privateEndpoints(preloaded.config, dp), keys };
}

async function load(dp: string, fetch: typeof globalThis.fetch, timeoutMs: number): Promise<Setup> {
  const config = await fetchDpConfig(dp, fetch);
  const endpoints = privateEndpoints(config, dp);
  return { config, endpoints, keys: await fetchKeys(endpoints.keysUri, fetch, timeoutMs) };
}

async function fetchKeys(url: URL, fetch: typeof globalThis.fetch, timeoutMs: number): Promise<KeyConfig[]> {
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

async function sendOne(setup: Setup, relay: URL, csi: string, token: Uint8Array, io: { fetch: typeof globalThis.fetch; timeoutMs: number; dp: string }, retried = false): Promise<unknown> {
  const target = setup.endpoints.lookupEndpoint;
  const inner = encodeRequest(
    {
      method: "POST",
      scheme: target.protocol.slice(0, -1),
      authority: target.host,
      path: target.pathname,
      headers: [
        ["content-type", "application/json"],
        ["authorization", formatTokenAuthorization(token)],
      ],
      content: new TextEncoder().encode(JSON.stringify({ csi })),
    },
    { padTo: REQUEST_PADDING },
  );
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
        return sendOne(setup, relay, csi, token, io, true);
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
    answer = decodeResponse(await encapsulated.openResponse(new Uint8Array(await response.arrayBuffer())));
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
    throw new DpError("refused", `the DP refused the private lookup: ${refusal.status} ${refusal.code ?? "(no code)"}: ${refusal.detail ?? "no problem details"}`, { ...refusal, statusText: "" });
  }
  if (fieldValue(answer.headers, "content-type")?.startsWith("application/json") !== true || json === undefined) {
    throw new DpError("bad_answer", "the private lookup answered with something other than JSON");
  }
  return json;
}
