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

/** A comma list of E.164 prefixes (+33) or email domains; "*" (the default) for any, "-" for none. */
const residencyList = (item: RegExp, what: string) =>
  z
    .string()
    .trim()
    .transform((value, ctx) => {
      if (value === "*" || value === "") return "*" as const;
      if (value === "-") return [] as string[];
      const entries = value.split(",").map((entry) => entry.trim().toLowerCase());
      for (const entry of entries) {
        if (!item.test(entry)) {
          ctx.addIssue({ code: "custom", message: `"${entry}" is not ${what}` });
          return z.NEVER;
        }
      }
      return entries;
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
  DATABASE_REPLICA_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
  ),
  DATABASE_REPLICA_NAME: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,63}$/u, "must be the standby's application_name (letters, digits, _ . -, at most 63)")
      .optional(),
  ),
  DATABASE_REPLICA_MAX_LAG_MS: z.coerce.number().int().min(10).max(600_000).default(1_000),
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
  DATABASE_PREPARED_STATEMENTS: z.enum(["true", "false"]).default("true"),
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
  FEDERATION_MODE: z.enum(["standalone", "hierarchical", "federated"]).default("standalone"),
  DIRECTORY_URL: optionalString.pipe(z.url().optional()),
  DIRECTORY_FILE: optionalString,
  DIRECTORY_KEYS: optionalString,
  RESIDENCY_E164_PREFIXES: residencyList(/^\+[1-9][0-9]{0,14}$/u, "an E.164 prefix such as +33").default("*"),
  RESIDENCY_EMAIL_DOMAINS: residencyList(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/u, "an ASCII email domain").default("*"),
  PEER_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(3_000),
  PEER_MAX_ANSWER_BYTES: z.coerce.number().int().min(1_024).max(256 * 1024 * 1024).default(8 * 1024 * 1024),
  FEDERATION_MAX_HOPS: z.coerce.number().int().min(1).max(8).default(2),
  PEER_LOOKUP_BURST: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
  PEER_LOOKUP_PER_SECOND: z.coerce.number().min(0.001).max(1_000_000).default(100),
  FEDERATION_OUTBOX_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(30_000),
});

export type Env = {
  deployment: z.infer<typeof deploymentSchema>;
  host: string;
  port: number;
  publicOrigin: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** A synchronous streaming standby of DATABASE_URL that lookups read from while it is safe (db/replica-monitor.ts). */
  databaseReplica: DatabaseReplicaConfig | undefined;
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
  /** Named prepared statements (postgres.js's `prepare`): off behind a pooler that moves sessions (PgBouncer < 1.21). */
  databasePreparedStatements: boolean;
  /** How long start-up keeps retrying a database that does not answer, before giving up. */
  databaseStartupTimeoutSeconds: number;
  /** After SIGTERM, how long in-flight requests and jobs may take before the process exits anyway (non-zero). */
  shutdownGraceSeconds: number;
  /** Server worker processes (node:cluster), each a full instance; 1 is the plain single process. */
  webConcurrency: number;
  /** Who may read GET /metrics: a bearer token, and addresses or CIDR ranges (loopback by default, locally). */
  metrics: { token: string | undefined; allow: string[] };
  federation: FederationConfig;
};

export type DatabaseReplicaConfig = {
  url: string;
  /** The standby's application_name, as the primary's synchronous_standby_names and pg_stat_replication name it. */
  name: string;
  /** Lookups go back to the primary while the standby's replay is further behind than this. */
  maxLagMs: number;
};

/** Protocol section 8: how this DP works with others, and which CSIs it may store (residency). */
export type FederationConfig = {
  /** standalone: answers from its own store only; hierarchical: asks the DP the directory names for a CSI; federated: also every peer. */
  mode: "standalone" | "hierarchical" | "federated";
  directoryUrl: string | undefined;
  /** A signed directory this DP serves at /.well-known/mimi-directory. */
  directoryFile: string | undefined;
  /** The directory operator's public keys (JWK), against which every directory is checked. */
  directoryKeys: JsonWebKeyLike[];
  residency: { e164Prefixes: "*" | string[]; emailDomains: "*" | string[] };
  peerTimeoutMs: number;
  peerMaxAnswerBytes: number;
  maxHops: number;
  peerPolicy: { burst: number; refillPerSecond: number };
  outboxIntervalMs: number;
};

export type JsonWebKeyLike = { kty: string; [member: string]: unknown };

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
  if (raw.DATABASE_REPLICA_URL && !raw.DATABASE_URL) {
    problems.push("DATABASE_REPLICA_URL: needs DATABASE_URL (a replica is a standby of a PostgreSQL primary, not of the embedded database)");
  }
  if (raw.DATABASE_REPLICA_URL && !raw.DATABASE_REPLICA_NAME) {
    problems.push("DATABASE_REPLICA_NAME: required with DATABASE_REPLICA_URL (the standby's application_name in the primary's synchronous_standby_names)");
  }
  if (raw.DATABASE_REPLICA_NAME && !raw.DATABASE_REPLICA_URL) {
    problems.push("DATABASE_REPLICA_NAME: set without DATABASE_REPLICA_URL (which standby should lookups read from?)");
  }
  if (raw.DATABASE_REPLICA_URL && raw.DATABASE_REPLICA_URL === raw.DATABASE_URL) {
    problems.push("DATABASE_REPLICA_URL: is the same as DATABASE_URL; name the standby, not the primary");
  }
  const trustedProxies = raw.TRUSTED_PROXIES.split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const directoryKeys = parseDirectoryKeys(raw.DIRECTORY_KEYS, problems);
  if ((raw.DIRECTORY_URL || raw.DIRECTORY_FILE) && directoryKeys.length === 0) {
    problems.push("DIRECTORY_KEYS: required with DIRECTORY_URL or DIRECTORY_FILE (the directory operator's public key as a JWK or JWKS)");
  }
  if (raw.FEDERATION_MODE !== "standalone" && !raw.DIRECTORY_URL && !raw.DIRECTORY_FILE) {
    problems.push(`FEDERATION_MODE: ${raw.FEDERATION_MODE} needs a directory (DIRECTORY_URL or DIRECTORY_FILE)`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const publicOrigin = new URL(raw.PUBLIC_ORIGIN ?? `http://localhost:${raw.PORT}`).origin;
  return {
    deployment: raw.MIMI_DEPLOYMENT,
    host: raw.HOST,
    port: raw.PORT,
    publicOrigin,
    dataDir: path.resolve(raw.DATA_DIR),
    databaseUrl: raw.DATABASE_URL,
    databaseReplica:
      raw.DATABASE_REPLICA_URL && raw.DATABASE_REPLICA_NAME
        ? { url: raw.DATABASE_REPLICA_URL, name: raw.DATABASE_REPLICA_NAME, maxLagMs: raw.DATABASE_REPLICA_MAX_LAG_MS }
        : undefined,
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
    databasePreparedStatements: raw.DATABASE_PREPARED_STATEMENTS === "true",
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
    federation: {
      mode: raw.FEDERATION_MODE,
      directoryUrl: raw.DIRECTORY_URL,
      directoryFile: raw.DIRECTORY_FILE ? path.resolve(raw.DIRECTORY_FILE) : undefined,
      directoryKeys,
      residency: { e164Prefixes: raw.RESIDENCY_E164_PREFIXES, emailDomains: raw.RESIDENCY_EMAIL_DOMAINS },
      peerTimeoutMs: raw.PEER_TIMEOUT_MS,
      peerMaxAnswerBytes: raw.PEER_MAX_ANSWER_BYTES,
      maxHops: raw.FEDERATION_MAX_HOPS,
      peerPolicy: { burst: raw.PEER_LOOKUP_BURST, refillPerSecond: raw.PEER_LOOKUP_PER_SECOND },
      outboxIntervalMs: raw.FEDERATION_OUTBOX_INTERVAL_MS,
    },
  };
}

/** DIRECTORY_KEYS: one public JWK, or a JWKS `{ "keys": [...] }`; a private member is refused (it is a public key). */
function parseDirectoryKeys(value: string | undefined, problems: string[]): JsonWebKeyLike[] {
  if (!value) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    problems.push("DIRECTORY_KEYS: must be JSON (a JWK or a JWKS)");
    return [];
  }
  const keys = (parsed as { keys?: unknown }).keys ?? [parsed];
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === "object" && key !== null && (key as JsonWebKeyLike).kty === "EC" && (key as JsonWebKeyLike).crv === "P-256")) {
    problems.push("DIRECTORY_KEYS: every key must be a P-256 public JWK (kty EC, crv P-256)");
    return [];
  }
  if (keys.some((key) => "d" in (key as object))) {
    problems.push("DIRECTORY_KEYS: holds a private key; configure the public key only");
    return [];
  }
  return keys as JsonWebKeyLike[];
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
