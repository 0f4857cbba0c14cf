import { describeFetchError } from "./cli-report";
import { isRecord } from "./read-proof";
import type { VerifyOptions } from "./types";

/** Failures the user can act on (DP down, wrong URL, unreadable file): exit status 2, with the message as is. */
export class CliInputError extends Error {
  override readonly name = "CliInputError";
}

type DpConfig = Pick<VerifyOptions, "issuer" | "rpId" | "jwks"> & {
  /** The whole metadata document and where it came from, for tools that need more of it (the lookup CLI). */
  metadata?: Record<string, unknown>;
  metadataUrl?: URL;
};

const FETCH_TIMEOUT_MS = 10_000;

/** Protocol section 3: the DP's metadata names its issuer, its rp_id and where its keys are. */
export async function fetchDpConfig(dp: string, fetch: typeof globalThis.fetch): Promise<DpConfig> {
  const metadataUrl = parseHttpUrl(`${dp.replace(/\/+$/u, "")}/.well-known/mimi-discovery`);
  if (!metadataUrl) throw new CliInputError(`--dp must be an http(s) URL such as https://dp.example, not ${JSON.stringify(dp)}`);
  const metadata = await fetchJson(metadataUrl, dp, fetch);
  if (!isRecord(metadata) || typeof metadata.issuer !== "string" || typeof metadata.rp_id !== "string" || typeof metadata.jwks_uri !== "string") {
    throw new CliInputError(`the DP at ${dp} publishes metadata without issuer, rp_id and jwks_uri at ${metadataUrl.href}`);
  }
  const jwksUrl = new URL(metadata.jwks_uri, metadataUrl);
  return { issuer: metadata.issuer, rpId: metadata.rp_id, jwks: readJwks(await fetchJson(jwksUrl, dp, fetch), jwksUrl.href), metadata, metadataUrl };
}

export function readJwks(value: unknown, source: string): DpConfig["jwks"] {
  if (!isRecord(value) || !Array.isArray(value.keys) || !value.keys.every(isRecord)) {
    throw new CliInputError(`${source} is not a JWKS (a JSON object with a "keys" array)`);
  }
  return { keys: value.keys as JsonWebKey[] };
}

async function fetchJson(url: URL, dp: string, fetch: typeof globalThis.fetch): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw new CliInputError(`cannot reach the DP at ${dp} (${url.href}): ${describeFetchError(error)}`);
  }
  if (!response.ok) throw new CliInputError(`the DP at ${dp} answered ${response.status} for ${url.href}`);
  try {
    return await response.json();
  } catch {
    throw new CliInputError(`the DP at ${dp} answered ${url.href} with something other than JSON`);
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
