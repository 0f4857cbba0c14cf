import { decodeBase64url, encodeBase64url } from "../encoding/base64url.ts";
import { encodePaddedBase64url } from "../privacy-pass/base64.ts";
import { bucket32Of, bucketAt, openRecord, sameBytes, tagOf } from "../oprf/record.ts";
import { blindInputs, finalizeBatch, OprfError } from "../oprf/voprf.ts";
import { isRecord } from "../verifier/read-proof.ts";
import { verifyLookupAnswer, type VerifiedAnswer } from "../verifier/verify-lookup-answer.ts";
import type { VerifyOptions } from "../verifier/types.ts";
import { DpError } from "./dp-error.ts";
import type { OprfEndpoints } from "./private-config.ts";

/** One private request through the relay: JSON in, JSON out (private-transport.ts). */
export type SendPrivate = (target: URL, body: unknown, token: Uint8Array) => Promise<unknown>;

export type BucketAnswer = VerifiedAnswer & { result: string };

const encoder = new TextEncoder();

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/**
 * Private lookup through OPRF-keyed buckets (protocol section 7), for normalised CSI URIs: blind each CSI, have the
 * DP evaluate them in batches (one token per element) and check each batch's DLEQ proof against the published key,
 * finalise to y, fetch the buckets of the ys (one token per request), find each CSI's tag, decrypt its record and
 * verify every mapping in it. A CSI without a record is "none". A record that does not decrypt, or whose answer is
 * not about this CSI, is reported (ok: false, an answer check) and none of its mappings is used.
 */
export async function lookUpThroughBuckets(csis: readonly string[], options: { oprf: OprfEndpoints; send: SendPrivate; takeToken: () => Promise<Uint8Array>; verify: Omit<VerifyOptions, "lastSeenSeq">; concurrency: number }): Promise<Map<string, BucketAnswer>> {
  const { oprf, send } = options;
  const { key } = oprf;
  const outputs = new Map<string, Uint8Array>();
  await inParallel(chunks(csis, oprf.maxEvaluateBatch), options.concurrency, async (batch) => {
    const blinded = blindInputs(batch.map((csi) => encoder.encode(csi)));
    const tokens = await Promise.all(batch.map(() => options.takeToken()));
    const answer = await send(oprf.evaluate, { epoch: key.epoch, blinded: blinded.map((item) => encodeBase64url(item.blinded)), tokens: tokens.slice(1).map((token) => encodePaddedBase64url(token)) }, tokens[0]!);
    const evaluated = readEvaluation(answer, batch.length, key.epoch);
    let ys: Uint8Array[];
    try {
      ys = finalizeBatch(blinded, evaluated.elements, key.publicKey, evaluated.proof);
    } catch (error) {
      throw new DpError("bad_answer", error instanceof OprfError ? error.message : `the evaluation cannot be finalised: ${(error as Error).message}`);
    }
    batch.forEach((csi, index) => outputs.set(csi, ys[index]!));
  });

  const bucketOf = new Map(csis.map((csi) => [csi, bucketAt(bucket32Of(outputs.get(csi)!), key.bucketBits)]));
  const records = new Map<number, { tag: Uint8Array; record: Uint8Array }[]>();
  await inParallel(chunks([...new Set(bucketOf.values())], oprf.maxBucketsPerRequest), options.concurrency, async (ids) => {
    const answer = await send(oprf.buckets, { epoch: key.epoch, bucket_bits: key.bucketBits, buckets: ids }, await options.takeToken());
    for (const [bucket, entries] of readBuckets(answer, ids)) records.set(bucket, entries);
  });

  const answers = new Map<string, BucketAnswer>();
  for (const csi of csis) {
    const y = outputs.get(csi)!;
    const tag = tagOf(y);
    const found = records.get(bucketOf.get(csi)!)!.find((entry) => sameBytes(entry.tag, tag));
    if (!found) {
      answers.set(csi, { ok: true, answerChecks: [], mappings: [], usable: [], result: "none" });
      continue;
    }
    let opened: unknown;
    try {
      opened = await openRecord(y, found.record);
    } catch (error) {
      answers.set(csi, { ok: false, answerChecks: [{ id: "record", detail: (error as Error).message }], mappings: [], usable: [], result: "unreadable" });
      continue;
    }
    const verified = await verifyLookupAnswer(opened, csi, options.verify);
    answers.set(csi, { ...verified, result: isRecord(opened) && typeof opened.result === "string" ? opened.result : "unreadable" });
  }
  return answers;
}

function readEvaluation(answer: unknown, count: number, epoch: number): { elements: Uint8Array[]; proof: Uint8Array } {
  if (!isRecord(answer) || answer.epoch !== epoch || !Array.isArray(answer.evaluated) || answer.evaluated.length !== count || typeof answer.proof !== "string") {
    throw new DpError("bad_answer", `the OPRF evaluation answer is not {epoch: ${epoch}, evaluated: [${count} elements], proof}`);
  }
  try {
    return { elements: answer.evaluated.map((element) => decodeBase64url(String(element))), proof: decodeBase64url(answer.proof) };
  } catch {
    throw new DpError("bad_answer", "the OPRF evaluation answer holds an element or proof that is not base64url");
  }
}

function readBuckets(answer: unknown, ids: number[]): Map<number, { tag: Uint8Array; record: Uint8Array }[]> {
  const buckets = isRecord(answer) && Array.isArray(answer.buckets) ? answer.buckets : undefined;
  if (!buckets || buckets.length !== ids.length) throw new DpError("bad_answer", `the buckets answer does not hold the ${ids.length} buckets asked for`);
  const out = new Map<number, { tag: Uint8Array; record: Uint8Array }[]>();
  buckets.forEach((bucket, index) => {
    if (!isRecord(bucket) || bucket.bucket !== ids[index] || !Array.isArray(bucket.records)) throw new DpError("bad_answer", `the buckets answer's slot ${index} is not bucket ${ids[index]}`);
    const entries = bucket.records.flatMap((entry) => {
      // A malformed entry is skipped rather than trusted: if it was ours, the CSI reads as "none", never as forged.
      if (!isRecord(entry) || typeof entry.tag !== "string" || typeof entry.record !== "string") return [];
      try {
        return [{ tag: decodeBase64url(entry.tag), record: decodeBase64url(entry.record) }];
      } catch {
        return [];
      }
    });
    out.set(ids[index]!, entries);
  });
  return out;
}

async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, worker));
}
