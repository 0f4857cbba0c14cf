import type { MappingDraft } from "@/lib/mappings/draft-schema";

/**
 * The benchmark's identifiers, as a pure function of an index: mapping i holds csiAt(i), so nothing needs to keep
 * the list of seeded identifiers in memory, and an identifier that was never seeded (a "miss") is csiAt(j) for
 * some j >= N. One in ten is a phone number, the rest email addresses; all are already in normalised form (the
 * seeder checks that with the app's own parser).
 */
const AREA_CODES = ["408", "415", "650", "212", "617", "312"] as const;
const NUMBERS_PER_AREA = 8_000_000; // subscriber numbers 200-0000 .. 999-9999

export function csiAt(index: number): string {
  if (index % 10 === 3) {
    const k = Math.floor(index / 10);
    const area = AREA_CODES[k % AREA_CODES.length]!;
    const subscriber = Math.floor(k / AREA_CODES.length);
    if (subscriber >= NUMBERS_PER_AREA) throw new RangeError(`index ${index} is beyond the phone numbers this benchmark can make`);
    return `tel:+1${area}${2_000_000 + subscriber}`;
  }
  return `mailto:bench-${index}@example.com`;
}

/** The demo MSPs the app seeds with SEED_DEMO_MSPS=true, so every entry names a registered MSP. */
const MSPS = ["chat.example", "work.example", "family.example"] as const;

/**
 * What the recipient of mapping i chose, with the app's draft shape: one in twenty opts out (no entries, R5
 * "opted_out"), the others list one or two MSPs with the audiences the portal offers (never "senders", whose
 * selectors would only add scrypt work to seeding and nothing to a lookup).
 */
export function draftAt(index: number): Omit<MappingDraft, "identifierId"> {
  const label = index % 4 === 0 ? "Work" : "Personal";
  if (index % 20 === 7) return { label, fresh: false, entries: [] };
  const first = MSPS[index % MSPS.length]!;
  const second = MSPS[(index + 1) % MSPS.length]!;
  switch (index % 5) {
    case 0:
      return { label, fresh: false, entries: [{ msp: first, tags: ["Personal", "Default"], audience: { kind: "everyone" } }] };
    case 1:
      return {
        label,
        fresh: false,
        entries: [
          { msp: first, tags: ["Personal"], audience: { kind: "everyone" } },
          { msp: second, tags: ["Business"], audience: { kind: "context", tags: ["Business"] } },
        ],
      };
    case 2:
      return { label, fresh: false, entries: [{ msp: first, tags: ["Family"], audience: { kind: "sender_msps", msps: [first, second] } }] };
    case 3:
      return {
        label,
        fresh: false,
        entries: [
          { msp: first, tags: ["Default"], audience: { kind: "same_msp" } },
          { msp: second, tags: ["Friends"], audience: { kind: "everyone" } },
        ],
      };
    default:
      return { label, fresh: false, entries: [{ msp: second, tags: [], audience: { kind: "everyone" } }] };
  }
}

/** mulberry32: a small deterministic PRNG, so both servers are asked the same sequence of identifiers. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Picks identifiers to look up: with probability `hitRatio` a seeded one (index < n), otherwise one of the same
 * shapes that was never seeded (n <= index < 2n).
 */
export function createPicker(n: number, hitRatio: number, seed: number): () => { csi: string; hit: boolean } {
  const random = createRandom(seed);
  return () => {
    const hit = n > 0 && random() < hitRatio;
    const index = hit ? Math.floor(random() * n) : n + Math.floor(random() * Math.max(n, 1));
    return { csi: csiAt(index), hit };
  };
}
