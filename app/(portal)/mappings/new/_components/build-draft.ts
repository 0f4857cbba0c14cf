import { parseIdentifier, computeSelectors, newSalt } from "@mimi-discovery/msp-kit";
import type { MappingDraft } from "@/lib/mappings/draft-schema";
import { entryTags, senderLines, splitList, type EditorState } from "./editor-state";

export type DraftResult = { ok: true; draft: MappingDraft } | { ok: false; errors: Record<string, string> };

/**
 * Turns the editor into the draft the server validates. Sender lists are normalised and hashed here, in the
 * browser: the DP only ever receives salted scrypt fingerprints (protocol section 2, `senders`).
 */
export async function buildDraft(state: EditorState, defaultRegion: string | undefined, onProgress: (done: number, total: number) => void): Promise<DraftResult> {
  const errors: Record<string, string> = {};
  const entries: MappingDraft["entries"] = [];
  for (const [index, entry] of state.entries.entries()) {
    const base = { msp: entry.msp, tags: entryTags(entry) };
    if (entry.audienceKind === "senders") {
      const lines = senderLines(entry.sendersText);
      if (lines.length === 0 && entry.kept) {
        entries.push({ ...base, audience: { kind: "senders", ...entry.kept } });
        continue;
      }
      const uris: string[] = [];
      for (const [line, text] of lines.entries()) {
        try {
          uris.push(parseIdentifier(text, { defaultRegion }).uri);
        } catch (error) {
          errors[`entries.${index}.audience.selectors`] ??= `Line ${line + 1} (“${text.slice(0, 40)}”): ${(error as Error).message}`;
        }
      }
      if (lines.length === 0) errors[`entries.${index}.audience.selectors`] = "Add at least one phone number or email address.";
      if (errors[`entries.${index}.audience.selectors`]) continue;
      const salt = newSalt();
      entries.push({ ...base, audience: { kind: "senders", salt, selectors: await computeSelectors(uris, salt, onProgress) } });
    } else if (entry.audienceKind === "sender_msps") {
      entries.push({ ...base, audience: { kind: "sender_msps", msps: entry.senderMsps } });
    } else if (entry.audienceKind === "context") {
      entries.push({ ...base, audience: { kind: "context", tags: splitList(entry.contexts) } });
    } else {
      entries.push({ ...base, audience: { kind: entry.audienceKind } as { kind: "everyone" } | { kind: "same_msp" } });
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, draft: { identifierId: state.identifierId, label: state.label.trim(), fresh: state.fresh, entries } };
}
