import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startApiServer } from "@/test/support/api-server";
import { createAppHarness } from "@/test/support/app-harness";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("..", import.meta.url));
const CSI = "tel:+14085551212";

type Outcome = { code: number; stdout: string; stderr: string };

async function exec(command: string, args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<Outcome> {
  return run(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: 120_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

/**
 * The kit as an MSP gets it: `npm pack`, installed into an empty folder with nothing of this repository, then
 * used there, by plain Node, against a running DP that serves a genuinely signed mapping.
 */
describe("the packed MSP kit", () => {
  let harness: Awaited<ReturnType<typeof createAppHarness>>;
  let server: Awaited<ReturnType<typeof startApiServer>>;
  let project: string;
  let dp: string;
  let key: string;

  beforeAll(async () => {
    const port = await freePort();
    dp = `http://localhost:${port}`;
    harness = await createAppHarness({ PUBLIC_ORIGIN: dp });
    await harness.publishFor(CSI, {
      entries: [
        { msp: "chat.example", tags: ["Default"], audience: { kind: "everyone" } },
        { msp: "work.example", tags: ["Business"], audience: { kind: "context", tags: ["Business"] } },
      ],
    });
    key = await harness.mspKey("chat.example");
    server = await startApiServer({ port, origin: dp });

    project = mkdtempSync(path.join(tmpdir(), "mimi-kit-consumer-"));
    const packed = await exec("npm", ["pack", "--workspace", "@mimi-discovery/msp-kit", "--pack-destination", project, "--silent"], { cwd: repo });
    expect(packed.code, packed.stderr).toBe(0);
    const tarball = readdirSync(project).find((name) => name.endsWith(".tgz"));
    expect(tarball).toBeDefined();
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "an-msp", private: true, type: "module" }));
    const installed = await exec("npm", ["install", `./${tarball}`, "--no-audit", "--no-fund", "--prefer-offline"], { cwd: project });
    expect(installed.code, installed.stderr).toBe(0);
  }, 240_000);

  afterAll(async () => {
    await server?.close();
    await harness?.close();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it("looks up, verifies and resolves with createLookupClient, in plain Node, outside this repository", async () => {
    writeFileSync(
      path.join(project, "lookup.mjs"),
      `import { createLookupClient } from "@mimi-discovery/msp-kit";
const client = createLookupClient({ dp: process.env.DP, apiKey: process.env.KEY });
const answer = await client.lookup("+1 (408) 555-1212", { sender: { msp: "other.example", context: "Business" } });
const [batch] = await client.batch(["+1 408 555 1212"], { sender: { msp: "other.example" } });
console.log(JSON.stringify({
  ok: answer.ok, csi: answer.csi, result: answer.result, checks: answer.mappings.map((m) => m.verification.checks.map((c) => c.ok)),
  preferred: answer.resolution?.preferred?.entry.msp, batchOk: batch.ok, batchPreferred: batch.resolution?.preferred?.entry.msp,
}));`,
    );
    const result = await exec("node", ["lookup.mjs"], { cwd: project, env: { DP: dp, KEY: key } });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      ok: true,
      csi: CSI,
      result: "found",
      checks: [[true, true, true, true, true, true, true]],
      preferred: "work.example",
      batchOk: true,
      batchPreferred: "chat.example",
    });
  });

  it("verifies with mimi-verify and resolves with mimi-lookup, and mimi-verify refuses a tampered copy", async () => {
    const lookup = await exec("npx", ["--no-install", "mimi-lookup", "+14085551212", "--sender-msp", "other.example", "--dp", dp], {
      cwd: project,
      env: { MIMI_API_KEY: key },
    });
    expect(lookup.stderr).toBe("");
    expect(lookup.code).toBe(0);
    expect(lookup.stdout).toMatch(/\nPreferred MSP: chat\.example\n?$/u);

    const answer = await (await fetch(`${dp}/api/v1/lookup`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ csi: CSI }),
    })).json() as { mappings: { document: { label: string } }[] };
    writeFileSync(path.join(project, "answer.json"), JSON.stringify(answer));
    const verified = await exec("npx", ["--no-install", "mimi-verify", "answer.json", "--dp", dp], { cwd: project });
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/The mapping verifies\.\n?$/u);

    answer.mappings[0]!.document.label = "Tampered";
    writeFileSync(path.join(project, "tampered.json"), JSON.stringify(answer));
    const refused = await exec("npx", ["--no-install", "mimi-verify", "tampered.json", "--dp", dp], { cwd: project });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("✗ client_data");
  });

  it("ships types that a strict NodeNext TypeScript project compiles against, and a browser entry", async () => {
    writeFileSync(
      path.join(project, "types.ts"),
      `import { createLookupClient, mappingDocumentSchema, type MappingDocument, type VerifiedLookup } from "@mimi-discovery/msp-kit";
import * as browser from "@mimi-discovery/msp-kit/browser";
const client = createLookupClient({ dp: "https://dp.example", apiKey: "k" });
export const pending: Promise<VerifiedLookup> = client.lookup("+14085551212");
export const parse = (value: unknown): MappingDocument => mappingDocumentSchema.parse(value);
export const same: typeof browser.verifyMapping = browser.verifyMapping;
`,
    );
    // No @types/node: the universal and browser entries must type-check in a browser project.
    const options = { noEmit: true, strict: true, module: "nodenext", moduleResolution: "nodenext", lib: ["es2023", "dom"], types: [] };
    writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: options, files: ["types.ts"] }));
    const compiled = await exec("node", [path.join(repo, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], { cwd: project });
    expect(compiled.stdout + compiled.stderr).toBe("");
    expect(compiled.code).toBe(0);
  });
});
