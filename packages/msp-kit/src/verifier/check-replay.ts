import { isRecord } from "./read-proof.ts";
import type { CheckResult } from "./types.ts";

/**
 * A DP (or anyone relaying its answers) could serve an older signed mapping that the recipient has since replaced:
 * its signature is still genuine. Only a verifier that remembers the highest seq it has seen can tell.
 */
export function checkReplay(options: { document: unknown; lastSeenSeq: number | undefined }): CheckResult {
  const { lastSeenSeq } = options;
  const seq = isRecord(options.document) ? options.document.seq : undefined;
  if (lastSeenSeq === undefined) {
    return { id: "replay", ok: true, detail: "No earlier mapping of this CSI was given to compare with, so it cannot be a replay of one." };
  }
  if (typeof seq !== "number") return { id: "replay", ok: false, detail: "The document has no seq to compare with the last one seen." };
  if (seq < lastSeenSeq) {
    return { id: "replay", ok: false, detail: `This is an older mapping than one already seen: its seq ${seq} is below ${lastSeenSeq}.` };
  }
  return { id: "replay", ok: true, detail: `Its seq ${seq} is not older than the last one seen (${lastSeenSeq}).` };
}
