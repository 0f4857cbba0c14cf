import type { AuthenticatedKey } from "./manage-api-keys";

/** How long a verified key is answered from memory at most; a missed announcement is wrong for no longer. */
export const KEY_CACHE_TTL_MS = 15_000;
/** Enough for every live key of a large deployment; past it the least recently used is forgotten. */
export const KEY_CACHE_MAX_ENTRIES = 10_000;

/**
 * Changes announced on the channel (db/migrations/0009): the id of a key, an MSP or a CSIP. Anything else is read
 * as "something changed" and forgets every entry.
 */
export type KeyChange = string;

export type KeyCache = {
  /** A fresh entry for this key hash, or undefined (also whenever the cache is not trusted). */
  get(hash: string): AuthenticatedKey | undefined;
  /** Taken before a load from the database: store() accepts the result only if nothing changed meanwhile. */
  begin(): number;
  store(hash: string, key: AuthenticatedKey, ticket: number): void;
  /** Forgets every entry the change can concern. */
  invalidate(change: KeyChange): void;
  /** Untrusted while an announcement source is down: nothing is answered from memory then, nothing kept. */
  setTrusted(trusted: boolean): void;
  readonly trusted: boolean;
  readonly size: number;
};

type Entry = { key: AuthenticatedKey; expiresAt: number };

/**
 * Verified keys only, keyed by the SHA-256 the database stores: a miss always goes to the database, so an attacker
 * sending made-up keys fills nothing. Bounded in size and age. The ticket closes the race where a load that read a
 * key before its revocation committed would store it after the announcement was handled.
 */
export function createKeyCache(options: { ttlMs?: number; maxEntries?: number; clock?: () => number } = {}): KeyCache {
  const ttlMs = options.ttlMs ?? KEY_CACHE_TTL_MS;
  const maxEntries = options.maxEntries ?? KEY_CACHE_MAX_ENTRIES;
  const clock = options.clock ?? (() => performance.now());
  const entries = new Map<string, Entry>();
  let generation = 0;
  let trusted = false;

  const concerns = (key: AuthenticatedKey, change: KeyChange): boolean | undefined => {
    const [kind, id] = change.split(":", 2);
    if (kind === "key") return key.keyId === id;
    if (kind === "msp") return key.ownerKind === "msp" && key.mspId === id;
    if (kind === "csip") return key.ownerKind === "csip" && key.csipId === id;
    return undefined;
  };

  return {
    get(hash) {
      if (!trusted) return undefined;
      const entry = entries.get(hash);
      if (!entry) return undefined;
      if (entry.expiresAt <= clock()) {
        entries.delete(hash);
        return undefined;
      }
      // Most recently used last, so that eviction takes the oldest use first.
      entries.delete(hash);
      entries.set(hash, entry);
      return entry.key;
    },
    begin: () => generation,
    store(hash, key, ticket) {
      if (!trusted || ticket !== generation) return;
      entries.delete(hash);
      entries.set(hash, { key, expiresAt: clock() + ttlMs });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    invalidate(change) {
      generation += 1;
      for (const [hash, entry] of entries) if (concerns(entry.key, change) !== false) entries.delete(hash);
    },
    setTrusted(next) {
      generation += 1;
      entries.clear();
      trusted = next;
    },
    get trusted() {
      return trusted;
    },
    get size() {
      return entries.size;
    },
  };
}
