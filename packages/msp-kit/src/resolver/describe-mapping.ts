import type { MappingDocument, MappingEntry } from "../wire/index.ts";
import { SPECIFICITY_ORDER, specificityOf } from "./resolve.ts";

/**
 * What a recipient reads before signing: one sentence per entry, in the order resolution applies them, so that a
 * broader rule is worded as covering only the senders the rules before it left over. It describes one document;
 * another mapping of the same CSI may catch some of these senders first.
 */
export function describeMapping(document: MappingDocument, mspNames: Record<string, string> = {}): string[] {
  if (document.entries.length === 0) return ["This mapping lists no messaging service: senders will learn you opted out."];
  const earlier: MappingEntry[] = [];
  return rank(document.entries).map((entry) => {
    const sentence = describeEntry(entry, earlier, (msp) => (Object.hasOwn(mspNames, msp) ? `${mspNames[msp]} (${msp})` : msp));
    earlier.push(entry);
    return sentence;
  });
}

/** The resolver's order inside one document, where every entry shares the document's seq. */
function rank(entries: MappingEntry[]): MappingEntry[] {
  const position = (entry: MappingEntry) => {
    const specificity = specificityOf(entry.audience);
    return specificity ? SPECIFICITY_ORDER.indexOf(specificity) : SPECIFICITY_ORDER.length;
  };
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort(
      (a, b) =>
        position(a.entry) - position(b.entry) ||
        ascending(a.entry.priority, b.entry.priority) ||
        (a.entry.msp < b.entry.msp ? -1 : a.entry.msp > b.entry.msp ? 1 : 0) ||
        a.index - b.index,
    )
    .map(({ entry }) => entry);
}

function describeEntry(entry: MappingEntry, earlier: MappingEntry[], name: (msp: string) => string): string {
  const target = name(entry.msp);
  if (!specificityOf(entry.audience)) {
    return `The entry for ${target} uses an audience this version cannot describe, so senders may ignore it.`;
  }
  const reach = reachOf(entry);
  if (reach.size === 0) return `The entry for ${target} names no senders, so it reaches nobody.`;
  const rivals = earlier.filter((before) => overlaps(before, entry));
  const keys = [...reach];
  const covering = rivals.filter((before) => {
    const theirs = reachOf(before);
    return keys.some((key) => theirs.has(key));
  });
  if (covering.length > 0 && isCovered(keys, covering)) {
    const names = covering.map((before) => name(before.msp));
    return `${subject(entry, false)} will see ${target} only as a fallback, after ${listAll(names)}.`;
  }
  const rest = rivals.length > 0;
  if (entry.audience.kind === "senders" && rest) {
    // Selectors under another salt cannot be compared, so whether these senders were named above is unknowable here.
    return `${subject(entry, false)} will reach you on ${target}, unless a rule above already names them.`;
  }
  return `${subject(entry, rest)} will reach you on ${target}.`;
}

function subject(entry: MappingEntry, rest: boolean): string {
  const audience = entry.audience;
  switch (audience.kind) {
    case "everyone":
      return rest ? "Everyone else" : "Everyone";
    case "same_msp":
      return `${rest ? "Everyone else" : "Senders"} on ${entry.msp}`;
    case "sender_msps":
      return `${rest ? "Everyone else" : "Senders"} on ${listEither(audience.msps)}`;
    case "context":
      return `${rest ? "Everyone else who declares" : "Senders who declare"} ${listEither(audience.tags)}`;
    case "senders": {
      const n = new Set(audience.selectors).size;
      return `${n} particular sender${n === 1 ? "" : "s"} (published only as salted fingerprints: whoever already has a number or address can test it, nobody can list them)`;
    }
    default:
      return "Some senders";
  }
}

/**
 * Whom an entry can catch, as comparable keys: MSP ids and context tags are case-insensitive, selectors are only
 * comparable under the same salt. Prefixed by kind, so a context tag never collides with an MSP id.
 */
function reachOf(entry: MappingEntry): Set<string> {
  const audience = entry.audience;
  switch (audience.kind) {
    case "everyone":
      return new Set(["*"]);
    case "same_msp":
      return new Set([`msp:${entry.msp.toLowerCase()}`]);
    case "sender_msps":
      return new Set(audience.msps.map((msp) => `msp:${msp.toLowerCase()}`));
    case "context":
      return new Set(audience.tags.map((tag) => `context:${tag.normalize("NFC").toLowerCase()}`));
    case "senders":
      return new Set(audience.selectors.map((selector) => `senders:${audience.salt}/${selector}`));
    default:
      return new Set();
  }
}

/** Can an earlier entry catch some sender this one would? Across classes, always; within one, when they share keys. */
function overlaps(before: MappingEntry, entry: MappingEntry): boolean {
  const reach = reachOf(before);
  if (reach.size === 0) return false;
  if (specificityOf(before.audience) !== specificityOf(entry.audience)) return true;
  if (before.audience.kind === "senders" && entry.audience.kind === "senders") {
    if (before.audience.salt !== entry.audience.salt) return true;
  }
  return [...reachOf(entry)].some((key) => reach.has(key));
}

function isCovered(keys: string[], covering: MappingEntry[]): boolean {
  const union = new Set(covering.flatMap((before) => [...reachOf(before)]));
  return keys.every((key) => union.has(key));
}

function ascending(a: number, b: number): number {
  const x = Number.isNaN(a) ? Infinity : a;
  const y = Number.isNaN(b) ? Infinity : b;
  return x < y ? -1 : x > y ? 1 : 0;
}

function listEither(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

function listAll(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
