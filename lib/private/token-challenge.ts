import { challengeDigest, encodeTokenChallenge, TOKEN_TYPE_BLIND_RSA } from "@mimi-discovery/msp-kit";

/**
 * The DP's one TokenChallenge (RFC 9577 section 2.1): the DP is both issuer and origin (RFC 9576 section 4.3), so
 * issuer_name and origin_info are both its server name; the redemption context is empty, so tokens can be fetched
 * ahead of time and redeemed later, which keeps issuance and redemption apart in time. Every DP instance derives the
 * same bytes from the public origin.
 */
export function serverName(origin: string): string {
  const url = new URL(origin);
  const defaultPort = url.protocol === "https:" ? "443" : "80";
  return url.port && url.port !== defaultPort ? `${url.hostname}:${url.port}` : url.hostname;
}

/** The challenge's bytes, as the metadata publishes them. */
export function dpTokenChallengeBytes(origin: string): Uint8Array {
  const name = serverName(origin);
  return encodeTokenChallenge({ tokenType: TOKEN_TYPE_BLIND_RSA, issuerName: name, redemptionContext: new Uint8Array(0), originInfo: name });
}

export type DpChallenge = { bytes: Uint8Array; digest: Uint8Array };

const cache = new Map<string, Promise<DpChallenge>>();

export function dpTokenChallenge(origin: string): Promise<DpChallenge> {
  let challenge = cache.get(origin);
  if (!challenge) {
    const bytes = dpTokenChallengeBytes(origin);
    challenge = challengeDigest(bytes).then((digest) => ({ bytes, digest }));
    cache.set(origin, challenge);
  }
  return challenge;
}
