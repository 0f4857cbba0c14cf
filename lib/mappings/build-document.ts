import type { MappingDraft } from "./draft-schema";
import type { MappingDocument } from "@mimi-discovery/msp-kit";

/** RFC 3339 in whole seconds, UTC, the way the protocol writes timestamps. */
export function protocolTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The document a recipient signs: the draft's choices plus what only the DP decides. */
export function buildDocument(options: {
  draft: MappingDraft;
  issuer: string;
  csi: string;
  seq: number;
  now: Date;
  ttlDays: number;
}): MappingDocument {
  const { draft, now } = options;
  const created = new Date(Math.floor(now.getTime() / 1000) * 1000);
  return {
    v: 1,
    dp: options.issuer,
    csi: options.csi,
    seq: options.seq,
    fresh: draft.fresh,
    label: draft.label,
    created: protocolTime(created),
    expires: protocolTime(new Date(created.getTime() + options.ttlDays * 86_400_000)),
    entries: draft.entries.map((entry, index) => ({ msp: entry.msp, tags: entry.tags, priority: index + 1, audience: entry.audience })),
  };
}
