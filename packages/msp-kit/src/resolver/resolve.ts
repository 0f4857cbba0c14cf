import type { Audience, MappingDocument, MappingEntry } from "../wire/index.ts";
import { printable } from "../text/printable.ts";
import { computeSelector } from "./selectors.ts";

/** The querying MSP's side of a lookup. `senderCsi` must already be normalised (tel:+E.164 or mailto:address). */
export type SenderContext = { senderMsp: string; senderCsi?: string; context?: string };
export type Specificity = "senders" | "context" | "msp" | "everyone";
export type MatchedEntry = {
  mappingId?: string;
  label: string;
  seq: number;
  entry: MappingEntry;
  specificity: Specificity;
  reason: string;
};
export type Resolution = { preferred: MatchedEntry | null; matches: MatchedEntry[]; explanation: string[] };
type Mapping = { id?: string; document: MappingDocument };

/** Most specific first (protocol section 2, "Resolution"): a rule naming the sender beats one naming a crowd. */
export const SPECIFICITY_ORDER: readonly Specificity[] = ["senders", "context", "msp", "everyone"];

const CLASS_WORDS: Record<Specificity, string> = {
  senders: "particular senders",
  context: "a declared context",
  msp: "the sender's MSP",
  everyone: "everyone",
};

/** Undefined for an audience kind this version does not know: such an entry never matches. */
export function specificityOf(audience: Audience): Specificity | undefined {
  switch (audience.kind) {
    case "senders":
      return "senders";
    case "context":
      return "context";
    case "same_msp":
    case "sender_msps":
      return "msp";
    case "everyone":
      return "everyone";
    default:
      return undefined;
  }
}

/**
 * One answer, never a broadcast (CUJ 3, 4): every matching entry, ranked, and the first of them as the one preferred
 * entry. The caller passes only mappings whose proofs it has verified, all of one recipient's CSI.
 */
export async function resolveForSender(
  mappings: Mapping[],
  sender: SenderContext,
  options: { now?: Date } = {},
): Promise<Resolution> {
  const now = options.now ?? new Date();
  const csis = new Set(mappings.map((mapping) => mapping.document.csi));
  if (csis.size > 1) {
    // Mixing recipients would silently rank one person's services against another's.
    throw new Error(`resolveForSender takes the mappings of one CSI, but got ${[...csis].join(", ")}.`);
  }
  const explanation = [describeSender(sender)];
  if (mappings.length === 0) {
    explanation.push("No answer: the recipient has published no mapping.");
    return { preferred: null, matches: [], explanation: explanation.map(printable) };
  }

  const selectorFor = cacheSelectors(sender.senderCsi);
  const matches: MatchedEntry[] = [];
  let current = 0;
  let optedOut = 0;
  for (const { id, document } of [...mappings].sort(compareMappings)) {
    const name = `"${document.label}" (seq ${document.seq})`;
    const expires = Date.parse(document.expires);
    if (!(expires > now.getTime())) {
      const why = Number.isNaN(expires) ? "its expiry cannot be read" : `it expired at ${document.expires}`;
      explanation.push(`${name}: skipped, ${why}.`);
      continue;
    }
    current++;
    if (document.entries.length === 0) {
      optedOut++;
      explanation.push(`${name}: lists no messaging service, a deliberate opt-out, so it offers nobody anything.`);
      continue;
    }
    explanation.push(`${name}: ${count(document.entries.length, "entry", "entries")}.`);
    for (const entry of document.entries) {
      const verdict = await judge(entry, sender, selectorFor);
      const specificity = specificityOf(entry.audience);
      explanation.push(`${entry.msp}: ${verdict.matches ? "matches because" : "skipped,"} ${verdict.reason}.`);
      if (!verdict.matches || !specificity) continue;
      const reason = printable(verdict.reason);
      const match: MatchedEntry = { label: document.label, seq: document.seq, entry, specificity, reason };
      if (id !== undefined) match.mappingId = id;
      matches.push(match);
    }
  }

  matches.sort(compareMatches);
  const preferred = matches[0] ?? null;
  explanation.push(...conclude(matches, { current, optedOut }));
  return { preferred, matches, explanation: explanation.map(printable) };
}

type Verdict = { matches: boolean; reason: string };
type SelectorFor = (salt: string) => Promise<string | null>;

async function judge(entry: MappingEntry, sender: SenderContext, selectorFor: SelectorFor): Promise<Verdict> {
  const audience = entry.audience;
  switch (audience.kind) {
    case "everyone":
      return { matches: true, reason: "it is open to everyone (everyone rule)" };
    case "same_msp":
      return sameMsp(entry.msp, sender.senderMsp)
        ? { matches: true, reason: `the sender is on ${entry.msp} (same MSP rule)` }
        : { matches: false, reason: `the sender is on ${sender.senderMsp}, and it is only for senders on ${entry.msp}` };
    case "sender_msps":
      return audience.msps.some((msp) => sameMsp(msp, sender.senderMsp))
        ? { matches: true, reason: `the sender is on ${sender.senderMsp}, which it lists (sender MSPs rule)` }
        : {
            matches: false,
            reason: `the sender is on ${sender.senderMsp}, and it is only for senders on ${either(audience.msps, "no MSP at all")}`,
          };
    case "context": {
      const wanted = `it is for senders who declare ${either(audience.tags, "no context at all")}`;
      if (!isDeclared(sender.context)) return { matches: false, reason: `the sender declared no context (${wanted})` };
      const tag = audience.tags.find((candidate) => sameContext(candidate, sender.context!));
      return tag === undefined
        ? { matches: false, reason: `the sender declared ${sender.context}, and ${wanted}` }
        : { matches: true, reason: `the sender declared the context ${tag} (context rule)` };
    }
    case "senders": {
      const size = new Set(audience.selectors).size;
      const group = count(size, "particular sender", "particular senders");
      const listed = size === 1 ? "the particular sender it lists" : `one of the ${group} it lists`;
      if (sender.senderCsi === undefined) {
        return { matches: false, reason: `the sender gave no CSI of its own, and it is only for ${group}` };
      }
      const selector = await selectorFor(audience.salt);
      if (selector === null) {
        return { matches: false, reason: "its salt is not base64url of 16 bytes, so no sender can match it" };
      }
      return audience.selectors.includes(selector)
        ? { matches: true, reason: `the sender is ${listed} (senders rule)` }
        : { matches: false, reason: `the sender is not ${listed}` };
    }
    default:
      return { matches: false, reason: `its audience kind "${(audience as { kind: string }).kind}" is unknown here` };
  }
}

/** Each distinct salt costs one scrypt per call, however many entries share it. */
function cacheSelectors(senderCsi: string | undefined): SelectorFor {
  const cache = new Map<string, Promise<string | null>>();
  return (salt) => {
    if (senderCsi === undefined) return Promise.resolve(null);
    let selector = cache.get(salt);
    if (!selector) {
      // Only a malformed salt throws; one bad entry must not stop the others from being judged.
      selector = computeSelector(senderCsi, salt).catch(() => null);
      cache.set(salt, selector);
    }
    return selector;
  };
}

/**
 * The ranking: specificity class, then the lowest priority number. Ties: the higher seq first (the newer mapping is
 * the recipient's more recent wish), then the MSP id in code-unit order (not locale order, so every machine agrees).
 * Entries still tied name the same MSP; the stable sort keeps them in the order of compareMappings and of their
 * place in the document, so the whole list, not only the winner, is independent of the order the mappings arrived in.
 */
function compareMatches(a: MatchedEntry, b: MatchedEntry): number {
  return (
    SPECIFICITY_ORDER.indexOf(a.specificity) - SPECIFICITY_ORDER.indexOf(b.specificity) ||
    ascending(a.entry.priority, b.entry.priority) ||
    ascending(-a.seq, -b.seq) ||
    compareText(a.entry.msp, b.entry.msp)
  );
}

/** Newest first, then a total order, so neither the explanation nor the matches depend on the arrival order. */
function compareMappings(a: Mapping, b: Mapping): number {
  return (
    ascending(-a.document.seq, -b.document.seq) ||
    compareText(a.document.dp, b.document.dp) ||
    compareText(a.id ?? "", b.id ?? "") ||
    compareText(a.document.label, b.document.label) ||
    compareText(JSON.stringify(a.document), JSON.stringify(b.document))
  );
}

function conclude(matches: MatchedEntry[], totals: { current: number; optedOut: number }): string[] {
  const [preferred, runnerUp] = matches;
  if (!preferred) {
    if (totals.current === 0) return ["No answer: every mapping has expired."];
    if (totals.optedOut === totals.current) {
      return ["No answer: the recipient opted out of discovery (every current mapping lists no messaging service)."];
    }
    return ["No answer: no entry is meant for this sender."];
  }
  let why = `the most specific rule that matches is by ${CLASS_WORDS[preferred.specificity]}`;
  const rivals = matches.filter((match) => match.specificity === preferred.specificity);
  if (rivals.length > 1) why += ", and it has the lowest priority number among those";
  if (runnerUp && runnerUp.specificity === preferred.specificity && runnerUp.entry.priority === preferred.entry.priority) {
    if (runnerUp.seq !== preferred.seq) {
      why += `; tied with ${runnerUp.entry.msp}, it wins as the newer mapping (seq ${preferred.seq} against ${runnerUp.seq})`;
    } else if (runnerUp.entry.msp !== preferred.entry.msp) {
      why += `; tied with ${runnerUp.entry.msp} at the same seq, it wins by coming first alphabetically`;
    }
  }
  const lines = [`Preferred: ${preferred.entry.msp} from ${where(preferred)}, because ${why}.`];
  if (matches.length > 1) {
    lines.push(`Also matching, in order: ${matches.slice(1).map((m) => `${m.entry.msp} from ${where(m)}`).join("; ")}.`);
  }
  return lines;
}

function where(match: MatchedEntry): string {
  return `"${match.label}" (seq ${match.seq}, priority ${match.entry.priority})`;
}

function describeSender(sender: SenderContext): string {
  const context = isDeclared(sender.context) ? `declares the context ${sender.context}` : "declares no context";
  let csi = "gives no CSI of its own";
  if (sender.senderCsi !== undefined) {
    csi = looksNormalised(sender.senderCsi)
      ? "gives its own CSI"
      : `gives its own CSI as "${sender.senderCsi}", which is not normalised (tel:+E.164 or mailto:address), ` +
        "so no particular-sender rule can match it";
  }
  return `The sender is on ${sender.senderMsp}, ${context} and ${csi}.`;
}

// A shape check only, to warn in the explanation: normalising is the caller's job (lib/identifiers).
function looksNormalised(uri: string): boolean {
  return /^tel:\+[1-9]\d{1,14}$/u.test(uri) || /^mailto:[^\sA-Z@]+@[a-z0-9.-]+$/u.test(uri);
}

// MSP ids are domain names, and DNS ignores ASCII case.
function sameMsp(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function sameContext(a: string, b: string): boolean {
  return a.normalize("NFC").toLowerCase() === b.normalize("NFC").toLowerCase();
}

function isDeclared(context: string | undefined): context is string {
  return context !== undefined && context.trim() !== "";
}

/** Total even over NaN (sorted last), so a malformed number cannot make the order depend on the input order. */
function ascending(a: number, b: number): number {
  const x = Number.isNaN(a) ? Infinity : a;
  const y = Number.isNaN(b) ? Infinity : b;
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function either(items: string[], none: string): string {
  if (items.length === 0) return none;
  return items.length === 1 ? items[0]! : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
