import { parseArgs } from "node:util";

/** Every knob of `npm run bench`, validated once. Defaults are the issue's: 100,000 mappings, 32 connections, 15 s. */
export type BenchOptions = {
  n: number;
  concurrency: number;
  batchConcurrency: number;
  duration: number;
  warmup: number;
  batchSize: number;
  hitRatio: number;
  port: number;
  baselinePort: number;
  relayPort: number;
  privateConcurrency: number;
  tokenBatch: number;
  adminUrl: string;
  dbName: string;
  reuse: boolean;
  build: boolean;
  skipSeed: boolean;
  seedWorkers: number;
  perPasskey: number;
  verifySample: number;
  baselineMode: "full" | "bare";
  /** The app's WEB_CONCURRENCY: its worker processes, in each instance. */
  workers: number;
  /** App instances (server.ts processes); above 1 they run behind HAProxy on --port. */
  instances: number;
  /** The first instance's own port behind HAProxy; instance i listens on instancePort + i. */
  instancePort: number;
  /** false with --no-private: no OPRF record build, OPRF measurement, token, private or bucket phase. */
  private: boolean;
  /** false with --no-publish: no publish phase. */
  publish: boolean;
  publishConcurrency: number;
  randomSeed: number;
  outDir: string;
};

export const USAGE = `npm run bench -- [flags]

  --n <count>                 signed mappings to seed (default 100000)
  --concurrency <c>           connections for single lookups (default 32)
  --batch-concurrency <c>     connections for batch lookups (default 4)
  --duration <seconds>        measured time per phase (default 15)
  --warmup <seconds>          unmeasured time before each phase (default 3)
  --batch-size <k>            identifiers per batch request (default 1000, at most 10000)
  --hit-ratio <0..1>          share of looked-up identifiers that exist (default 0.9)
  --port <port>               the app server's port (default 3300)
  --baseline-port <port>      the baseline server's port (default 3301)
  --relay-port <port>         the OHTTP relay's port for the private phases (default 3302)
  --private-concurrency <c>   connections for private lookups, and (at most 4) for token issuance (default: --concurrency)
  --token-batch <k>           tokens per issuance request, a generic batch (default 100; 1: one RFC 9578 request each)
  --admin-url <url>           PostgreSQL URL used to create the bench database
                              (default postgres://postgres@127.0.0.1:5432/postgres)
  --db-name <name>            the bench database, dropped and created each run (default mimi_bench)
  --reuse                     keep an existing bench database and its mappings instead of recreating it
  --no-build                  skip \`next build\` (needs an existing .next build)
  --skip-seed                 seed nothing (with --reuse: use the mappings already there)
  --seed-workers <w>          seeding processes (default: number of CPUs)
  --per-passkey <k>           mappings signed by one software passkey / one user (default 1000)
  --verify-sample <k>         seeded mappings checked with the verifier before measuring (default 200)
  --workers <n>               the app's worker processes, WEB_CONCURRENCY (default 1, like the baseline),
                              in each instance
  --instances <n>             app instances (server.ts processes, at most 16, default 1); above 1 they run
                              behind HAProxy (/usr/sbin/haproxy) listening on --port, and every app phase
                              goes through it; 1 is the direct path, no balancer
  --instance-port <port>      the first instance's own port behind HAProxy, instance i on port + i
                              (default: --port + 10)
  --no-private                skip the OPRF record build, the OPRF evaluation measurement and the token,
                              private and bucket phases
  --no-publish                skip the publish phase
  --publish-concurrency <c>   signed-in recipients publishing at once in the publish phase (default 8)
  --baseline-mode full|bare   full (default): the baseline also normalises identifiers and takes the same
                              rate-limit tokens as the app; bare: key check and lookup query only
  --random-seed <int>         seed of the pseudo-random identifier choice (default 1)
  --out <dir>                 where the JSON report goes (default bench-results)
`;

function integer(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value.replaceAll("_", ""));
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new Error(`--${name} must be an integer from ${min} to ${max}, not "${value}"`);
  }
  return parsed;
}

function decimal(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) throw new Error(`--${name} must be a number from ${min} to ${max}, not "${value}"`);
  return parsed;
}

export function parseBenchArgs(argv: string[], cpuCount: number): BenchOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: "boolean", short: "h" },
      n: { type: "string" },
      concurrency: { type: "string" },
      "batch-concurrency": { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string" },
      "batch-size": { type: "string" },
      "hit-ratio": { type: "string" },
      port: { type: "string" },
      "baseline-port": { type: "string" },
      "relay-port": { type: "string" },
      "private-concurrency": { type: "string" },
      "token-batch": { type: "string" },
      "admin-url": { type: "string" },
      "db-name": { type: "string" },
      reuse: { type: "boolean" },
      "no-build": { type: "boolean" },
      "skip-seed": { type: "boolean" },
      "seed-workers": { type: "string" },
      "per-passkey": { type: "string" },
      "verify-sample": { type: "string" },
      "baseline-mode": { type: "string" },
      workers: { type: "string" },
      instances: { type: "string" },
      "instance-port": { type: "string" },
      "no-private": { type: "boolean" },
      "no-publish": { type: "boolean" },
      "publish-concurrency": { type: "string" },
      "random-seed": { type: "string" },
      out: { type: "string" },
    },
  });
  if (values.help) return "help";
  const dbName = values["db-name"] ?? "mimi_bench";
  // The name goes into CREATE/DROP DATABASE unquoted: only a plain identifier, and never the admin database.
  if (!/^[a-z_][a-z0-9_]{0,62}$/u.test(dbName) || ["postgres", "template0", "template1"].includes(dbName)) {
    throw new Error(`--db-name must be a lower-case SQL identifier other than postgres/template0/template1, not "${dbName}"`);
  }
  const adminUrl = values["admin-url"] ?? "postgres://postgres@127.0.0.1:5432/postgres";
  if (!/^postgres(ql)?:\/\//u.test(adminUrl)) throw new Error("--admin-url must be a postgres:// URL");
  const baselineMode = values["baseline-mode"] ?? "full";
  if (baselineMode !== "full" && baselineMode !== "bare") throw new Error('--baseline-mode must be "full" or "bare"');
  const options: BenchOptions = {
    n: integer("n", values.n, 100_000, 1, 50_000_000),
    concurrency: integer("concurrency", values.concurrency, 32, 1, 1024),
    batchConcurrency: integer("batch-concurrency", values["batch-concurrency"], 4, 1, 256),
    duration: decimal("duration", values.duration, 15, 1, 3600),
    warmup: decimal("warmup", values.warmup, 3, 0, 600),
    batchSize: integer("batch-size", values["batch-size"], 1000, 1, 10_000),
    hitRatio: decimal("hit-ratio", values["hit-ratio"], 0.9, 0, 1),
    port: integer("port", values.port, 3300, 1, 65535),
    baselinePort: integer("baseline-port", values["baseline-port"], 3301, 1, 65535),
    relayPort: integer("relay-port", values["relay-port"], 3302, 1, 65535),
    privateConcurrency: integer("private-concurrency", values["private-concurrency"] ?? values.concurrency, 32, 1, 1024),
    tokenBatch: integer("token-batch", values["token-batch"], 100, 1, 1000),
    adminUrl,
    dbName,
    reuse: values.reuse ?? false,
    build: !(values["no-build"] ?? false),
    skipSeed: values["skip-seed"] ?? false,
    seedWorkers: integer("seed-workers", values["seed-workers"], Math.max(1, cpuCount), 1, 64),
    perPasskey: integer("per-passkey", values["per-passkey"], 1000, 1, 100_000),
    verifySample: integer("verify-sample", values["verify-sample"], 200, 0, 100_000),
    baselineMode,
    workers: integer("workers", values.workers, 1, 1, 64),
    instances: integer("instances", values.instances, 1, 1, 16),
    instancePort: 0,
    private: !(values["no-private"] ?? false),
    publish: !(values["no-publish"] ?? false),
    publishConcurrency: integer("publish-concurrency", values["publish-concurrency"], 8, 1, 256),
    randomSeed: integer("random-seed", values["random-seed"], 1, 0, 2 ** 31 - 1),
    outDir: values.out ?? "bench-results",
  };
  if (new Set([options.port, options.baselinePort, options.relayPort]).size !== 3) throw new Error("--port, --baseline-port and --relay-port must differ");
  // Instance ports only matter behind the balancer; with one instance the app listens on --port itself.
  const instancePortDefault = Math.min(options.port + 10, 65535 - options.instances + 1);
  options.instancePort = integer("instance-port", values["instance-port"], instancePortDefault, 1, 65535 - options.instances + 1);
  if (values["instance-port"] !== undefined && options.instances === 1) throw new Error("--instance-port needs --instances 2 or more (one instance listens on --port, without a balancer)");
  if (options.instances > 1) {
    const last = options.instancePort + options.instances - 1;
    for (const [flag, port] of [["--port", options.port], ["--baseline-port", options.baselinePort], ["--relay-port", options.relayPort]] as const) {
      if (port >= options.instancePort && port <= last) throw new Error(`${flag} ${port} is one of the instances' ports ${options.instancePort}-${last}; choose another --instance-port`);
    }
  }
  return options;
}

/** The bench database's URL: the admin URL with another database name. */
export function benchDatabaseUrl(adminUrl: string, dbName: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
}
