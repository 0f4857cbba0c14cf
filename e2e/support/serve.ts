/**
 * The e2e servers, started by Playwright's webServer after `npm run build`: the main one (every spec but the smoke
 * spec) on a fresh PostgreSQL database when E2E_DATABASE_URL names a server (CI), else on the embedded database;
 * and the smoke one always on the embedded database, so the path a newcomer's `npm start` takes is tried too.
 * Both are the production server (`npm run serve`). The fresh database is dropped when Playwright stops us.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { exportJWK, generateKeyPair } from "jose";
import postgres from "postgres";
import { signDirectory } from "@mimi-discovery/msp-kit";

const mainPort = Number(process.env.E2E_PORT ?? 3210);
const smokePort = Number(process.env.E2E_SMOKE_PORT ?? 3211);
const serverUrl = process.env.E2E_DATABASE_URL || undefined;
const children: ChildProcess[] = [];
let dropDatabase: (() => Promise<void>) | undefined;
let stopping = false;

async function freshDatabase(url: string): Promise<string> {
  const name = `mimi_e2e_${randomBytes(6).toString("hex")}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  dropDatabase = async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
  const fresh = new URL(url);
  fresh.pathname = `/${name}`;
  return fresh.toString();
}

function serve(port: number, env: Record<string, string>): ChildProcess {
  // `npm run serve` without npm in between, so that our SIGTERM reaches the server itself.
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "localhost", ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`e2e: the server on port ${port} stopped (${signal ?? code}); stopping the others`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

async function waitForHealth(port: number): Promise<void> {
  for (let attempt = 0; attempt < 240; attempt += 1) {
    const ok = await fetch(`http://localhost:${port}/api/health`).then((response) => response.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the server on port ${port} did not become healthy`);
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve)) : undefined)));
  await dropDatabase?.().catch((error: unknown) => console.error("e2e: could not drop the e2e database:", (error as Error).message));
  process.exit(code);
}
process.on("SIGTERM", () => void stop(0));
process.on("SIGINT", () => void stop(0));

/**
 * The main server is a DP of a small signed directory (protocol section 8), so the operator console has peers to
 * show. Its one peer claims only what no spec looks up (+49 and eu.example), so every other lookup stays local.
 */
async function e2eDirectory(origin: string): Promise<Record<string, string>> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const entry = (issuer: string, region: string, e164: string[], email: string[]) => ({
    issuer,
    rp_id: new URL(issuer).hostname,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    endpoints: { metadata: `${issuer}/.well-known/mimi-discovery`, federation_lookup: `${issuer}/api/v1/federation/lookup`, invalidation: `${issuer}/api/v1/federation/invalidations` },
    region,
    authoritative_for: { e164_prefixes: e164, email_domains: email },
  });
  const iat = Math.floor(Date.now() / 1000);
  const jws = await signDirectory({ v: 1, iss: "e2e-directory", iat, exp: iat + 86_400, dps: [entry(origin, "local", [], []), entry("https://dp-eu.example", "EU", ["+49"], ["eu.example"])] }, await exportJWK(privateKey));
  mkdirSync(".data", { recursive: true });
  writeFileSync(".data/e2e-directory.jws", jws);
  return { FEDERATION_MODE: "hierarchical", DIRECTORY_FILE: ".data/e2e-directory.jws", DIRECTORY_KEYS: JSON.stringify(await exportJWK(publicKey)) };
}

const shared = { TEST_HOOKS: "1", OPERATORS: "operator@example.com", TRUSTED_PROXIES: "127.0.0.1,::1", PHONE_REGIONS: "US,GB,FR,CA", NEXT_TELEMETRY_DISABLED: "1" };
rmSync(".data/e2e", { recursive: true, force: true });
rmSync(".data/e2e-smoke", { recursive: true, force: true });
try {
  // The smoke server first: the main one's health URL is what Playwright waits for, so it answers last.
  serve(smokePort, { ...shared, DATA_DIR: ".data/e2e-smoke", DATABASE_URL: "" });
  await waitForHealth(smokePort);
  const databaseUrl = serverUrl ? await freshDatabase(serverUrl) : "";
  serve(mainPort, { ...shared, ...(await e2eDirectory(`http://localhost:${mainPort}`)), DATA_DIR: ".data/e2e", DATABASE_URL: databaseUrl });
  console.log(`e2e: main server on ${databaseUrl ? "PostgreSQL" : "the embedded database"}, smoke server on the embedded database`);
} catch (error) {
  console.error("e2e:", (error as Error).message);
  await stop(1);
}
