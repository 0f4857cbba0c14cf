import { readFile } from "node:fs/promises";
import type { JWK } from "jose";
import type { FederationConfig } from "@/env";
import { DirectoryError, verifyDirectory, type Directory } from "@mimi-discovery/msp-kit";

const FETCH_TIMEOUT_MS = 5_000;
const MAX_DIRECTORY_BYTES = 4 * 1024 * 1024;

export type TrustedDirectory = { directory: Directory; jws: string };

// A cache, not state: any instance can fetch the same directory again; it is dropped at the directory's expiry.
const cache = new Map<string, { trusted: TrustedDirectory; until: number }>();

/**
 * The directory this DP trusts: fetched from DIRECTORY_URL (or read from DIRECTORY_FILE), its signature checked
 * against DIRECTORY_KEYS, kept until it expires. Undefined when no directory is configured; a DirectoryError
 * (bad signature, expired, unreachable, malformed) when one is configured and cannot be trusted.
 */
export async function loadDirectory(config: FederationConfig, now: Date): Promise<TrustedDirectory | undefined> {
  const source = config.directoryUrl ?? config.directoryFile;
  if (!source) return undefined;
  const cached = cache.get(source);
  if (cached && cached.until > now.getTime()) return cached.trusted;
  const jws = config.directoryUrl ? await fetchDirectory(config.directoryUrl) : await readDirectoryFile(config.directoryFile!);
  const directory = await verifyDirectory(jws, config.directoryKeys as JWK[], now);
  const trusted = { directory, jws };
  cache.set(source, { trusted, until: directory.exp * 1000 });
  return trusted;
}

/** The signed directory this DP publishes at /.well-known/mimi-directory, checked like any other before serving. */
export async function loadPublishedDirectory(config: FederationConfig, now: Date): Promise<TrustedDirectory | undefined> {
  if (!config.directoryFile) return undefined;
  return loadDirectory({ ...config, directoryUrl: undefined }, now);
}

export function forgetDirectories(): void {
  cache.clear();
}

async function fetchDirectory(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/jose, text/plain" }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw new DirectoryError("unreachable", `The directory at ${url} cannot be fetched (${(error as Error).message}).`);
  }
  if (!response.ok) throw new DirectoryError("unreachable", `The directory at ${url} answered ${response.status}.`);
  const text = await response.text();
  if (text.length > MAX_DIRECTORY_BYTES) throw new DirectoryError("malformed", `The directory at ${url} is larger than ${MAX_DIRECTORY_BYTES} bytes.`);
  return text.trim();
}

async function readDirectoryFile(file: string): Promise<string> {
  try {
    return (await readFile(file, "utf8")).trim();
  } catch (error) {
    throw new DirectoryError("unreachable", `The directory file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}).`);
  }
}
