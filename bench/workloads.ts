import { createPicker } from "./dataset";
import { sendOnce, type LoadRequest } from "./load";

function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count += 1;
  return count;
}

const NONE = '"result":"none"';

/**
 * Single lookups: one identifier per request, a seeded one with probability hitRatio. The answer is checked
 * cheaply: it must be about the identifier asked, and say "none" exactly when the identifier was never seeded.
 */
export function singleLookups(options: { n: number; hitRatio: number; seed: number }): () => LoadRequest {
  const pick = createPicker(options.n, options.hitRatio, options.seed);
  return () => {
    const { csi, hit } = pick();
    const expectedStart = `{"csi":${JSON.stringify(csi)},"result":`;
    return {
      body: JSON.stringify({ csi }),
      check: (body) => {
        if (!body.startsWith(expectedStart)) return `expected an answer about ${csi}, got ${body.slice(0, 120)}`;
        const none = body.startsWith(NONE, expectedStart.length - '"result":'.length);
        if (none === hit) return `${csi} was ${hit ? "seeded" : "never seeded"} but the answer says ${body.slice(expectedStart.length, expectedStart.length + 12)}`;
        return undefined;
      },
    };
  };
}

/** Batch lookups of `size` identifiers, each slot drawn like a single lookup; the count of "none" slots is checked. */
export function batchLookups(options: { n: number; hitRatio: number; seed: number; size: number }): () => LoadRequest {
  const pick = createPicker(options.n, options.hitRatio, options.seed);
  return () => {
    const csis: string[] = [];
    let misses = 0;
    for (let slot = 0; slot < options.size; slot += 1) {
      const { csi, hit } = pick();
      csis.push(csi);
      if (!hit) misses += 1;
    }
    return {
      body: JSON.stringify({ csis }),
      check: (body) => {
        if (!body.startsWith('{"results":[')) return `expected {"results":[...]}, got ${body.slice(0, 120)}`;
        const none = countOccurrences(body, NONE);
        if (none !== misses) return `expected ${misses} "none" results in the batch, got ${none}`;
        return undefined;
      },
    };
  };
}

export type Equivalence = { compared: number; identical: number; differences: { request: string; app: string; baseline: string }[] };

/** Asks both servers the same questions and compares the answers byte for byte (status and body). */
export async function compareResponses(options: {
  appUrl: string;
  baselineUrl: string;
  apiKey: string;
  n: number;
  hitRatio: number;
  seed: number;
  singles: number;
  batchSize: number;
}): Promise<Equivalence> {
  const result: Equivalence = { compared: 0, identical: 0, differences: [] };
  const compare = async (path: string, body: string) => {
    const [app, baseline] = await Promise.all([sendOnce(options.appUrl + path, options.apiKey, body), sendOnce(options.baselineUrl + path, options.apiKey, body)]);
    result.compared += 1;
    if (app.status === baseline.status && app.body === baseline.body) result.identical += 1;
    else if (result.differences.length < 3) {
      let at = 0;
      while (at < app.body.length && app.body[at] === baseline.body[at]) at += 1;
      const excerpt = (text: string) => text.slice(Math.max(0, at - 80), at + 160);
      result.differences.push({ request: `${path} ${body.slice(0, 200)}`, app: `HTTP ${app.status} …${excerpt(app.body)}`, baseline: `HTTP ${baseline.status} …${excerpt(baseline.body)}` });
    }
  };
  const single = singleLookups({ n: options.n, hitRatio: options.hitRatio, seed: options.seed ^ 0xc0ffee });
  for (let index = 0; index < options.singles; index += 1) await compare("/api/v1/lookup", single().body);
  const batch = batchLookups({ n: options.n, hitRatio: options.hitRatio, seed: options.seed ^ 0xbeef, size: options.batchSize });
  await compare("/api/v1/lookup/batch", batch().body);
  // An invalid identifier in a batch: an error in its slot, not a failed batch.
  await compare("/api/v1/lookup/batch", JSON.stringify({ csis: ["not a number", "mailto:bench-0@example.com", "MAILTO:Bench-0@Example.com"] }));
  return result;
}
