import { DomainError } from "@/lib/errors/domain-error";

/**
 * Where single-use things are remembered by every instance (RFC 9577 section 2.2's double-spend prevention, and
 * RFC 9458 section 6.5's replay protection): PostgreSQL by default, Redis when REDIS_URL is set, as the lookup
 * buckets are. A store that cannot answer throws SpendStoreUnavailable: the caller refuses (503), never allows.
 */
export type SpendStore = {
  /** Records `id` in `scope` until `expiresAt`; true the first time, false when it was already there. */
  spend(scope: string, id: string, expiresAt: Date): Promise<boolean>;
  /** How many ids a scope holds now (for the console: redemptions of one issuer key, all MSPs together). */
  count(scope: string): Promise<number>;
};

export class SpendStoreUnavailable extends DomainError<"store_unavailable"> {
  constructor(message = "The single-use store is unavailable", options?: { cause?: unknown }) {
    super("store_unavailable", "unavailable", message, options);
  }
}
