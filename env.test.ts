import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "./env";

const dataDir = () => mkdtempSync(path.join(tmpdir(), "mimi-env-"));

describe("parseEnv", () => {
  it("runs a newcomer's local start with no configuration, generating and keeping a secret", () => {
    const dir = dataDir();
    const env = parseEnv({ DATA_DIR: dir });
    expect(env.deployment).toBe("local");
    expect(env.publicOrigin).toBe("http://localhost:3000");
    expect(env.devOutbox).toBe(true);
    expect(env.seedDemoMsps).toBe(true);
    expect(env.authSecret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(path.join(dir, "auth-secret"), "utf8")).toBe(env.authSecret);
    expect(parseEnv({ DATA_DIR: dir }).authSecret).toBe(env.authSecret);
  });

  it("refuses a production start without real delivery, a secret and an https origin, naming each", () => {
    const error = (() => {
      try {
        parseEnv({ MIMI_DEPLOYMENT: "production", DATA_DIR: dataDir(), PUBLIC_ORIGIN: "http://dp.example", TEST_HOOKS: "1" });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ["AUTH_SECRET", "PUBLIC_ORIGIN", "SMTP_URL", "SMS_GATEWAY_URL", "TEST_HOOKS"]) expect(message).toContain(name);
  });

  it("accepts a complete production configuration and turns the outbox and demo data off", () => {
    const env = parseEnv({
      MIMI_DEPLOYMENT: "production",
      PUBLIC_ORIGIN: "https://dp.example/",
      AUTH_SECRET: "x".repeat(40),
      SMTP_URL: "smtps://u:p@smtp.example:465",
      SMS_GATEWAY_URL: "https://gw.example/messages",
      SMS_GATEWAY_TOKEN: "token",
      PHONE_REGIONS: "us, gb",
    });
    expect(env.publicOrigin).toBe("https://dp.example");
    expect(env.devOutbox).toBe(false);
    expect(env.seedDemoMsps).toBe(false);
    expect(env.phoneRegions).toEqual(new Set(["US", "GB"]));
  });

  it("keeps named prepared statements unless told a pooler cannot carry them", () => {
    expect(parseEnv({ DATA_DIR: dataDir() }).databasePreparedStatements).toBe(true);
    expect(parseEnv({ DATA_DIR: dataDir(), DATABASE_PREPARED_STATEMENTS: "false" }).databasePreparedStatements).toBe(false);
    expect(() => parseEnv({ DATA_DIR: dataDir(), DATABASE_PREPARED_STATEMENTS: "no" })).toThrow(/DATABASE_PREPARED_STATEMENTS/);
  });

  it("names the variable of a malformed value", () => {
    expect(() => parseEnv({ DATA_DIR: dataDir(), PORT: "eighty" })).toThrow(/PORT/);
    expect(() => parseEnv({ DATA_DIR: dataDir(), DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
    expect(() => parseEnv({ DATA_DIR: dataDir(), PHONE_REGIONS: "USA" })).toThrow(/PHONE_REGIONS/);
    expect(() => parseEnv({ DATA_DIR: dataDir(), SMS_GATEWAY_URL: "https://gw.example" })).toThrow(/SMS_GATEWAY_TOKEN/);
  });

  it("reads a streaming replica with its standby name and lag bound, and refuses one that cannot be used", () => {
    const primary = "postgres://dp@db/dp";
    const replica = "postgres://dp@replica/dp";
    expect(parseEnv({ DATA_DIR: dataDir(), DATABASE_URL: primary }).databaseReplica).toBeUndefined();
    expect(parseEnv({ DATA_DIR: dataDir(), DATABASE_URL: primary, DATABASE_REPLICA_URL: replica, DATABASE_REPLICA_NAME: "replica1" }).databaseReplica).toEqual({ url: replica, name: "replica1", maxLagMs: 1_000 });
    expect(parseEnv({ DATA_DIR: dataDir(), DATABASE_URL: primary, DATABASE_REPLICA_URL: replica, DATABASE_REPLICA_NAME: "replica1", DATABASE_REPLICA_MAX_LAG_MS: "250" }).databaseReplica?.maxLagMs).toBe(250);
    const refusal = (values: Record<string, string>) => {
      try {
        parseEnv({ DATA_DIR: dataDir(), ...values });
      } catch (caught) {
        return (caught as ConfigError).message;
      }
      return "accepted";
    };
    expect(refusal({ DATABASE_URL: primary, DATABASE_REPLICA_URL: "mysql://replica" })).toMatch(/DATABASE_REPLICA_URL: must be a postgres/u);
    expect(refusal({ DATABASE_REPLICA_URL: replica, DATABASE_REPLICA_NAME: "replica1" })).toMatch(/DATABASE_REPLICA_URL: needs DATABASE_URL/u);
    expect(refusal({ DATABASE_URL: primary, DATABASE_REPLICA_URL: replica })).toMatch(/DATABASE_REPLICA_NAME: required with DATABASE_REPLICA_URL/u);
    expect(refusal({ DATABASE_URL: primary, DATABASE_REPLICA_NAME: "replica1" })).toMatch(/DATABASE_REPLICA_NAME: set without DATABASE_REPLICA_URL/u);
    expect(refusal({ DATABASE_URL: primary, DATABASE_REPLICA_URL: primary, DATABASE_REPLICA_NAME: "replica1" })).toMatch(/DATABASE_REPLICA_URL: is the same as DATABASE_URL/u);
    expect(refusal({ DATABASE_URL: primary, DATABASE_REPLICA_URL: replica, DATABASE_REPLICA_NAME: "a b" })).toMatch(/DATABASE_REPLICA_NAME: must be the standby's application_name/u);
    expect(refusal({ DATABASE_URL: primary, DATABASE_REPLICA_URL: replica, DATABASE_REPLICA_NAME: "replica1", DATABASE_REPLICA_MAX_LAG_MS: "5" })).toMatch(/DATABASE_REPLICA_MAX_LAG_MS/u);
  });
});
