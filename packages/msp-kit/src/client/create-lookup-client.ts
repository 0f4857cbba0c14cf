import { parseCsiInput, type CsiInputError } from "../identifiers/parse-csi-input.ts";
import { parseIdentifier } from "../identifiers/parse-identifier.ts";
import { resolveForSender, type Resolution, type SenderContext } from "../resolver/resolve.ts";
import { isRecord } from "../verifier/read-proof.ts";
import { verifyLookupAnswer, type VerifiedAnswer } from "../verifier/verify-lookup-answer.ts";
import type { LookupRequest } from "../wire/lookup.ts";
import { dpEndpoint, fetchDpConfig, type DpConfig } from "./dp-config.ts";
import { describeFetchError, DpError } from "./dp-error.ts";
import { readRefusal } from "./read-refusal.ts";
import type { Directory } from "../directory/directory-schema.ts";
import { createDirectoryVerifier } from "../directory/directory-verifier.ts";
import { verifyFederatedAnswer } from "../directory/verify-federated-answer.ts";

/**
 * Who is asking, as the querying MSP knows it. `msp` and `context` go to the DP with a single lookup (protocol
 * section 4 accepts them, unused); `csi`, the sender's own identifier, never leaves this process (R6): it is only
 * used here, to test particular-sender rules against their selectors.
 */
export type Sender = { msp?: string; csi?: string; context?: string };

export type LookupClientOptions = {
  /** The DP's origin, such as https://dp.example. */
  dp: string;
  /** The MSP API key the DP's operator issued. It is sent only over https, or to this machine. */
  apiKey: string;
  fetch?: typeof globalThis.fetch;
  now?: () => Date;
  timeoutMs?: number;
  /**
   * The trusted directory (protocol section 8), already verified with verifyDirectory: mappings are then checked
   * against the keys of the DP that signed each one, which the directory lists, instead of the asked DP's alone.
   */
  directory?: Directory;
};

/** The RateLimit header fields of the last answer, when the DP sent them. */
export type RateLimitState = { limit?: number; remaining?: number; resetSeconds?: number };

/** One identifier's answer, verified, and resolved for the sender when one was given. */
export type VerifiedLookup = VerifiedAnswer & {
  /** The identifier asked for, normalised. */
  csi: string;
  /** What the DP said; `answerChecks` says when it disagrees with the mappings served. */
  result: string;
  /** Over the mappings that verified only. */
  resolution: Resolution | null;
  rateLimit: RateLimitState;
};

export type BatchSlot = VerifiedLookup | { input: unknown; error: CsiInputError };

export type LookupClient = {
  /** The DP's metadata and keys, fetched once per client. */
  config(): Promise<DpConfig>;
  /** Normalises, looks up, verifies every mapping and resolves for `sender`: one call. */
  lookup(csi: string, options?: { sender?: Sender }): Promise<VerifiedLookup>;
  /** The same for an address book, in order; invalid identifiers get an error slot and are never sent. */
  batch(csis: readonly unknown[], options?: { sender?: Sender }): Promise<BatchSlot[]>;
  /** Verifies a lookup answer obtained some other way, against this DP's keys. */
  verify(answer: unknown, askedFor: string): Promise<VerifiedAnswer>;
  /** Resolves verified mappings (of one CSI) for a sender. */
  resolve(mappings: VerifiedAnswer["usable"], sender: Sender): Promise<Resolution>;
};

const DEFAULT_TIMEOUT_MS = 10_000;
// MSP ids are domain names, which never contain spaces, so this can never be mistaken for (or match) a real MSP.
const UNNAMED_MSP = "an unnamed MSP";

/** The body of a single lookup (protocol section 4): the identifier, and what the sender chose to declare. */
export function lookupRequestBody(csi: string, sender: Sender = {}): LookupRequest {
  const body: LookupRequest = { csi };
  if (sender.msp !== undefined) body.sender_msp = sender.msp;
  if (sender.context !== undefined) body.context = sender.context;
  return body;
}

export function createLookupClient(options: LookupClientOptions): LookupClient {
  const fetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // A Bearer token is one run of visible ASCII; anything else would make fetch throw or the DP answer 401.
  if (!/^[\x21-\x7e]+$/u.test(options.apiKey)) throw new DpError("bad_input", "the API key contains spaces or characters a key never has.");
  let config: Promise<DpConfig> | undefined;

  const getConfig = () => {
    if (!config) {
      config = fetchDpConfig(options.dp, fetch);
      // A failed fetch is not remembered: the next call tries again.
      config.catch(() => (config = undefined));
    }
    return config;
  };

  const directoryVerifier = options.directory ? createDirectoryVerifier({ directory: options.directory, fetch, now }) : undefined;
  const verify = async (answer: unknown, askedFor: string) => {
    if (options.directory && directoryVerifier) return verifyFederatedAnswer(answer, askedFor, { directory: options.directory, verifier: directoryVerifier, now: now() });
    const { issuer, rpId, jwks } = await getConfig();
    return verifyLookupAnswer(answer, askedFor, { issuer, rpId, jwks, now: now() });
  };

  const resolve = (mappings: VerifiedAnswer["usable"], sender: Sender) => {
    const context: SenderContext = { senderMsp: sender.msp ?? UNNAMED_MSP };
    if (sender.context !== undefined) context.context = sender.context;
    if (sender.csi !== undefined) context.senderCsi = parseIdentifier(sender.csi).uri;
    return resolveForSender(mappings, context, { now: now() });
  };

  const finish = async (answer: unknown, askedFor: string, sender: Sender | undefined, rateLimit: RateLimitState): Promise<VerifiedLookup> => {
    const verified = await verify(answer, askedFor);
    const item = answer as { result: string };
    return { ...verified, csi: askedFor, result: item.result, resolution: sender ? await resolve(verified.usable, sender) : null, rateLimit };
  };

  const post = async (member: string, body: unknown): Promise<{ json: unknown; rateLimit: RateLimitState; endpoint: URL }> => {
    const endpoint = dpEndpoint(await getConfig(), member, options.dp);
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: "POST",
        headers: { authorization: `Bearer ${options.apiKey}`, "content-type": "application/json", accept: "application/json, application/problem+json" },
        body: JSON.stringify(body),
        // A redirect would replay the key to wherever it points, or turn the POST into a GET.
        redirect: "error",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new DpError("unreachable", `cannot reach the ${member.replace(/_/gu, " ")} ${endpoint.href}: ${describeFetchError(error)}`);
    }
    if (!response.ok) {
      const refusal = await readRefusal(response);
      throw new DpError("refused", `the DP refused the request: ${refusal.status} ${refusal.code ?? "(no code)"}: ${refusal.detail ?? "no problem details"}`, {
        ...refusal,
        statusText: response.statusText,
      });
    }
    try {
      return { json: await response.json(), rateLimit: readRateLimit(response.headers), endpoint };
    } catch {
      throw new DpError("bad_answer", `the ${member.replace(/_/gu, " ")} ${endpoint.href} answered ${response.status} with something other than JSON`);
    }
  };

  return {
    config: getConfig,
    verify,
    resolve,

    async lookup(csi, { sender } = {}) {
      const askedFor = parseIdentifier(csi).uri;
      if (sender?.csi !== undefined) parseIdentifier(sender.csi); // refuse a bad sender before anything is sent
      const { json, rateLimit, endpoint } = await post("lookup_endpoint", lookupRequestBody(askedFor, sender));
      if (!isRecord(json) || typeof json.csi !== "string" || typeof json.result !== "string" || !Array.isArray(json.mappings)) {
        throw new DpError("bad_answer", `the lookup endpoint ${endpoint.href} answered with something that is not a lookup result {csi, result, mappings}`);
      }
      return finish(json, askedFor, sender, rateLimit);
    },

    async batch(csis, { sender } = {}) {
      if (sender?.csi !== undefined) parseIdentifier(sender.csi);
      const slots = csis.map((input) => ({ input, parsed: parseCsiInput(input) }));
      const valid = slots.flatMap((slot) => (slot.parsed.ok ? [slot.parsed.csi.uri] : []));
      const answers: { item: unknown; rateLimit: RateLimitState }[] = [];
      const maxBatch = Number((await getConfig()).metadata.max_batch) || valid.length || 1;
      for (let start = 0; start < valid.length; start += maxBatch) {
        const chunk = valid.slice(start, start + maxBatch);
        const { json, rateLimit, endpoint } = await post("batch_lookup_endpoint", { csis: chunk });
        const results = isRecord(json) && Array.isArray(json.results) ? json.results : undefined;
        if (!results || results.length !== chunk.length) {
          throw new DpError("bad_answer", `the batch lookup endpoint ${endpoint.href} answered with something that is not one result per identifier sent`);
        }
        answers.push(...results.map((item) => ({ item, rateLimit })));
      }
      let next = 0;
      return Promise.all(
        slots.map(({ input, parsed }) => {
          if (!parsed.ok) return { input, error: parsed.error };
          const { item, rateLimit } = answers[next++]!;
          return finish(item, parsed.csi.uri, sender, rateLimit);
        }),
      );
    },
  };
}

function readRateLimit(headers: Headers): RateLimitState {
  const state: RateLimitState = {};
  const number = (name: string) => {
    const value = headers.get(name);
    return value !== null && /^\d+$/u.test(value) ? Number(value) : undefined;
  };
  const limit = number("ratelimit-limit");
  const remaining = number("ratelimit-remaining");
  const reset = number("ratelimit-reset");
  if (limit !== undefined) state.limit = limit;
  if (remaining !== undefined) state.remaining = remaining;
  if (reset !== undefined) state.resetSeconds = reset;
  return state;
}
