import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { buildOprfRecords } from "@/lib/private/build-oprf-records";
import { ensureOprfKey } from "@/lib/private/oprf-keys";
import type { BenchOptions } from "./args";
import type { BenchDatabase } from "./database";
import { measureOprfEvaluations } from "./oprf";
import { measureBucketLookups, measureIssuance, measurePrivateLookups } from "./private";
import { startServer, type ServerProcess } from "./servers";
import { describeTimed, number, step } from "./output";

/**
 * The private side of a run (README, "The private phases"), skipped as a whole with --no-private: before the
 * servers start, the first OPRF key's records and the OPRF evaluation rate; after the direct phases, token issuance
 * and private lookups through a relay, directly and through OPRF-keyed buckets.
 */
export async function prepareBuckets(database: BenchDatabase, sealing: Buffer, options: BenchOptions) {
  step("OPRF-keyed buckets: the first key's records, written as the app's background build writes them");
  await ensureOprfKey(database.db, sealing);
  const buildStarted = performance.now();
  const built = await buildOprfRecords(database.db, sealing, () => new Date());
  const recordBuild = { records: built.written, seconds: (performance.now() - buildStarted) / 1000 };
  console.log(`  ${built.written > 0 ? `${number(built.written)} records in ${recordBuild.seconds.toFixed(1)} s: ${number(built.written / recordBuild.seconds)} records/s` : "the key's records were already built"}`);
  step("OPRF evaluations on one core (RFC 9497 BlindEvaluate with the batch's DLEQ proof, 64 per batch)");
  const oprf = await measureOprfEvaluations({ seconds: Math.min(options.duration, 10), batchSize: 64 });
  console.log(`  ${number(oprf.evaluationsPerSecond)} evaluations/s per core with libsodium, as the DP runs them (target 3,000); ${number(oprf.noble.evaluationsPerSecond)}/s with @noble/curves`);
  return { recordBuild, oprf };
}

export async function runPrivatePhases(options: {
  flags: BenchOptions;
  issuer: string;
  appUrl: string;
  apiKey: string;
  n: number;
  logDir: string;
  stamp: string;
  notes: string[];
  started: (server: ServerProcess) => void;
  track: (child: ChildProcess) => void;
}) {
  const { flags, issuer, notes } = options;
  step(`Private lookups (protocol section 7): a relay on :${flags.relayPort}, ${flags.privateConcurrency} connections`);
  const relay = await startServer({
    name: "relay",
    entry: "scripts/relay.ts",
    args: ["--gateway", `${options.appUrl}/api/v1/ohttp`, "--port", String(flags.relayPort), "--host", "127.0.0.1", "--burst", "1000000000", "--refill", "1000000000"],
    env: { ...process.env, NODE_ENV: "production" },
    healthUrl: `http://127.0.0.1:${flags.relayPort}/healthz`,
    logFile: path.join(options.logDir, `relay-${options.stamp}.log`),
    timeoutMs: 30_000,
    track: options.track,
  });
  options.started(relay);
  const { result: issuance, pool, tokensPerSecond } = await measureIssuance({
    dp: issuer,
    apiKey: options.apiKey,
    // Batches are CPU-bound on both sides: a few in flight keep both busy.
    concurrency: Math.min(flags.privateConcurrency, 4),
    warmupSeconds: flags.warmup,
    seconds: flags.duration,
    batchSize: flags.tokenBatch,
  });
  console.log(`  ${describeTimed(issuance, "requests")}: ${number(tokensPerSecond)} tokens/s; ${number(pool.length)} tokens pooled for the private lookups`);
  // Half the tokens for the bucket phase, which spends two per lookup.
  const bucketPool = pool.splice(0, Math.floor(pool.length / 2));
  const common = { dp: issuer, relay: `http://127.0.0.1:${flags.relayPort}/`, n: options.n, hitRatio: flags.hitRatio, seed: flags.randomSeed, concurrency: flags.privateConcurrency, warmupSeconds: flags.warmup, seconds: flags.duration };
  const privately = await measurePrivateLookups({ ...common, pool });
  console.log(`  ${describeTimed(privately, "lookups")}`);
  if (privately.stoppedEarly) notes.push(`The private lookup phase stopped after ${privately.elapsedSeconds.toFixed(1)} s: ${privately.stoppedEarly} (raise --duration for issuance, or lower it for lookups).`);
  notes.push("Private lookups: each is one Binary HTTP request, padded to 1 KiB, encapsulated (X25519, HKDF-SHA256, AES-128-GCM) and sent through the relay, paid with one token; the client's encapsulation and the token issuance's blinding and unblinding are in the measured time. Answers are checked, not verified, as in the direct phases.");
  const buckets = await measureBucketLookups({ ...common, pool: bucketPool });
  console.log(`  ${describeTimed(buckets.result, "lookups")}; per lookup the relay carried ${number(buckets.requestBytesPerLookup)} bytes out and ${number(buckets.answerBytesPerLookup)} bytes back`);
  if (buckets.result.stoppedEarly) notes.push(`The bucket lookup phase stopped after ${buckets.result.elapsedSeconds.toFixed(1)} s: ${buckets.result.stoppedEarly}.`);
  notes.push("Private lookups through OPRF-keyed buckets: per identifier an evaluation and a bucket request through the relay, two tokens, the proof checked, the record decrypted and its mappings verified (the only way to read the answer), all in the measured time.");
  return { issuance, pool, tokensPerSecond, privately, buckets };
}
