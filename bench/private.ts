import { createPrivateLookupClient, createTokenClient } from "@mimi-discovery/msp-kit";
import { createPicker } from "./dataset";
import { timedLoop } from "./timed-loop";

export type { TimedResult } from "./timed-loop";

/**
 * The private phases of `npm run bench` (protocol section 7): token issuance through the token request endpoint,
 * then single lookups through a local OHTTP relay, each paid with one of the tokens just issued. Both run closed-loop
 * like the direct phases, with the client's own work (blinding and unblinding, encapsulation) in the measured time,
 * since an MSP pays for it too; answers are checked but not verified, as in the direct phases.
 */
/**
 * Tokens fetched back to back for `seconds` (after a warm-up whose tokens are kept too), in generic batches of
 * `batchSize` (1: one RFC 9578 request per token), as the kit fetches them; every token is pooled.
 */
export async function measureIssuance(options: { dp: string; apiKey: string; concurrency: number; warmupSeconds: number; seconds: number; batchSize: number }) {
  const client = createTokenClient({ dp: options.dp, apiKey: options.apiKey });
  const pool: Uint8Array[] = [];
  const op = async () => {
    const tokens = await client.fetchTokens(options.batchSize, { batchSize: options.batchSize, concurrency: 1 });
    pool.push(...tokens);
    return tokens.length === options.batchSize ? undefined : `${tokens.length} of ${options.batchSize} tokens issued`;
  };
  if (options.warmupSeconds > 0) await timedLoop({ target: "issuance warm-up", concurrency: options.concurrency, seconds: options.warmupSeconds, op });
  const before = pool.length;
  const result = await timedLoop({ target: `token issuance (batches of ${options.batchSize})`, concurrency: options.concurrency, seconds: options.seconds, op });
  return { result, pool, tokensPerSecond: (pool.length - before) / result.elapsedSeconds };
}

/** What both private lookup phases are given: where to send, the tokens to spend, and the identifiers to ask. */
type PrivatePhaseOptions = {
  dp: string;
  relay: string;
  pool: Uint8Array[];
  n: number;
  hitRatio: number;
  seed: number;
  concurrency: number;
  warmupSeconds: number;
  seconds: number;
};

/** Single private lookups through the relay, the same identifier sequence as the direct single phase. */
export async function measurePrivateLookups(options: PrivatePhaseOptions) {
  const client = createPrivateLookupClient({ dp: options.dp, relay: options.relay, timeoutMs: 30_000 });
  const pick = createPicker(options.n, options.hitRatio, options.seed);
  const op = () => {
    const token = options.pool.pop();
    if (!token) return "stop" as const;
    const { csi, hit } = pick();
    return client.send(csi, token).then((answer) => {
      const item = answer as { csi?: string; result?: string };
      if (item.csi !== csi) return `expected an answer about ${csi}, got ${JSON.stringify(answer).slice(0, 120)}`;
      if ((item.result === "none") === hit) return `${csi} was ${hit ? "seeded" : "never seeded"} but the answer says ${item.result}`;
      return undefined;
    });
  };
  if (options.warmupSeconds > 0) await timedLoop({ target: "private warm-up", concurrency: options.concurrency, seconds: options.warmupSeconds, op });
  return timedLoop({ target: "private (relay + token)", concurrency: options.concurrency, seconds: options.seconds, op });
}

/**
 * Private lookups through OPRF-keyed buckets (protocol section 7), one identifier each, as an MSP would make them:
 * blind, evaluate through the relay (one token), finalise and check the proof, fetch the bucket through the relay (one
 * token), find, decrypt and verify the record. Unlike the other phases the answer is verified, since decrypting and
 * verifying is the only way to read it. The bytes the relay carried back are counted per lookup.
 */
export async function measureBucketLookups(options: PrivatePhaseOptions) {
  const bytes = { requests: 0, answers: 0, lookups: 0 };
  const counting = (async (input: string | URL | Request, init?: RequestInit) => {
    const response = await fetch(input, init);
    if (String(input instanceof Request ? input.url : input).startsWith(options.relay)) {
      const body = new Uint8Array(await response.arrayBuffer());
      bytes.requests += init?.body instanceof Uint8Array ? init.body.length : 0;
      bytes.answers += body.length;
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    }
    return response;
  }) as typeof fetch;
  const client = createPrivateLookupClient({ dp: options.dp, relay: options.relay, timeoutMs: 30_000, fetch: counting });
  const pick = createPicker(options.n, options.hitRatio, options.seed + 2);
  const op = () => {
    if (options.pool.length < 2) return "stop" as const;
    const tokens = [options.pool.pop()!, options.pool.pop()!];
    const { csi, hit } = pick();
    return client.lookup([csi], { tokens, method: "buckets" }).then(([slot]) => {
      bytes.lookups += 1;
      if (!slot || "error" in slot) return `${csi}: not an identifier`;
      if (slot.csi !== csi) return `expected an answer about ${csi}, got one about ${slot.csi}`;
      if (!slot.ok) return `${csi}: the record or its mappings did not verify`;
      if ((slot.result === "none") === hit) return `${csi} was ${hit ? "seeded" : "never seeded"} but the record says ${slot.result}`;
      return undefined;
    });
  };
  if (options.warmupSeconds > 0) await timedLoop({ target: "buckets warm-up", concurrency: options.concurrency, seconds: options.warmupSeconds, op });
  Object.assign(bytes, { requests: 0, answers: 0, lookups: 0 });
  const result = await timedLoop({ target: "private through buckets (relay + 2 tokens)", concurrency: options.concurrency, seconds: options.seconds, op });
  return { result, requestBytesPerLookup: bytes.requests / Math.max(1, bytes.lookups), answerBytesPerLookup: bytes.answers / Math.max(1, bytes.lookups) };
}
