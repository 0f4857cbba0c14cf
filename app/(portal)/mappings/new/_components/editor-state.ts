import type { AudienceKind, MappingDocument, MappingEntry } from "@mimi-discovery/msp-kit";

/** One entry as the editor holds it; senders stay as typed text in the browser until signing. */
export type EntryState = {
  key: string;
  msp: string;
  tags: string[];
  otherTags: string;
  audienceKind: AudienceKind;
  senderMsps: string[];
  contexts: string;
  sendersText: string;
  /** Fingerprints carried over from the mapping being edited, kept unless new senders are typed. */
  kept: { salt: string; selectors: string[] } | null;
};

export type EditorState = { identifierId: string; label: string; fresh: boolean; entries: EntryState[] };

// Random, not a counter: the first entries are made on the server and later ones in the browser, and their
// keys become element ids, which must never collide.
export const newKey = () => `entry-${crypto.randomUUID()}`;

export function emptyEntry(msp: string): EntryState {
  return { key: newKey(), msp, tags: [], otherTags: "", audienceKind: "everyone", senderMsps: [], contexts: "Business", sendersText: "", kept: null };
}

export const splitList = (text: string) =>
  text
    .split(/[,\n]/u)
    .map((item) => item.trim())
    .filter(Boolean);

export const senderLines = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);

export function entryTags(entry: EntryState): string[] {
  const all = [...entry.tags, ...splitList(entry.otherTags)];
  return all.filter((tag, index) => all.findIndex((other) => other.toLowerCase() === tag.toLowerCase()) === index);
}

/** The editor's entries as a previewable document (sender fingerprints stand in by count only). */
export function previewDocument(state: EditorState): MappingDocument {
  return {
    v: 1,
    dp: "",
    csi: "",
    seq: 0,
    fresh: state.fresh,
    label: state.label,
    created: "",
    expires: "",
    entries: state.entries.map((entry, index): MappingEntry => {
      const base = { msp: entry.msp, tags: entryTags(entry), priority: index + 1 };
      switch (entry.audienceKind) {
        case "sender_msps":
          return { ...base, audience: { kind: "sender_msps", msps: entry.senderMsps } };
        case "context":
          return { ...base, audience: { kind: "context", tags: splitList(entry.contexts) } };
        case "senders": {
          const count = senderLines(entry.sendersText).length || entry.kept?.selectors.length || 0;
          return { ...base, audience: { kind: "senders", salt: "", selectors: Array.from({ length: count }, (_, i) => String(i)) } };
        }
        case "same_msp":
          return { ...base, audience: { kind: "same_msp" } };
        default:
          return { ...base, audience: { kind: "everyone" } };
      }
    }),
  };
}

/** Editor state from a mapping being edited: senders keep their published fingerprints. */
export function stateFromDocument(identifierId: string, document: MappingDocument): EditorState {
  return {
    identifierId,
    label: document.label,
    fresh: false,
    entries: document.entries.map((entry) => ({
      ...emptyEntry(entry.msp),
      tags: entry.tags,
      audienceKind: entry.audience.kind,
      senderMsps: entry.audience.kind === "sender_msps" ? entry.audience.msps : [],
      contexts: entry.audience.kind === "context" ? entry.audience.tags.join(", ") : "Business",
      kept: entry.audience.kind === "senders" ? { salt: entry.audience.salt, selectors: entry.audience.selectors } : null,
    })),
  };
}
