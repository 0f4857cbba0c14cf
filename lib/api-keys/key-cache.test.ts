import { describe, expect, it } from "vitest";
import { createKeyCache } from "./key-cache";
import type { AuthenticatedKey } from "./manage-api-keys";

const mspKey = (keyId: string, mspId = "chat.example"): AuthenticatedKey => ({ ownerKind: "msp", keyId, mspId, policy: { burst: 10, refillPerSecond: 1 } });
const csipKey = (keyId: string, csipId: string): AuthenticatedKey => ({ ownerKind: "csip", keyId, csipId });

function trustedCache(options: Parameters<typeof createKeyCache>[0] = {}) {
  const cache = createKeyCache(options);
  cache.setTrusted(true);
  return cache;
}

describe("the cache of verified API keys", () => {
  it("answers a stored key until its lifetime is over, then forgets it", () => {
    let now = 0;
    const cache = trustedCache({ ttlMs: 1_000, clock: () => now });
    cache.store("h1", mspKey("k1"), cache.begin());
    now = 999;
    expect(cache.get("h1")).toMatchObject({ keyId: "k1" });
    now = 1_000;
    expect(cache.get("h1")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("keeps at most maxEntries, forgetting the least recently used", () => {
    const cache = trustedCache({ maxEntries: 2 });
    cache.store("h1", mspKey("k1"), cache.begin());
    cache.store("h2", mspKey("k2"), cache.begin());
    expect(cache.get("h1")).toBeDefined();
    cache.store("h3", mspKey("k3"), cache.begin());
    expect(cache.size).toBe(2);
    expect(cache.get("h2")).toBeUndefined();
    expect(cache.get("h1")).toBeDefined();
    expect(cache.get("h3")).toBeDefined();
  });

  it("refuses a load that began before a change: a key read before its revocation is never kept", () => {
    const cache = trustedCache();
    const ticket = cache.begin();
    cache.invalidate("key:k1");
    cache.store("h1", mspKey("k1"), ticket);
    expect(cache.get("h1")).toBeUndefined();
    cache.store("h1", mspKey("k1"), cache.begin());
    expect(cache.get("h1")).toBeDefined();
  });

  it("forgets the entries a change concerns: a key, every key of an MSP or a CSIP, everything when unreadable", () => {
    const cache = trustedCache();
    const fill = () => {
      cache.store("a", mspKey("k1", "one.example"), cache.begin());
      cache.store("b", mspKey("k2", "one.example"), cache.begin());
      cache.store("c", mspKey("k3", "two.example"), cache.begin());
      cache.store("d", csipKey("k4", "c1"), cache.begin());
    };
    const held = () => ["a", "b", "c", "d"].filter((hash) => cache.get(hash));
    fill();
    cache.invalidate("key:k1");
    expect(held()).toEqual(["b", "c", "d"]);
    fill();
    cache.invalidate("msp:one.example");
    expect(held()).toEqual(["c", "d"]);
    fill();
    cache.invalidate("csip:c1");
    expect(held()).toEqual(["a", "b", "c"]);
    // An MSP and a CSIP with the same id are different owners.
    cache.invalidate("csip:one.example");
    expect(held()).toEqual(["a", "b", "c"]);
    cache.invalidate("something else");
    expect(held()).toEqual([]);
  });

  it("answers and keeps nothing while it is not trusted, and starts empty when trusted again", () => {
    const cache = createKeyCache();
    cache.store("h1", mspKey("k1"), cache.begin());
    expect(cache.get("h1")).toBeUndefined();
    cache.setTrusted(true);
    const ticket = cache.begin();
    cache.store("h1", mspKey("k1"), ticket);
    cache.setTrusted(false);
    expect(cache.get("h1")).toBeUndefined();
    cache.setTrusted(true);
    expect(cache.get("h1")).toBeUndefined();
    // A load that began before the source went down is not kept after it came back either.
    cache.store("h1", mspKey("k1"), ticket);
    expect(cache.get("h1")).toBeUndefined();
  });
});
