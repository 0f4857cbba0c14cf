import { prepareTokenRequest } from "../privacy-pass/client-issuance.ts";
import { decodePaddedBase64url } from "../privacy-pass/base64.ts";
import { decodeGenericBatchTokenResponse, encodeGenericBatchTokenRequest, GENERIC_BATCH_REQUEST_MEDIA_TYPE, GENERIC_BATCH_RESPONSE_MEDIA_TYPE } from "../privacy-pass/generic-batch.ts";
import { TOKEN_REQUEST_MEDIA_TYPE, TOKEN_RESPONSE_MEDIA_TYPE } from "../privacy-pass/token.ts";
import { isRecord } from "../verifier/read-proof.ts";
import { fetchDpConfig } from "./dp-config.ts";
import { describeFetchError, DpError } from "./dp-error.ts";
import { privateEndpoints } from "./private-config.ts";
import { readRefusal } from "./read-refusal.ts";

export type TokenClientOptions = {
  dp: string;
  /** The MSP API key: token issuance is charged to the MSP's lookup limits, one token per identifier. */
  apiKey: string;
  fetch?: typeof globalThis.fetch;
  now?: () => Date;
  timeoutMs?: number;
};

export type TokenClient = {
  /**
   * `count` fresh tokens, each blinded here, signed by the DP and unblinded here: the DP cannot recognise them. They
   * are asked for in generic batches of `batchSize` (draft-ietf-privacypass-batched-tokens; default 100, at most the
   * DP's 1,000), `concurrency` batches at a time; `batchSize: 1` sends one RFC 9578 TokenRequest per token.
   */
  fetchTokens(count: number, options?: { concurrency?: number; batchSize?: number }): Promise<Uint8Array[]>;
  /** The issuer's current token key (the first usable one of its directory). */
  tokenKey(): Promise<Uint8Array>;
};

/**
 * Privacy Pass issuance for an MSP (RFC 9578 section 6), as the attester of RFC 9576: authenticated with its API key,
 * it fetches tokens for itself or for its users. An MSP that fetches tokens on its users' behalf knows which user
 * got which token; to keep even that from the MSP, run `prepareTokenRequest` on the user's device and let the MSP's
 * server only forward the TokenRequest and TokenResponse bytes.
 */
export function createTokenClient(options: TokenClientOptions): TokenClient {
  const fetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!/^[\x21-\x7e]+$/u.test(options.apiKey)) throw new DpError("bad_input", "the API key contains spaces or characters a key never has.");
  let setup: Promise<{ endpoints: ReturnType<typeof privateEndpoints>; key: Uint8Array }> | undefined;

  const load = () => {
    setup ??= (async () => {
      const endpoints = privateEndpoints(await fetchDpConfig(options.dp, fetch), options.dp);
      let response: Response;
      try {
        response = await fetch(endpoints.directory, { headers: { accept: "application/private-token-issuer-directory, application/json" }, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        throw new DpError("unreachable", `cannot reach the token issuer directory ${endpoints.directory.href}: ${describeFetchError(error)}`);
      }
      if (!response.ok) throw new DpError("bad_answer", `the token issuer directory ${endpoints.directory.href} answered ${response.status}`);
      const directory: unknown = await response.json().catch(() => undefined);
      const keys = isRecord(directory) && Array.isArray(directory["token-keys"]) ? directory["token-keys"] : [];
      const seconds = now().getTime() / 1000;
      // RFC 9578 section 4: the first key of type 2 whose not-before has passed.
      const usable = keys.find((entry) => isRecord(entry) && entry["token-type"] === 2 && typeof entry["token-key"] === "string" && !(typeof entry["not-before"] === "number" && entry["not-before"] > seconds));
      if (!isRecord(usable)) throw new DpError("bad_answer", `the token issuer directory ${endpoints.directory.href} lists no usable key of token type 2`);
      return { endpoints, key: decodePaddedBase64url(usable["token-key"] as string) };
    })();
    setup.catch(() => (setup = undefined));
    return setup;
  };

  const post = async (body: Uint8Array, batch: boolean): Promise<Response> => {
    const { endpoints } = await load();
    let response: Response;
    try {
      response = await fetch(endpoints.tokenRequest, {
        method: "POST",
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          "content-type": batch ? GENERIC_BATCH_REQUEST_MEDIA_TYPE : TOKEN_REQUEST_MEDIA_TYPE,
          accept: batch ? GENERIC_BATCH_RESPONSE_MEDIA_TYPE : TOKEN_RESPONSE_MEDIA_TYPE,
        },
        body: body as Uint8Array<ArrayBuffer>,
        redirect: "error",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new DpError("unreachable", `cannot reach the token request endpoint ${endpoints.tokenRequest.href}: ${describeFetchError(error)}`);
    }
    if (!response.ok) {
      const refusal = await readRefusal(response);
      // A key the directory listed but that no longer issues: look at the directory again next time.
      if (refusal.status === 422 || refusal.status === 400) setup = undefined;
      throw new DpError("refused", `the DP refused the token request: ${refusal.status} ${refusal.code ?? "(no code)"}: ${refusal.detail ?? "no problem details"}`, { ...refusal, statusText: response.statusText });
    }
    return response;
  };

  /** Some tokens, one request; fewer than asked when a batch came back with empty slots (206). */
  const fetchSome = async (count: number): Promise<Uint8Array[]> => {
    const { endpoints, key } = await load();
    const pending = await Promise.all(Array.from({ length: count }, () => prepareTokenRequest({ tokenKey: key, challenge: endpoints.challenge })));
    if (count === 1) {
      const response = await post(pending[0]!.request, false);
      return [await pending[0]!.finalize(new Uint8Array(await response.arrayBuffer()))];
    }
    const response = await post(encodeGenericBatchTokenRequest(pending.map((entry) => entry.request)), true);
    let slots: (Uint8Array | null)[];
    try {
      slots = decodeGenericBatchTokenResponse(new Uint8Array(await response.arrayBuffer()));
    } catch (error) {
      throw new DpError("bad_answer", `the token request endpoint answered a batch that cannot be read: ${(error as Error).message}`);
    }
    if (slots.length !== count) throw new DpError("bad_answer", `the token request endpoint answered ${slots.length} slots for a batch of ${count}`);
    if (slots.includes(null)) setup = undefined;
    return Promise.all(slots.flatMap((slot, index) => (slot ? [pending[index]!.finalize(slot)] : [])));
  };

  return {
    tokenKey: async () => (await load()).key,
    async fetchTokens(count, { concurrency = 4, batchSize = 100 } = {}) {
      if (!Number.isInteger(count) || count < 0) throw new DpError("bad_input", "the number of tokens must be a whole number");
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) throw new DpError("bad_input", "a batch holds 1 to 1,000 tokens");
      const tokens: Uint8Array[] = [];
      let asked = 0;
      let retried = false;
      const worker = async () => {
        while (asked < count) {
          const size = Math.min(batchSize, count - asked);
          asked += size;
          const got = await fetchSome(size);
          tokens.push(...got);
          if (got.length < size) {
            // Empty slots: the key rotated since the directory was read. Ask once more for those, with the new key.
            if (retried) throw new DpError("refused", `the DP issued ${got.length} of ${size} tokens twice in a row: its key does not issue`);
            retried = true;
            asked -= size - got.length;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, Math.ceil(count / batchSize))) }, worker));
      return tokens;
    },
  };
}
