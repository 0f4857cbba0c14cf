import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import type { Database } from "@/db/client";
import { signDirectory, type Directory, type DirectoryDp } from "@mimi-discovery/msp-kit";
import { freePort } from "@/test/support/api-server";
import { spawnServer, type SpawnedServer } from "@/test/support/spawn-server";

/** The secret every test DP derives its keys from: the one the recipients harness seals and signs with. */
export const TEST_AUTH_SECRET = "test-secret-test-secret-test-secret-0123";

export function directoryEntry(origin: string, region: string, claims: { e164?: string[]; email?: string[] }): DirectoryDp {
  return {
    issuer: origin,
    rp_id: new URL(origin).hostname,
    jwks_uri: `${origin}/.well-known/jwks.json`,
    endpoints: { metadata: `${origin}/.well-known/mimi-discovery`, federation_lookup: `${origin}/api/v1/federation/lookup`, invalidation: `${origin}/api/v1/federation/invalidations` },
    region,
    authoritative_for: { e164_prefixes: claims.e164 ?? [], email_domains: claims.email ?? [] },
  };
}

/** A directory operator: a fresh ES256 key, and a directory of `dps` signed with it, valid for an hour. */
export async function signTestDirectory(dps: DirectoryDp[]): Promise<{ directory: Directory; jws: string; file: string; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid: "test-directory" };
  const publicJwk = { ...(await exportJWK(publicKey)), kid: "test-directory" };
  const iat = Math.floor(Date.now() / 1000) - 5;
  const directory: Directory = { v: 1, iss: "directory.test", iat, exp: iat + 3600, dps };
  const jws = await signDirectory(directory, privateJwk);
  const file = path.join(mkdtempSync(path.join(tmpdir(), "mimi-directory-")), "directory.jws");
  writeFileSync(file, jws);
  return { directory, jws, file, publicJwk };
}

/** One DP process (test/federation/dp-child.ts) on its own database, configured by `env` like the real server. */
export async function startDp(options: { port: number; databaseUrl: string; env: Record<string, string> }): Promise<SpawnedServer & { origin: string; stop: () => Promise<void> }> {
  const origin = `http://127.0.0.1:${options.port}`;
  const server = spawnServer(
    {
      PORT: String(options.port),
      PUBLIC_ORIGIN: origin,
      DATABASE_URL: options.databaseUrl,
      AUTH_SECRET: TEST_AUTH_SECRET,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), "mimi-dp-")),
      LOG_LEVEL: "warn",
      FEDERATION_OUTBOX_INTERVAL_MS: "200",
      PEER_TIMEOUT_MS: "1500",
      ...options.env,
    },
    { command: [process.execPath, "--import", "tsx", "test/federation/dp-child.ts"] },
  );
  await server.waitFor("dp ready", 90_000);
  return {
    ...server,
    origin,
    stop: async () => {
      if (server.child.exitCode !== null) return;
      server.child.kill("SIGTERM");
      await server.exited;
    },
  };
}

/** Every row of every table of a database as JSON text, one line per row: what residency is measured on. */
export async function everyRow(db: Database): Promise<string> {
  const tables = (await db.execute(sql`select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`)) as unknown as { table_schema: string; table_name: string }[];
  const lines: string[] = [];
  for (const table of tables) {
    const rows = (await db.execute(sql.raw(`select row_to_json(t)::text as row from "${table.table_schema}"."${table.table_name}" t`))) as unknown as { row: string }[];
    for (const row of rows) lines.push(`${table.table_schema}.${table.table_name} ${row.row}`);
  }
  return lines.join("\n");
}

export type RogueBehaviour = (csis: string[]) => Promise<{ status: number; body: string }>;

/** A DP of the directory that misbehaves as told: answers for other CSIs, forges mappings, talks too much, stalls. */
export async function startRogueDp(behave: () => RogueBehaviour): Promise<{ origin: string; server: Server; close: () => Promise<void> }> {
  const port = await freePort();
  const server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/.well-known/jwks.json") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"keys":[]}');
      return;
    }
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      if (req.url !== "/api/v1/federation/lookup") {
        res.writeHead(404).end();
        return;
      }
      void behave()((JSON.parse(body) as { csis: string[] }).csis).then(
        (answer) => {
          if (!res.destroyed) res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
        },
        () => res.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
