import { parseCsiInput } from "../identifiers/parse-csi-input.ts";
import { parseIdentifier } from "../identifiers/parse-identifier.ts";
import { decodeKeyConfigs } from "../ohttp/key-config.ts";
import { resolveForSender, type SenderContext } from "../resolver/resolve.ts";
import { isRecord } from "../verifier/read-proof.ts";
import { verifyLookupAnswer, type VerifiedAnswer } from "../verifier/verify-lookup-answer.ts";
import { lookUpThroughBuckets } from "./bucket-lookup.ts";
import type { BatchSlot, Sender, VerifiedLookup } from "./create-lookup-client.ts";
import { fetchDpConfig, type DpConfig } from "./dp-config.ts";
import { DpError } from "./dp-error.ts";
import { privateEndpoints } from "./private-config.ts";
import { fetchKeys, sendPrivate, type Setup } from "./private-transport.ts";

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
  /**
   * "buckets" (the default when the DP offers them): OPRF-keyed buckets, so the DP learns neither who asks nor which
   * CSI; tokens: one per distinct identifier, and one per request of up to max_buckets_per_request buckets.
   * "lookup": one POST /api/v1/private/lookup per identifier (part 1), so the DP sees the CSI but not who asks; one
   * token per distinct identifier.
   */
  method?: PrivateLookupMethod;
};

export type PrivateLookupMethod = "buckets" | "lookup";

const UNNAMED_MSP = "an unnamed MSP";

export type PrivateLookupClient = {
  /** Looks up, verifies and resolves privately, through buckets or one request per identifier (`method`). */
  lookup(csis: readonly unknown[], options: { tokens: PrivateLookupOptions["tokens"]; sender?: Sender; method?: PrivateLookupMethod }): Promise<BatchSlot[]>;
  /** How many tokens `lookup` of these identifiers may spend at most with this method. */
  tokensNeeded(csis: readonly unknown[], method?: PrivateLookupMethod): Promise<number>;
  /** One private request for one normalised CSI URI, its answer unverified: for measuring the transport. */
  send(csi: string, token: Uint8Array): Promise<unknown>;
};

/**
 * Private lookups (protocol section 7). Every request is a Binary HTTP request with its own token, encapsulated to
 * the DP's gateway key and sent through the relay, so the DP never learns who asks. With buckets (the default) the
 * DP does not learn which CSIs either: it evaluates blinded elements and serves whole padded buckets
 * (bucket-lookup.ts). With "lookup" each identifier is its own request, so the DP cannot tie two identifiers to one
 * address book but sees each CSI. Answers are verified and resolved exactly as `batch` does; the result is what
 * `batch` returns, one slot per input, invalid identifiers in their slot and never sent. The DP's metadata, keys and
 * gateway key configuration are fetched once per client.
 */
export function createPrivateLookupClient(options: Omit<PrivateLookupOptions, "tokens" | "sender" | "method">): PrivateLookupClient {
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
  const io = { fetch, timeoutMs, dp: options.dp };
  const post = async (target: URL, body: unknown, token: Uint8Array) => sendPrivate(await getSetup(), relay, { target, body, token }, io);
  const send = async (csi: string, token: Uint8Array) => post((await getSetup()).endpoints.lookupEndpoint, { csi }, token);
  const concurrency = options.concurrency ?? 8;
  const uniqueOf = (csis: readonly unknown[]) => [...new Set(csis.flatMap((input) => {
    const parsed = parseCsiInput(input);
    return parsed.ok ? [parsed.csi.uri] : [];
  }))];
  const methodOf = async (asked: PrivateLookupMethod | undefined): Promise<PrivateLookupMethod> => asked ?? ((await getSetup()).endpoints.oprf === undefined ? "lookup" : "buckets");

  return {
    send,
    async tokensNeeded(csis, method) {
      const unique = uniqueOf(csis).length;
      if ((await methodOf(method)) === "lookup") return unique;
      const oprf = (await getSetup()).endpoints.oprf;
      const perRequest = oprf instanceof DpError || oprf === undefined ? 1 : oprf.maxBucketsPerRequest;
      return unique + Math.ceil(unique / perRequest);
    },
    async lookup(csis, { tokens, sender, method }) {
      if (sender?.csi !== undefined) parseIdentifier(sender.csi);
      const slots = csis.map((input) => ({ input, parsed: parseCsiInput(input) }));
      const unique = uniqueOf(csis);
      const setup = await getSetup();
      const { config } = setup;
      const chosen = await methodOf(method);
      const verify = () => ({ issuer: config.issuer, rpId: config.rpId, jwks: config.jwks, now: now() });
      const verified = new Map<string, VerifiedAnswer & { result: string }>();

      if (chosen === "buckets") {
        const oprf = setup.endpoints.oprf;
        if (oprf === undefined) throw new DpError("bad_answer", `the DP at ${options.dp} offers no OPRF-keyed buckets (no private_lookup.oprf in its metadata)`);
        if (oprf instanceof DpError) throw oprf;
        const takeToken = tokenTaker(tokens, unique.length + Math.ceil(unique.length / oprf.maxBucketsPerRequest));
        for (const [csi, answer] of await lookUpThroughBuckets(unique, { oprf, send: post, takeToken, verify: verify(), concurrency })) verified.set(csi, answer);
      } else {
        const takeToken = tokenTaker(tokens, unique.length);
        await inParallel(unique, concurrency, async (csi) => {
          const answer = await send(csi, await takeToken());
          if (!isRecord(answer) || typeof answer.result !== "string" || !Array.isArray(answer.mappings)) {
            throw new DpError("bad_answer", "the private lookup answered with something that is not a lookup result {csi, result, mappings}");
          }
          verified.set(csi, { ...(await verifyLookupAnswer(answer, csi, verify())), result: answer.result });
        });
      }

      const answers = new Map<string, VerifiedLookup>();
      for (const [csi, answer] of verified) {
        let resolution = null;
        if (sender) {
          const context: SenderContext = { senderMsp: sender.msp ?? UNNAMED_MSP };
          if (sender.context !== undefined) context.context = sender.context;
          if (sender.csi !== undefined) context.senderCsi = parseIdentifier(sender.csi).uri;
          resolution = await resolveForSender(answer.usable, context, { now: now() });
        }
        answers.set(csi, { ...answer, csi, resolution, rateLimit: {} });
      }
      return slots.map(({ input, parsed }) => (parsed.ok ? answers.get(parsed.csi.uri)! : { input, error: parsed.error }));
    },
  };
}

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, worker));
}

/** One-shot: a private lookup client for this call only. */
export function privateLookup(csis: readonly unknown[], options: PrivateLookupOptions): Promise<BatchSlot[]> {
  const { tokens, sender, method, ...rest } = options;
  return createPrivateLookupClient(rest).lookup(csis, { tokens, ...(sender && { sender }), ...(method && { method }) });
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
  if (tokens.length < needed) throw new DpError("bad_input", `this lookup needs ${needed} tokens; ${tokens.length} were given`);
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
