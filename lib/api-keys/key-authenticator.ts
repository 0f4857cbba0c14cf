import { hashApiKey, looksLikeApiKey } from "./api-key-format";
import { createKeyCache, type KeyCache, type KeyChange } from "./key-cache";
import type { FeedHandlers, KeyChangeFeed } from "./key-change-feed";
import type { AuthenticatedKey } from "./manage-api-keys";

export type KeyAuthenticator = {
  /** The owner of a bearer key, from memory when this instance verified it lately, else from the database. */
  authenticate: (token: string) => Promise<AuthenticatedKey | null>;
  /** A change this process committed itself: applied at once, before any announcement comes back. */
  invalidate: (change: KeyChange) => void;
  /** Called with each change once it is applied (tests wait on it instead of on time). */
  onChange: (listener: (change: KeyChange) => void) => () => void;
  readonly cache: KeyCache;
  close: () => Promise<void>;
};

// Every authenticator of this process, so that a change committed here reaches each one without a round trip.
const live = new Set<KeyAuthenticator>();

/** Tells every authenticator of this process about a change it committed (announce-key-change.ts). */
export function invalidateLocally(change: KeyChange): void {
  for (const authenticator of live) authenticator.invalidate(change);
}

/**
 * API keys without a query per request: a key verified by `load` (the database) is answered from memory for a few
 * seconds (key-cache.ts), and every change that could make that answer wrong is announced by the database (or
 * Redis) to every instance at once, which forgets the entries it concerns. The cache answers only while every
 * announcement source is listening: a lost LISTEN connection sends each request back to the database until it is
 * back. What is bounded, then, is the time between a revocation's commit and its delivery on the listening
 * connections (milliseconds on one network); a connection that fails silently is caught by its heartbeat, and no
 * entry outlives the TTL whatever happens.
 */
export function createKeyAuthenticator(options: {
  load: (hash: string) => Promise<AuthenticatedKey | null>;
  feeds: ((handlers: FeedHandlers) => KeyChangeFeed)[];
  cache?: KeyCache;
  /**
   * The process's own authenticator: changes committed here reach it without a round trip. False for a second
   * instance simulated in the same process (tests), which must hear of them as another process would.
   */
  process?: boolean;
}): KeyAuthenticator {
  const cache = options.cache ?? createKeyCache();
  const listeners = new Set<(change: KeyChange) => void>();
  const upStates = options.feeds.map(() => false);
  const applyChange = (change: KeyChange) => {
    cache.invalidate(change);
    for (const listener of listeners) listener(change);
  };
  const setUp = (index: number, up: boolean) => {
    upStates[index] = up;
    // Whatever was missed while a source was down is unknown: trusting again starts from an empty cache.
    cache.setTrusted(upStates.every(Boolean));
    applyChange(up ? "feed:up" : "feed:down");
  };
  const feeds = options.feeds.map((start, index) =>
    start({ onChange: applyChange, onUp: () => setUp(index, true), onDown: () => setUp(index, false) }),
  );

  const authenticator: KeyAuthenticator = {
    async authenticate(token) {
      if (!looksLikeApiKey(token)) return null;
      const hash = hashApiKey(token);
      const cached = cache.get(hash);
      if (cached) return cached;
      const ticket = cache.begin();
      const key = await options.load(hash);
      // Only keys that verified: a made-up key costs a query each time, never a slot.
      if (key) cache.store(hash, key, ticket);
      return key;
    },
    invalidate: applyChange,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    cache,
    async close() {
      live.delete(authenticator);
      await Promise.all(feeds.map((feed) => feed.close()));
      cache.setTrusted(false);
    },
  };
  if (options.process) live.add(authenticator);
  return authenticator;
}
