/**
 * `npm run bench`: seeds N genuinely signed mappings into a fresh PostgreSQL database, runs the production app
 * server and a framework-free baseline against it, measures single and batch lookups on both the same way, prints
 * a table with the ratios and writes a JSON report to bench-results/. See bench/README.md.
 */
import type { ChildProcess } from "node:child_process";
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
import { cpuWindow, processesNamed, processTree, type CpuReport } from "./cpu-usage";
import { runLoad, type LoadResult } from "./load";
import { deriveAppKeys } from "@/lib/crypto/app-keys";
import { startApp } from "./app-instances";
import { holdOprfBuild, type OprfBuildHold } from "./oprf-build-hold";
import { describeLoad, describeTimed, number, step, tail } from "./output";
import { prepareBuckets, runPrivatePhases } from "./private-phases";
import { PUBLISH_TARGET_PER_SECOND, runPublishPhase } from "./publish-phase";
import { comparisonRows, describeErrors, formatTable, privateRows, publishRows, ratios, writeReport } from "./report";
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
    options.instances === 1
      ? `The app ran ${options.workers} worker process(es) (WEB_CONCURRENCY, --workers), reached directly on :${options.port} (no balancer, as before --instances); the baseline is one process.`
      : `The app ran as ${options.instances} instances (server.ts processes on :${options.instancePort}-${options.instancePort + options.instances - 1}, ${options.workers} worker process(es) each) behind HAProxy on :${options.port} with the README's configuration (deploy/haproxy/haproxy.cfg on plain HTTP, logging only requests that went wrong); every app phase went through HAProxy, the baseline is one process reached directly.`,
  ];
  console.log(`mimi-discovery bench: N=${number(options.n)}, concurrency ${options.concurrency} (batch ${options.batchConcurrency}), ${options.duration} s per phase after ${options.warmup} s warm-up, batch size ${options.batchSize}, hit ratio ${options.hitRatio}`);

  const databaseUrl = benchDatabaseUrl(options.adminUrl, options.dbName);
  const servers: ServerProcess[] = [];
  let database: BenchDatabase | undefined;
  let hold: OprfBuildHold | undefined;
  try {
    let buildSeconds: number | null = null;
    step("Prepare the database");
    database = await prepareDatabase({ adminUrl: options.adminUrl, dbName: options.dbName, url: databaseUrl, reuse: options.reuse, issuer: `http://localhost:${options.port}` });
    const issuer = database.state.issuer;
    console.log(`  ${database.created ? "created" : "reusing"} ${options.dbName}, migrated; issuer ${issuer}`);
    const envFor = (port: number) => appEnvironment({ databaseUrl, port, issuer, authSecret: database!.state.authSecret, maxBatch: Math.max(1000, options.batchSize), workers: options.workers });
    const env = envFor(options.port);

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

    const sealing = deriveAppKeys(database.state.authSecret).sealing;
    let buckets: Awaited<ReturnType<typeof prepareBuckets>> | null = null;
    if (options.private) {
      buckets = await prepareBuckets(database, sealing, options);
    } else {
      step("--no-private: no OPRF record build, no OPRF evaluation measurement, no token, private or bucket phase");
      hold = await holdOprfBuild(database, sealing);
      if (hold) {
        const note = `--no-private: OPRF key ${hold.epoch} is still building (${hold.builtThrough === null ? "no records built yet" : "built part-way, to a stored cursor"}); the bench held the build's advisory lock for the whole run, so the app's background build waited (each instance logs its build step's statement timeout every few seconds) and spent no CPU during the phases. A run without --no-private builds the rest.`;
        console.log(`  ${note}`);
        notes.push(note);
      } else {
        console.log("  the OPRF key's records are built (or few enough for the app to build at start): nothing to hold back");
      }
      notes.push("--no-private: the OPRF record build, the OPRF evaluation measurement and the token issuance, private and bucket lookup phases were skipped.");
    }

    const apiKey = await createBenchMsp(database, new Date());

    step("Start the servers");
    const logDir = path.join(outDir, "logs");
    const appTarget = await startApp({ instances: options.instances, port: options.port, instancePort: options.instancePort, env: envFor, logDir, stamp, started: (server) => servers.push(server), track });
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
    const appLogs = appTarget.instances.map((instance) => path.relative(repoRoot, instance.logFile));
    console.log(
      appTarget.path === "direct"
        ? `  app on :${options.port}, direct (log ${appLogs[0]}), baseline (${options.baselineMode}) on :${options.baselinePort}`
        : `  ${options.instances} app instances on :${options.instancePort}-${options.instancePort + options.instances - 1} (logs ${appLogs.join(", ")}) behind HAProxy on :${options.port} (config ${appTarget.balancer!.configFile}), baseline (${options.baselineMode}) on :${options.baselinePort}`,
    );
    await warmCache(database);

    const appUrl = appTarget.url;
    const baselineUrl = `http://127.0.0.1:${options.baselinePort}`;
    step("Compare answers byte for byte");
    const equivalence: Equivalence = await compareResponses({ appUrl, baselineUrl, apiKey, n, hitRatio: options.hitRatio, seed: options.randomSeed, singles: 50, batchSize: Math.min(options.batchSize, 200) });
    console.log(`  ${equivalence.identical} / ${equivalence.compared} identical`);
    for (const difference of equivalence.differences) {
      console.log(`  DIFFERENT: ${difference.request}\n    app:      ${difference.app}\n    baseline: ${difference.baseline}`);
    }

    // CPU seconds of each part during each measured phase (bench/cpu-usage.ts): what a lookup costs the app or the
    // baseline, PostgreSQL, HAProxy and the load generator, however the shared cores were split between them.
    const cpuGroups = (target: "app" | "baseline") => ({
      [target]: () => (target === "app" ? appTarget.instances : [baseline]).flatMap((server) => (server.child.pid ? processTree(server.child.pid) : [])),
      postgres: () => processesNamed("postgres"),
      ...(appTarget.balancer?.child.pid ? { haproxy: () => [appTarget.balancer!.child.pid!] } : {}),
      load: () => [process.pid],
    });
    const cpu: Record<string, CpuReport> = {};
    const measure = async (kind: "single" | "batch", target: "app" | "baseline"): Promise<LoadResult> => {
      const base = target === "app" ? appUrl : baselineUrl;
      const window = cpuWindow(cpuGroups(target));
      const result = await runLoad({
        window,
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
      const used = window.perUnit(result.ok * (kind === "batch" ? options.batchSize : 1));
      cpu[`${kind} ${target}`] = used;
      console.log(`    CPU ms per ${kind === "batch" ? "identifier" : "lookup"}: ${Object.entries(used.msPerUnit).map(([group, ms]) => `${group} ${ms ?? "n/a"}`).join(", ")}`);
      return result;
    };
    step(`Single lookups: ${options.concurrency} connections, ${options.warmup} s warm-up + ${options.duration} s each`);
    const single = { app: await measure("single", "app"), baseline: await measure("single", "baseline") };
    step(`Batch lookups of ${options.batchSize}: ${options.batchConcurrency} connections, ${options.warmup} s warm-up + ${options.duration} s each`);
    const batch = { app: await measure("batch", "app"), baseline: await measure("batch", "baseline") };

    const privatePhases = options.private ? await runPrivatePhases({ flags: options, issuer, appUrl, apiKey, n, logDir, stamp, notes, started: (server) => servers.push(server), track }) : null;
    const publish = options.publish ? await runPublishPhase({ flags: options, database, sealing, appUrl, apiKey, cpuGroups: cpuGroups("app") }) : null;
    if (publish) {
      notes.push(
        `${publish.verification ? `${publish.verification.verified} of ${publish.verification.sampled} published mappings looked up through the app verified with the MSP kit's verifier.` : "The published mappings were not looked up and verified (--verify-sample 0, or nothing was published)."} Publish phase (last, on identifiers mailto:bench-publish-<p>-<k>@example.com outside the seeded and never-seeded ones): ${publish.recipients} signed-in recipients, one per loop, each publishing through the mapping editor's two server actions (prepareMappingAction, a software passkey's assertion over the stored challenge, publishMappingAction) over HTTP as the browser sends them. Set-up not measured, done in the database as the app would: users, ${publish.identifiersEach} verified identifiers each (written directly, like the seed's), a passkey each registered with the app's startPasskeyRegistration/finishPasskeyRegistration, a session each from createSession (just signed in). ${number(publish.identifiers)} identifiers got mappings; afterwards the recipients and their mappings were removed and their private records rewritten, so the database is as seeded.`,
      );
    }

    for (const server of servers.splice(0)) await server.stop();
    await hold?.release();
    hold = undefined;

    const rows = comparisonRows({ single, batch, batchSize: options.batchSize });
    console.log(`\n${formatTable(rows)}`);
    let privateTable: ReturnType<typeof privateRows> = [];
    let bucketTable: ReturnType<typeof privateRows> = [];
    if (privatePhases && buckets) {
      const { issuance, privately, tokensPerSecond } = privatePhases;
      privateTable = privateRows(single.app, privately);
      console.log(`\n${formatTable(privateTable, ["private", "direct"])}`);
      bucketTable = privateRows(single.app, privatePhases.buckets.result);
      console.log(`\n${formatTable(bucketTable, ["buckets", "direct"])}`);
      console.log(`\nOPRF: ${number(buckets.oprf.evaluationsPerSecond)} evaluations/s per core; a bucket lookup: ${number(privatePhases.buckets.answerBytesPerLookup)} bytes back through the relay (${number(privatePhases.buckets.requestBytesPerLookup)} out)`);
      console.log(`\ntoken issuance: ${number(tokensPerSecond)} tokens/s (${describeTimed(issuance, "requests")})`);
    } else {
      console.log("\nprivate phases: skipped (--no-private): no OPRF record build, OPRF evaluation, token issuance, private or bucket lookups");
    }
    const publishTable = publish ? publishRows(publish.result, PUBLISH_TARGET_PER_SECOND) : [];
    if (publish) console.log(`\n${formatTable(publishTable, ["publish", "target"])}`);
    else console.log("\npublish phase: skipped (--no-publish)");
    console.log(`\napp path: ${appTarget.path === "direct" ? `direct to one instance on :${options.port}` : `HAProxy on :${options.port} in front of ${options.instances} instances`}`);
    const timedErrors = [...(privatePhases ? [privatePhases.issuance, privatePhases.privately, privatePhases.buckets.result] : []), ...(publish ? [publish.result] : [])];
    const errorLines = [
      ...timedErrors.filter((result) => result.errors > 0).map((result) => `${result.target}: ${result.errors} errors of ${result.operations}\n    first: ${result.errorSamples[0] ?? ""}`),
      ...(publish && publish.warmup.errors > 0 ? [`publish warm-up: ${publish.warmup.errors} errors of ${publish.warmup.operations}\n    first: ${publish.warmup.errorSamples[0] ?? ""}`] : []),
      ...(publish?.verification && publish.verification.failures.length > 0
        ? [`published mappings: ${publish.verification.failures.length} of ${publish.verification.sampled} looked up do not verify\n    first: ${publish.verification.failures[0]!.csi}: ${publish.verification.failures[0]!.problem.slice(0, 300)}`]
        : []),
      describeErrors("app, single", single.app),
      describeErrors("baseline, single", single.baseline),
      describeErrors("app, batch", batch.app),
      describeErrors("baseline, batch", batch.baseline),
    ].filter((line): line is string => line !== undefined);
    if (errorLines.length > 0) {
      console.log(`\nERRORS (counted, not hidden; the rates above count 200 OK answers only):\n  ${errorLines.join("\n  ")}`);
      if (single.app.errors + batch.app.errors + (publish ? publish.result.errors + publish.warmup.errors : 0) > 0) {
        for (const instance of appTarget.instances) console.log(`\nLast lines of ${instance.name}'s log (${path.relative(repoRoot, instance.logFile)}):\n${tail(instance.logFile, 15)}`);
        if (appTarget.balancer) console.log(`\nLast lines of HAProxy's log, requests that went wrong (${path.relative(repoRoot, appTarget.balancer.logFile)}):\n${tail(appTarget.balancer.logFile, 10)}`);
      }
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
        private:
          privatePhases && { issuance: { ...privatePhases.issuance, tokensPerSecond: privatePhases.tokensPerSecond, batchSize: options.tokenBatch }, lookups: privatePhases.privately, pooledTokens: privatePhases.pool.length },
        buckets: privatePhases &&
          buckets && {
            lookups: privatePhases.buckets.result,
            requestBytesPerLookup: privatePhases.buckets.requestBytesPerLookup,
            answerBytesPerLookup: privatePhases.buckets.answerBytesPerLookup,
            oprf: buckets.oprf,
            recordBuild: buckets.recordBuild,
          },
        privateSkipped: !options.private,
        publish: publish && {
          ...publish.result,
          publishedPerSecond: publish.result.okPerSecond,
          targetPerSecond: PUBLISH_TARGET_PER_SECOND,
          warmup: publish.warmup,
          recipients: publish.recipients,
          identifiersPublished: publish.identifiers,
          cpu: publish.cpu,
          verification: publish.verification,
        },
        publishSkipped: !options.publish,
      },
      app: {
        path: appTarget.path,
        instances: options.instances,
        workersPerInstance: options.workers,
        ...(appTarget.balancer && { balancer: { program: "/usr/sbin/haproxy", port: options.port, instancePorts: appTarget.instances.map((_, index) => options.instancePort + index) } }),
      },
      // CPU seconds per part in each measured phase, and milliseconds per lookup (or per identifier of a batch).
      cpu,
      table: rows.map(({ metric, app: appValue, baseline: baselineValue }) => ({ metric, app: appValue, baseline: baselineValue })),
      privateTable: privateTable.map(({ metric, app: privateValue, baseline: directValue }) => ({ metric, private: privateValue, direct: directValue })),
      bucketTable: bucketTable.map(({ metric, app: bucketValue, baseline: directValue }) => ({ metric, buckets: bucketValue, direct: directValue })),
      publishTable: publishTable.map(({ metric, app: value, baseline: targetValue }) => ({ metric, publish: value, target: Number.isFinite(targetValue) ? targetValue : null })),
      ratios: ratios(rows),
      errors: errorLines,
      notes,
      // `app` stays one path, as in reports before --instances; behind HAProxy every instance's log is listed too.
      logs: { app: appLogs[0], ...(appTarget.balancer && { instances: appLogs, haproxy: path.relative(repoRoot, appTarget.balancer.logFile) }), baseline: path.relative(repoRoot, baseline.logFile) },
    };
    const file = writeReport(outDir, startedAt, report);
    console.log(`\n${notes.map((note) => `note: ${note}`).join("\n")}\n\nreport: ${path.relative(process.cwd(), file)}`);
    return errorLines.length > 0 ? 1 : 0;
  } finally {
    for (const server of servers) await server.stop().catch(() => {});
    await hold?.release().catch(() => {});
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
