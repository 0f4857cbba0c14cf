import { readAtMost } from "@/lib/streams/read-at-most";
import type { DpRequestSigner } from "./dp-request-signer";

export type PeerAnswer = { ok: true; status: number; body: unknown } | { ok: false; reason: string };

/**
 * One signed POST to a peer DP, bounded in time (the whole exchange, body included) and in the size of what it
 * may answer: a peer that is slow, down or talkative costs at most `timeoutMs` and `maxBytes`.
 */
export async function postToPeer(options: { url: string; body: unknown; hops: number; signer: DpRequestSigner; timeoutMs: number; maxBytes: number; now: Date }): Promise<PeerAnswer> {
  const bytes = new TextEncoder().encode(JSON.stringify(options.body));
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetch(options.url, { method: "POST", headers: options.signer.headersFor(options.url, bytes, options.hops, options.now), body: bytes, signal, redirect: "error" });
    const text = await readCapped(response, options.maxBytes);
    if (text === undefined) return { ok: false, reason: `answered more than ${options.maxBytes} bytes` };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, reason: `answered ${response.status} with something other than JSON` };
    }
    return { ok: true, status: response.status, body };
  } catch (error) {
    if (signal.aborted) return { ok: false, reason: `did not answer within ${options.timeoutMs} ms` };
    const cause = (error as Error).cause as { code?: string } | undefined;
    return { ok: false, reason: `cannot be reached (${cause?.code ?? (error as Error).message})` };
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.body) return "";
  const bytes = await readAtMost(response.body, maxBytes);
  return bytes && new TextDecoder().decode(bytes);
}
