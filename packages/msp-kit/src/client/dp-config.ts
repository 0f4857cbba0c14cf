import { isRecord } from "../verifier/read-proof.ts";
import type { VerifyOptions } from "../verifier/types.ts";
import { describeFetchError, DpError } from "./dp-error.ts";

/** What a verifier needs of a DP (its issuer, rp_id and keys), and the whole metadata for the endpoints. */
export type DpConfig = Pick<VerifyOptions, "issuer" | "rpId" | "jwks"> & {
  metadata: Record<string, unknown>;
  metadataUrl: URL;
};

const FETCH_TIMEOUT_MS = 10_000;

/** Protocol section 3: the DP's metadata names its issuer, its rp_id and where its keys are. */
export async function fetchDpConfig(dp: string, fetch: typeof globalThis.fetch): Promise<DpConfig> {
  const metadataUrl = parseHttpUrl(`${dp.replace(/\/+$/u, "")}/.well-known/mimi-discovery`);
  if (!metadataUrl) throw new DpError("bad_input", `--dp must be an http(s) URL such as https://dp.example, not ${JSON.stringify(dp)}`);
  const metadata = await fetchJson(metadataUrl, dp, fetch);
  if (!isRecord(metadata) || typeof metadata.issuer !== "string" || typeof metadata.rp_id !== "string" || typeof metadata.jwks_uri !== "string") {
    throw new DpError("bad_answer", `the DP at ${dp} publishes metadata without issuer, rp_id and jwks_uri at ${metadataUrl.href}`);
  }
  const jwksUrl = new URL(metadata.jwks_uri, metadataUrl);
  return { issuer: metadata.issuer, rpId: metadata.rp_id, jwks: readJwks(await fetchJson(jwksUrl, dp, fetch), jwksUrl.href), metadata, metadataUrl };
}

export function readJwks(value: unknown, source: string): DpConfig["jwks"] {
  if (!isRecord(value) || !Array.isArray(value.keys) || !value.keys.every(isRecord)) {
    throw new DpError("bad_answer", `${source} is not a JWKS (a JSON object with a "keys" array)`);
  }
  return { keys: value.keys as JsonWebKey[] };
}

/**
 * An endpoint the metadata names, absolute or relative to the metadata's address. An API key only ever travels
 * over https (or to this machine): the DP refuses plain http in production anyway, but only after the key had
 * crossed the network in clear.
 */
export function dpEndpoint(config: DpConfig, member: string, dp: string): URL {
  const value = config.metadata[member];
  if (typeof value !== "string") throw new DpError("bad_answer", `the DP at ${dp} publishes metadata without ${member}`);
  let url: URL;
  try {
    url = new URL(value, config.metadataUrl);
  } catch {
    throw new DpError("bad_answer", `the DP at ${dp} publishes a ${member} that is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
    throw new DpError("insecure", `the DP's ${member.replace(/_/gu, " ")} ${url.href} is not https://, and the API key must not travel in clear beyond this machine`);
  }
  return url;
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname.endsWith(".localhost") || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/u.test(hostname);
}

async function fetchJson(url: URL, dp: string, fetch: typeof globalThis.fetch): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw new DpError("unreachable", `cannot reach the DP at ${dp} (${url.href}): ${describeFetchError(error)}`);
  }
  if (!response.ok) throw new DpError("bad_answer", `the DP at ${dp} answered ${response.status} for ${url.href}`);
  try {
    return await response.json();
  } catch {
    throw new DpError("bad_answer", `the DP at ${dp} answered ${url.href} with something other than JSON`);
  }
}

function parseHttpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:" ? url : undefined;
  } catch {
    return undefined;
  }
}
