/**
 * Configuration, read and validated once. Nothing else reads process.env: a bad value stops start-up with a
 * message that names the variable, instead of failing later inside a request.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { z } from "zod";

const deploymentSchema = z.enum(["local", "production"]);

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const regionList = z
  .string()
  .trim()
  .transform((value, ctx) => {
    if (value === "*" || value === "") return "*" as const;
    const regions = value.split(",").map((region) => region.trim().toUpperCase());
    for (const region of regions) {
      if (!/^[A-Z]{2}$/.test(region)) {
        ctx.addIssue({ code: "custom", message: `"${region}" is not a two-letter region code` });
        return z.NEVER;
      }
    }
    return new Set(regions);
  });

const rawSchema = z.object({
  MIMI_DEPLOYMENT: deploymentSchema.default("local"),
  HOST: z.string().trim().min(1).default("localhost"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  PUBLIC_ORIGIN: optionalString.pipe(z.url().optional()),
  DATA_DIR: z.string().trim().min(1).default(".data"),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
  ),
  AUTH_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  SMTP_URL: optionalString.pipe(
    z
      .string()
      .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
      .optional(),
  ),
  SMTP_FROM: z.string().trim().min(3).default("mimi-discovery <no-reply@localhost>"),
  SMS_GATEWAY_URL: optionalString.pipe(z.url().optional()),
  SMS_GATEWAY_TOKEN: optionalString,
  PHONE_REGIONS: regionList.default("*"),
  DEFAULT_PHONE_REGION: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z]{2}$/, "must be a two-letter region code such as US")
      .transform((value) => value.toUpperCase())
      .optional(),
  ),
  TRUSTED_PROXIES: z.string().trim().default(""),
  SEED_DEMO_MSPS: z.enum(["true", "false"]).optional(),
  TEST_HOOKS: z.enum(["0", "1"]).default("0"),
  MAPPING_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  MAX_BATCH: z.coerce.number().int().min(1).max(10_000).default(1000),
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
      .optional(),
  ),
  OPERATORS: z.string().trim().default(""),
  DATABASE_DEADLINE_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  DATABASE_STARTUP_TIMEOUT_SECONDS: z.coerce.number().int().min(0).max(3_600).default(60),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3_600).default(15),
  WEB_CONCURRENCY: optionalString.pipe(
    z
      .string()
      .regex(/^(auto|[1-9][0-9]{0,2})$/u, 'must be "auto" or a number of worker processes from 1 to 999')
      .optional(),
  ),
  // Read by lib/log/logger.ts straight from the environment (it must log before, and without, a valid
  // configuration); validated here so that a misspelt value stops start-up like any other.
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  METRICS_TOKEN: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  METRICS_ALLOW: optionalString,
});

export type Env = {
  deployment: z.infer<typeof deploymentSchema>;
  host: string;
  port: number;
  publicOrigin: string;
  dataDir: string;
  databaseUrl: string | undefined;
  authSecret: string;
  smtp: { url: string; from: string } | undefined;
  smsGateway: { url: string; token: string } | undefined;
  phoneRegions: "*" | Set<string>;
  defaultPhoneRegion: string | undefined;
  trustedProxies: string[];
  seedDemoMsps: boolean;
  testHooks: boolean;
  /** How long a published mapping stays valid before its recipient must re-confirm it. */
  mappingTtlDays: number;
  maxBatch: number;
  /** Rate-limit buckets live here when set; otherwise in PostgreSQL. Either way every instance shares them. */
  redisUrl: string | undefined;
  /** Identifiers granted the operator role at start (they still prove ownership to sign in). */
  operators: string[];
  /** True when some channel writes codes to the development outbox instead of delivering them. */
  devOutbox: boolean;
  /** Longest wait for a database connection (and for one to open): then 503, nothing sent. */
  databaseDeadlineMs: number;
  /** The database's statement_timeout; a statement unanswered a second longer is given up. */
  databaseStatementTimeoutMs: number;
  /** How long start-up keeps retrying a database that does not answer, before giving up. */
  databaseStartupTimeoutSeconds: number;
  /** After SIGTERM, how long in-flight requests and jobs may take before the process exits anyway (non-zero). */
  shutdownGraceSeconds: number;
  /** Server worker processes (node:cluster), each a full instance; 1 is the plain single process. */
  webConcurrency: number;
  /** Who may read GET /metrics: a bearer token, and addresses or CIDR ranges (loopback by default, locally). */
  metrics: { token: string | undefined; allow: string[] };
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses a configuration from an environment-like record. Pure apart from the local secret file. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = rawSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "configuration"}: ${issue.message}`),
    );
  }
  const raw = parsed.data;
  const production = raw.MIMI_DEPLOYMENT === "production";
  const problems: string[] = [];

  if (raw.SMS_GATEWAY_URL && !raw.SMS_GATEWAY_TOKEN) {
    problems.push("SMS_GATEWAY_TOKEN: required when SMS_GATEWAY_URL is set");
  }
  if (production) {
    if (!raw.AUTH_SECRET) problems.push("AUTH_SECRET: required in production (at least 32 random characters)");
    if (!raw.PUBLIC_ORIGIN) problems.push("PUBLIC_ORIGIN: required in production (the https:// origin users reach)");
    else if (!raw.PUBLIC_ORIGIN.startsWith("https://")) problems.push("PUBLIC_ORIGIN: must be https:// in production");
    if (!raw.SMTP_URL) problems.push("SMTP_URL: required in production (email codes need real delivery)");
    if (!raw.SMS_GATEWAY_URL) problems.push("SMS_GATEWAY_URL: required in production (phone codes need real delivery)");
    if (raw.TEST_HOOKS === "1") problems.push("TEST_HOOKS: must not be enabled in production");
  }
  // One worker per core in production on PostgreSQL; the embedded database can be opened by one process only.
  const webConcurrency =
    raw.WEB_CONCURRENCY === "auto" || (raw.WEB_CONCURRENCY === undefined && production && raw.DATABASE_URL)
      ? availableParallelism()
      : Number(raw.WEB_CONCURRENCY ?? 1);
  if (webConcurrency > 1 && !raw.DATABASE_URL) {
    problems.push("WEB_CONCURRENCY: more than one worker needs DATABASE_URL (the embedded database is one process's)");
  }
  const trustedProxies = raw.TRUSTED_PROXIES.split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (problems.length > 0) throw new ConfigError(problems);

  const publicOrigin = new URL(raw.PUBLIC_ORIGIN ?? `http://localhost:${raw.PORT}`).origin;
  return {
    deployment: raw.MIMI_DEPLOYMENT,
    host: raw.HOST,
    port: raw.PORT,
    publicOrigin,
    dataDir: path.resolve(raw.DATA_DIR),
    databaseUrl: raw.DATABASE_URL,
    authSecret: raw.AUTH_SECRET ?? readOrCreateLocalSecret(path.resolve(raw.DATA_DIR)),
    smtp: raw.SMTP_URL ? { url: raw.SMTP_URL, from: raw.SMTP_FROM } : undefined,
    smsGateway:
      raw.SMS_GATEWAY_URL && raw.SMS_GATEWAY_TOKEN
        ? { url: raw.SMS_GATEWAY_URL, token: raw.SMS_GATEWAY_TOKEN }
        : undefined,
    phoneRegions: raw.PHONE_REGIONS,
    defaultPhoneRegion: raw.DEFAULT_PHONE_REGION,
    trustedProxies,
    seedDemoMsps: raw.SEED_DEMO_MSPS ? raw.SEED_DEMO_MSPS === "true" : !production,
    testHooks: raw.TEST_HOOKS === "1",
    mappingTtlDays: raw.MAPPING_TTL_DAYS,
    maxBatch: raw.MAX_BATCH,
    redisUrl: raw.REDIS_URL,
    operators: raw.OPERATORS.split(",")
      .map((entry) => entry.trim())
      .filter(Boolean),
    devOutbox: !raw.SMTP_URL || !raw.SMS_GATEWAY_URL,
    databaseDeadlineMs: raw.DATABASE_DEADLINE_MS,
    databaseStatementTimeoutMs: raw.DATABASE_STATEMENT_TIMEOUT_MS,
    databaseStartupTimeoutSeconds: raw.DATABASE_STARTUP_TIMEOUT_SECONDS,
    shutdownGraceSeconds: raw.SHUTDOWN_GRACE_SECONDS,
    webConcurrency,
    metrics: {
      token: raw.METRICS_TOKEN,
      allow: (raw.METRICS_ALLOW ?? (production ? "" : "127.0.0.1,::1"))
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    },
  };
}

/**
 * A newcomer's `npm start` has no AUTH_SECRET: generate one on first start and keep it beside the embedded
 * database, so sessions and stored code hashes survive a restart. Production refuses to get here.
 */
function readOrCreateLocalSecret(dataDir: string): string {
  const file = path.join(dataDir, "auth-secret");
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  try {
    // "wx" fails if another process won the race; then its secret is the one to use.
    writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
    return secret;
  } catch {
    return readFileSync(file, "utf8").trim();
  }
}

// Cached on globalThis: the custom server and Next's bundle load this module separately and share one answer.
const cacheKey = Symbol.for("mimi.env");
const cache = globalThis as { [cacheKey]?: Env };

/** The process's configuration, parsed from process.env on first use. */
export function getEnv(): Env {
  cache[cacheKey] ??= parseEnv(process.env);
  return cache[cacheKey];
}

/** Makes `env` the process's configuration from now on: the seam through which tests configure the app. */
export function installEnv(env: Env): Env {
  cache[cacheKey] = env;
  return env;
}
