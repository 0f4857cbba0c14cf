/**
 * How long the private-lookup keys live (README, "Private lookups"). Each grace period is longer than the caching
 * the well-known documents allow (a day), so a client that fetched keys just before a rotation still succeeds.
 */
const DAY_MS = 24 * 60 * 60 * 1000;

/** An issuer key issues tokens for one epoch, then the next key takes over. */
export const ISSUER_KEY_EPOCH_MS = 30 * DAY_MS;
/** Tokens of a key that stopped issuing are still redeemed for this long; then they are refused and forgotten. */
export const ISSUER_KEY_GRACE_MS = 7 * DAY_MS;
/** A retired OHTTP key still opens requests for this long. */
export const OHTTP_KEY_GRACE_MS = 7 * DAY_MS;
/**
 * An opened encapsulated request is remembered this long, so that a relay (or anyone on the path) replaying it is
 * refused before any work; later, its token is spent anyway. Expiries are rounded up to the window, so the table
 * does not record when a request came.
 */
export const OHTTP_REPLAY_WINDOW_MS = 10 * 60 * 1000;
/** How long an instance trusts the keys it loaded before looking again; a key id it does not know is looked up at once. */
export const KEY_CACHE_MS = 60 * 1000;

export function replayExpiry(now: Date): Date {
  return new Date((Math.ceil(now.getTime() / OHTTP_REPLAY_WINDOW_MS) + 1) * OHTTP_REPLAY_WINDOW_MS);
}

/** A retired OPRF key still answers evaluations and buckets for this long, while clients move to the new key. */
export const OPRF_KEY_GRACE_MS = 7 * DAY_MS;
