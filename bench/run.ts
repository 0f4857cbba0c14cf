/**
 * `npm run bench`: seeds N genuinely signed mappings into a fresh PostgreSQL database, runs the production app
 * server and a framework-free baseline against it, measures single and batch lookups on both the same way, prints
 * a table with the ratios and writes a JSON report to bench-results/. See bench/README.md.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { MAPPING_LIMITS } from "@/lib/mappings/limits";
import { benchDatabaseUrl, parseBenchArgs, USAGE, type BenchOptions } from "./args";
import {
  closeDatabase,
  countMappings,
  createBenchMsp,
  markSeeded,
  postgresVersion,
  prepareDatabase,
  vacuumAnalyze,
  warmCache,
  BENCH_MSP_ID,
  BENCH_MSP_LIMITS,
  type BenchDatabase,
} from "./database";
import { runLoad, type LoadResult } from "./load";
import { measureBucketLookups, measureIssuance, measurePrivateLookups, type TimedResult } from "./private";
import { measureOprfEvaluations } from "./oprf";
import { buildOprfRecords } from "@/lib/private/build-oprf-records";
import { ensureOprfKey } from "@/lib/private/oprf-keys";
import { deriveAppKeys } from "@/lib/crypto/app-keys";
import { comparisonRows, describeErrors, formatTable, privateRows, ratios, writeReport } from "./report";
import { seedMappings, type SeedStats } from "./seed";
import { appEnvironment, buildApp, hasBuild, repoRoot, startServer, type ServerProcess } from "./servers";
import { verifySample, type SampleVerification } from "./verify-sample";
import { batchLookups, compareResponses, singleLookups, type Equivalence } from "./workloads";

const children = new Set<ChildProcess>();
function track(child: ChildProcess): void {
  children.add(child);
  child.once("exit", () => children.delete(child));
}

let interrupted = false;
function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) return;
  interrupted = true;
  console.error(`\n${signal}: stopping ${children.size} child process(es)`);
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => {
    for (const child of children) child.kill("SIGKILL");
    process.exit(130);
  }, 5_000).unref();
  // Exit as soon as every child is gone.
  const poll = setInterval(() => {
    if (children.size === 0) process.exit(130);
  }, 100);
  poll.unref();
}
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

const step = (text: string) => console.log(`\n== ${text}`);
const number = (value: number) => Math.round(value).toLocaleString("en-US");

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

function describeLoad(result: LoadResult, batchSize?: number): string {
  const perSecond = batchSize ? `${number(result.okPerSecond * batchSize)} identifiers/s (${result.okPerSecond.toFixed(1)} batches/s)` : `${number(result.okPerSecond)} req/s`;
  const { p50Ms, p90Ms, p99Ms } = result.latency;
  return `${result.target}: ${perSecond}, p50 ${p50Ms.toFixed(2)} ms, p90 ${p90Ms.toFixed(2)} ms, p99 ${p99Ms.toFixed(2)} ms, ${result.requests} requests, ${result.errors} errors`;
}

function describeTimed(result: TimedResult, unit: string): string {
  const { p50Ms, p90Ms, p99Ms } = result.latency;
  return `${result.target}: ${number(result.okPerSecond)} ${unit}/s, p50 ${p50Ms.toFixed(2)} ms, p90 ${p90Ms.toFixed(2)} ms, p99 ${p99Ms.toFixed(2)} ms, ${result.operations} operations, ${result.errors} errors`;
}

/** What the database should hold, and whether this run seeds it. */
async function decideSeeding(options: BenchOptions, database: BenchDatabase): Promise<{ n: number; seed: boolean; note?: string }> {
  const existing = database.created ? 0 : await countMappings(database);
  const seeded = database.state.seeded;
  if (existing > 0 && seeded === null) {
    throw new Error(`database ${options.dbName} holds ${existing} mappings from a seed that did not complete; run without --reuse to recreate it`);
  }
  if (options.skipSeed) {
    const n = seeded ?? 0;
    return { n, seed: false, note: n === 0 ? "--skip-seed on an empty database: every lookup is a miss" : `--skip-seed: using the ${n} mappings already there` };
  }
  if (seeded !== null) {
    if (seeded !== options.n) throw new Error(`database ${options.dbName} holds ${seeded} seeded mappings; pass --n ${seeded} or drop --reuse`);
    return { n: seeded, seed: false, note: `--reuse: the ${seeded} mappings already seeded are used` };
  }
  return { n: options.n, seed: true };
}

async function main(): Promise<number> {
  const parsed = parseBenchArgs(process.argv.slice(2), os.cpus().length);
  if (parsed === "help") {
    console.log(USAGE);
    return 0;
  }
  const options = parsed;
  const startedAt = new Date();
  const outDir = path.resolve(repoRoot, options.outDir);
  const stamp = startedAt.toISOString().replace(/[:.]/gu, "-");
  const notes: string[] = [
    `The benchmark MSP ${BENCH_MSP_ID} has lookup_burst ${BENCH_MSP_LIMITS.lookupBurst} and lookup_refill_per_second ${BENCH_MSP_LIMITS.lookupRefillPerSecond}, so the per-MSP rate limit never throttles the measurement. The app charges every request against tokens it leased (lib/rate-limit/leased-bucket-store.ts): with limits this large a lease is a tenth of the burst, so the shared bucket in PostgreSQL is written about once a run, not once a request; a real MSP's lease is a quarter second of its refill.`,
    `The load generator, both servers and PostgreSQL share this machine's ${os.cpus().length} CPU(s); absolute numbers include that contention, the ratios compare like with like.`,
    `The app ran ${options.workers} worker process(es) (WEB_CONCURRENCY, --workers); the baseline is one process.`,
  ];
  console.log(`mimi-discovery bench: N=${number(options.n)}, concurrency ${options.concurrency} (batch ${options.batchConcurrency}), ${options.duration} s per phase after ${options.warmup} s warm-up, batch size ${options.batchSize}, hit ratio ${options.hitRatio}`);

  const databaseUrl = benchDatabaseUrl(options.adminUrl, options.dbName);
  const servers: ServerProcess[] = [];
  let database: BenchDatabase | undefined;
  try {
    let buildSeconds: number | null = null;
    step("Prepare the database");
    database = await prepareDatabase({ adminUrl: options.adminUrl, dbName: options.dbName, url: databaseUrl, reuse: options.reuse, issuer: `http://localhost:${options.port}` });
    const issuer = database.state.issuer;
    console.log(`  ${database.created ? "created" : "reusing"} ${options.dbName}, migrated; issuer ${issuer}`);
    const env = appEnvironment({ databaseUrl, port: options.port, issuer, authSecret: database.state.authSecret, maxBatch: Math.max(1000, options.batchSize), workers: options.workers });

    if (options.build) {
      step("next build");
      buildSeconds = await buildApp(env, track);
    } else if (!hasBuild()) {
      throw new Error("--no-build needs an existing production build (.next/BUILD_ID); run without --no-build");
    }

    const plan = await decideSeeding(options, database);
    if (plan.note) notes.push(plan.note);
    const n = plan.n;
    let seeding: (SeedStats & { vacuumAnalyzeSeconds: number }) | null = null;
    if (plan.seed) {
      step(`Seed ${number(n)} signed mappings (${options.seedWorkers} worker(s), one software passkey per ${options.perPasskey} mappings)`);
      const stats = await seedMappings({
        databaseUrl,
        authSecret: database.state.authSecret,
        issuer,
        n,
        perPasskey: options.perPasskey,
        workers: options.seedWorkers,
        ttlDays: MAPPING_LIMITS.defaultTtlDays,
        track,
      });
      await markSeeded(database, n, options.perPasskey);
      const vacuumAnalyzeSeconds = await vacuumAnalyze(database);
      seeding = { ...stats, vacuumAnalyzeSeconds };
      console.log(`  seeded ${number(stats.mappings)} mappings in ${stats.seconds.toFixed(1)} s: ${number(stats.mappingsPerSecond)} mappings/s; vacuum analyze ${vacuumAnalyzeSeconds.toFixed(1)} s`);
    } else {
      console.log(`  ${plan.note}`);
    }

    let verification: SampleVerification | null = null;
    if (n > 0 && options.verifySample > 0) {
      step(`Verify ${Math.min(options.verifySample, n)} random seeded mappings with the MSP kit's verifier`);
      verification = await verifySample(database, { n, size: options.verifySample, seed: options.randomSeed });
      if (verification.failures.length > 0) {
        for (const failure of verification.failures.slice(0, 5)) console.error(`  ${failure.csi}: ${failure.problem}`);
        throw new Error(`${verification.failures.length} of ${verification.sampled} sampled mappings do not verify: the seed is not genuine, nothing measured`);
      }
      console.log(`  ${verification.verified} / ${verification.sampled} verify`);
    }

    step("OPRF-keyed buckets: the first key's records, written as the app's background build writes them");
    const sealing = deriveAppKeys(database.state.authSecret).sealing;
    await ensureOprfKey(database.db, sealing);
    const buildStarted = performance.now();
    const built = await buildOprfRecords(database.db, sealing, () => new Date());
    const recordBuild = { records: built.written, seconds: (performance.now() - buildStarted) / 1000 };
    console.log(`  ${built.written > 0 ? `${number(built.written)} records in ${recordBuild.seconds.toFixed(1)} s: ${number(built.written / recordBuild.seconds)} records/s` : "the key's records were already built"}`);
    step("OPRF evaluations on one core (RFC 9497 BlindEvaluate with the batch's DLEQ proof, 64 per batch)");
    const oprf = await measureOprfEvaluations({ seconds: Math.min(options.duration, 10), batchSize: 64 });
    console.log(`  ${number(oprf.evaluationsPerSecond)} evaluations/s per core with libsodium, as the DP runs them (target 3,000); ${number(oprf.noble.evaluationsPerSecond)}/s with @noble/curves`);

    const apiKey = await createBenchMsp(database, new Date());

    step("Start the servers");
    const logDir = path.join(outDir, "logs");
    const app = await startServer({
      name: "app server",
      entry: "server.ts",
      env,
      healthUrl: `http://127.0.0.1:${options.port}/api/health`,
      logFile: path.join(logDir, `app-${stamp}.log`),
      timeoutMs: 120_000,
      track,
    });
    servers.push(app);
    const baseline = await startServer({
      name: "baseline server",
      entry: "bench/baseline-server.ts",
      env: {
        ...process.env,
        NODE_ENV: "production",
        BASELINE_DATABASE_URL: databaseUrl,
        BASELINE_PORT: String(options.baselinePort),
        BASELINE_HOST: "127.0.0.1",
        BASELINE_MODE: options.baselineMode,
        BASELINE_MAX_BATCH: String(Math.max(1000, options.batchSize)),
      },
      healthUrl: `http://127.0.0.1:${options.baselinePort}/api/health`,
      logFile: path.join(logDir, `baseline-${stamp}.log`),
      timeoutMs: 60_000,
      track,
    });
    servers.push(baseline);
    console.log(`  app on :${options.port} (log ${path.relative(repoRoot, app.logFile)}), baseline (${options.baselineMode}) on :${options.baselinePort}`);
    await warmCache(database);

    const appUrl = `http://127.0.0.1:${options.port}`;
    const baselineUrl = `http://127.0.0.1:${options.baselinePort}`;
    step("Compare answers byte for byte");
    const equivalence: Equivalence = await compareResponses({ appUrl, baselineUrl, apiKey, n, hitRatio: options.hitRatio, seed: options.randomSeed, singles: 50, batchSize: Math.min(options.batchSize, 200) });
    console.log(`  ${equivalence.identical} / ${equivalence.compared} identical`);
    for (const difference of equivalence.differences) {
      console.log(`  DIFFERENT: ${difference.request}\n    app:      ${difference.app}\n    baseline: ${difference.baseline}`);
    }

    const measure = async (kind: "single" | "batch", target: "app" | "baseline"): Promise<LoadResult> => {
      const base = target === "app" ? appUrl : baselineUrl;
      const result = await runLoad({
        target,
        url: `${base}${kind === "single" ? "/api/v1/lookup" : "/api/v1/lookup/batch"}`,
        apiKey,
        concurrency: kind === "single" ? options.concurrency : options.batchConcurrency,
        warmupSeconds: options.warmup,
        durationSeconds: options.duration,
        // The same seed for both servers: they are asked the same sequence of identifiers.
        next:
          kind === "single"
            ? singleLookups({ n, hitRatio: options.hitRatio, seed: options.randomSeed })
            : batchLookups({ n, hitRatio: options.hitRatio, seed: options.randomSeed + 1, size: options.batchSize }),
      });
      console.log(`  ${describeLoad(result, kind === "batch" ? options.batchSize : undefined)}`);
      return result;
    };
    step(`Single lookups: ${options.concurrency} connections, ${options.warmup} s warm-up + ${options.duration} s each`);
    const single = { app: await measure("single", "app"), baseline: await measure("single", "baseline") };
    step(`Batch lookups of ${options.batchSize}: ${options.batchConcurrency} connections, ${options.warmup} s warm-up + ${options.duration} s each`);
    const batch = { app: await measure("batch", "app"), baseline: await measure("batch", "baseline") };

    step(`Private lookups (protocol section 7): a relay on :${options.relayPort}, ${options.privateConcurrency} connections`);
    const relay = await startServer({
      name: "relay",
      entry: "scripts/relay.ts",
      args: ["--gateway", `${appUrl}/api/v1/ohttp`, "--port", String(options.relayPort), "--host", "127.0.0.1", "--burst", "1000000000", "--refill", "1000000000"],
      env: { ...process.env, NODE_ENV: "production" },
      healthUrl: `http://127.0.0.1:${options.relayPort}/healthz`,
      logFile: path.join(logDir, `relay-${stamp}.log`),
      timeoutMs: 30_000,
      track,
    });
    servers.push(relay);
    const { result: issuance, pool, tokensPerSecond } = await measureIssuance({
      dp: issuer,
      apiKey,
      // Batches are CPU-bound on both sides: a few in flight keep both busy.
      concurrency: Math.min(options.privateConcurrency, 4),
      warmupSeconds: options.warmup,
      seconds: options.duration,
      batchSize: options.tokenBatch,
    });
    console.log(`  ${describeTimed(issuance, "requests")}: ${number(tokensPerSecond)} tokens/s; ${number(pool.length)} tokens pooled for the private lookups`);
    // Half the tokens for the bucket phase, which spends two per lookup.
    const bucketPool = pool.splice(0, Math.floor(pool.length / 2));
    const privately = await measurePrivateLookups({
      dp: issuer,
      relay: `http://127.0.0.1:${options.relayPort}/`,
      pool,
      n,
      hitRatio: options.hitRatio,
      seed: options.randomSeed,
      concurrency: options.privateConcurrency,
      warmupSeconds: options.warmup,
      seconds: options.duration,
    });
    console.log(`  ${describeTimed(privately, "lookups")}`);
    if (privately.stoppedEarly) notes.push(`The private lookup phase stopped after ${privately.elapsedSeconds.toFixed(1)} s: ${privately.stoppedEarly} (raise --duration for issuance, or lower it for lookups).`);
    notes.push("Private lookups: each is one Binary HTTP request, padded to 1 KiB, encapsulated (X25519, HKDF-SHA256, AES-128-GCM) and sent through the relay, paid with one token; the client's encapsulation and the token issuance's blinding and unblinding are in the measured time. Answers are checked, not verified, as in the direct phases.");
    const buckets = await measureBucketLookups({
      dp: issuer,
      relay: `http://127.0.0.1:${options.relayPort}/`,
      pool: bucketPool,
      n,
      hitRatio: options.hitRatio,
      seed: options.randomSeed,
      concurrency: options.privateConcurrency,
      warmupSeconds: options.warmup,
      seconds: options.duration,
    });
    console.log(`  ${describeTimed(buckets.result, "lookups")}; per lookup the relay carried ${number(buckets.requestBytesPerLookup)} bytes out and ${number(buckets.answerBytesPerLookup)} bytes back`);
    if (buckets.result.stoppedEarly) notes.push(`The bucket lookup phase stopped after ${buckets.result.elapsedSeconds.toFixed(1)} s: ${buckets.result.stoppedEarly}.`);
    notes.push("Private lookups through OPRF-keyed buckets: per identifier an evaluation and a bucket request through the relay, two tokens, the proof checked, the record decrypted and its mappings verified (the only way to read the answer), all in the measured time.");

    for (const server of servers.splice(0)) await server.stop();

    const rows = comparisonRows({ single, batch, batchSize: options.batchSize });
    console.log(`\n${formatTable(rows)}`);
    const privateTable = privateRows(single.app, privately);
    console.log(`\n${formatTable(privateTable, ["private", "direct"])}`);
    const bucketTable = privateRows(single.app, buckets.result);
    console.log(`\n${formatTable(bucketTable, ["buckets", "direct"])}`);
    console.log(`\nOPRF: ${number(oprf.evaluationsPerSecond)} evaluations/s per core; a bucket lookup: ${number(buckets.answerBytesPerLookup)} bytes back through the relay (${number(buckets.requestBytesPerLookup)} out)`);
    console.log(`\ntoken issuance: ${number(tokensPerSecond)} tokens/s (${describeTimed(issuance, "requests")})`);
    const errorLines = [
      ...[issuance, privately, buckets.result].filter((result) => result.errors > 0).map((result) => `${result.target}: ${result.errors} errors of ${result.operations}\n    first: ${result.errorSamples[0] ?? ""}`),
      describeErrors("app, single", single.app),
      describeErrors("baseline, single", single.baseline),
      describeErrors("app, batch", batch.app),
      describeErrors("baseline, batch", batch.baseline),
    ].filter((line): line is string => line !== undefined);
    if (errorLines.length > 0) {
      console.log(`\nERRORS (counted, not hidden; the rates above count 200 OK answers only):\n  ${errorLines.join("\n  ")}`);
      if (single.app.errors + batch.app.errors > 0) console.log(`\nLast lines of the app's log (${path.relative(repoRoot, app.logFile)}):\n${tail(app.logFile, 15)}`);
    }
    if (equivalence.identical !== equivalence.compared) {
      notes.push(`${equivalence.compared - equivalence.identical} of ${equivalence.compared} answers differ between the app and the baseline${options.baselineMode === "bare" ? " (expected for invalid identifiers in bare mode)" : ""}; see "equivalence".`);
    }
    notes.push(
      options.baselineMode === "full"
        ? "Baseline mode full: it checks the bearer key, normalises identifiers with the app's parser, takes the rate-limit tokens with the app's SQL, runs the lookup query and splices documents like serializeLookup; it does not send the RateLimit headers and its error bodies are shorter."
        : "Baseline mode bare: it checks the bearer key and runs the lookup query, without normalising identifiers or taking rate-limit tokens.",
    );

    const report = {
      benchmark: "mimi-discovery lookup",
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        totalMemoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
        platform: `${os.platform()} ${os.release()} ${os.arch()}`,
        node: process.version,
        postgres: await postgresVersion(database),
      },
      n,
      flags: { ...options, adminUrl: options.adminUrl.replace(/\/\/([^:@/]+):[^@/]*@/u, "//$1:***@") },
      database: { name: options.dbName, created: database.created, issuer },
      buildSeconds,
      seeding,
      verification,
      rateLimit: { msp: BENCH_MSP_ID, ...BENCH_MSP_LIMITS, store: "postgresql (REDIS_URL unset)" },
      equivalence,
      results: {
        single,
        batch,
        private: { issuance: { ...issuance, tokensPerSecond, batchSize: options.tokenBatch }, lookups: privately, pooledTokens: pool.length },
        buckets: { lookups: buckets.result, requestBytesPerLookup: buckets.requestBytesPerLookup, answerBytesPerLookup: buckets.answerBytesPerLookup, oprf, recordBuild },
      },
      table: rows.map(({ metric, app: appValue, baseline: baselineValue }) => ({ metric, app: appValue, baseline: baselineValue })),
      privateTable: privateTable.map(({ metric, app: privateValue, baseline: directValue }) => ({ metric, private: privateValue, direct: directValue })),
      bucketTable: bucketTable.map(({ metric, app: bucketValue, baseline: directValue }) => ({ metric, buckets: bucketValue, direct: directValue })),
      ratios: ratios(rows),
      errors: errorLines,
      notes,
      logs: { app: path.relative(repoRoot, app.logFile), baseline: path.relative(repoRoot, baseline.logFile) },
    };
    const file = writeReport(outDir, startedAt, report);
    console.log(`\n${notes.map((note) => `note: ${note}`).join("\n")}\n\nreport: ${path.relative(process.cwd(), file)}`);
    return errorLines.length > 0 ? 1 : 0;
  } finally {
    for (const server of servers) await server.stop().catch(() => {});
    if (database) await closeDatabase(database).catch(() => {});
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`\nbench failed: ${error instanceof Error ? error.message : String(error)}`);
    for (const child of children) child.kill("SIGTERM");
    process.exit(1);
  },
);
