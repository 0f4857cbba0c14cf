import { createPublicKey, type KeyObject } from "node:crypto";
import type { DirectoryDp } from "@mimi-discovery/msp-kit";

const FETCH_TIMEOUT_MS = 3_000;
// Short enough that a peer's rotation is seen within minutes; an unknown kid refetches sooner, but not on every
// request, so that requests naming made-up kids cannot make this DP hammer a peer's JWKS.
const KEEP_MS = 5 * 60_000;
const REFETCH_UNKNOWN_KID_AFTER_MS = 30_000;

type Jwk = { kid?: string; kty?: string; crv?: string; x?: string; y?: string };

const cache = new Map<string, { keys: Jwk[]; until: number; fetchedAt: number }>();

/**
 * The public keys of a DP of the directory with this kid, from its jwks_uri (section 3), as node KeyObjects. A
 * kid not in the cached set triggers one refetch, so a freshly rotated peer key verifies without waiting.
 */
export async function peerKeys(dp: DirectoryDp, kid: string, now: Date): Promise<KeyObject[]> {
  let entry = cache.get(dp.issuer);
  const unknownKid = entry !== undefined && !entry.keys.some((key) => key.kid === kid) && now.getTime() - entry.fetchedAt >= REFETCH_UNKNOWN_KID_AFTER_MS;
  if (!entry || entry.until <= now.getTime() || unknownKid) {
    entry = { keys: await fetchKeys(dp.jwks_uri), until: now.getTime() + KEEP_MS, fetchedAt: now.getTime() };
    cache.set(dp.issuer, entry);
  }
  return entry.keys.filter((key) => key.kid === kid).flatMap((key) => {
    try {
      return [createPublicKey({ key: { kty: key.kty, crv: key.crv, x: key.x, y: key.y } as never, format: "jwk" })];
    } catch {
      return [];
    }
  });
}

export function forgetPeerKeys(): void {
  cache.clear();
}

async function fetchKeys(url: string): Promise<Jwk[]> {
  try {
    const response = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) return [];
    const body = (await response.json()) as { keys?: unknown };
    return Array.isArray(body.keys) ? (body.keys.filter((key) => typeof key === "object" && key !== null) as Jwk[]) : [];
  } catch {
    return [];
  }
}
