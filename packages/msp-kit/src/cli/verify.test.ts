import { beforeAll, describe, expect, it } from "vitest";
import { SoftwareAuthenticator } from "../testing/software-authenticator.ts";
import { runVerifyCli, type CliIo } from "./verify.ts";
import { createTestDp, NOW, sampleDocument, signMapping, type TestDp } from "../testing/signed-mapping-fixture.ts";

let dp: TestDp;
let mapping: Awaited<ReturnType<typeof signMapping>> & { id: string };
let tampered: typeof mapping;

beforeAll(async () => {
  dp = await createTestDp();
  const passkey = await SoftwareAuthenticator.create();
  mapping = { id: "m1", ...(await signMapping({ dp, authenticator: passkey, document: sampleDocument() })) };
  tampered = { ...mapping, id: "m2", document: { ...mapping.document, label: "Changed" } };
});

type Run = { code: number; stdout: string; stderr: string; fetched: string[] };

/** A DP that serves its metadata and keys from memory; `respond` can replace any answer. */
function fakeDp(options: { dpUrl?: string; jwksUri?: string; respond?: (url: string) => Response | undefined; keys?: TestDp } = {}) {
  const fetched: string[] = [];
  const base = options.dpUrl ?? "http://localhost:3000";
  const jwksUri = options.jwksUri ?? `${base}/api/v1/jwks`;
  const fetch = (async (input: string | URL | Request) => {
    const url = input instanceof Request ? input.url : String(input);
    fetched.push(url);
    const custom = options.respond?.(url);
    if (custom) return custom;
    const keys = options.keys ?? dp;
    if (url === `${base}/.well-known/mimi-discovery`) return Response.json({ issuer: keys.issuer, rp_id: keys.rpId, jwks_uri: jwksUri });
    if (url === new URL(jwksUri, base).href) return Response.json(keys.options.jwks);
    return new Response("not found", { status: 404 });
  }) as typeof globalThis.fetch;
  return { fetch, fetched };
}

async function run(argv: string[], options: { stdin?: string; files?: Record<string, string>; fetch?: ReturnType<typeof fakeDp> } = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const dpFake = options.fetch ?? fakeDp();
  const io: CliIo = {
    argv,
    readStdin: async () => options.stdin ?? "",
    readFile: async (path) => {
      const text = options.files?.[path];
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return text;
    },
    fetch: dpFake.fetch,
    write: (line) => out.push(line),
    writeError: (line) => err.push(line),
    now: () => NOW,
  };
  const code = await runVerifyCli(io);
  return { code, stdout: out.join("\n"), stderr: err.join("\n"), fetched: dpFake.fetched };
}

describe("verify CLI", () => {
  it("verifies one mapping from a file against the default DP's published keys", async () => {
    const result = await run(["mapping.json"], { files: { "mapping.json": JSON.stringify(mapping) } });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.fetched).toEqual(["http://localhost:3000/.well-known/mimi-discovery", "http://localhost:3000/api/v1/jwks"]);
    expect(result.stdout).toContain("Mapping m1 (tel:+14085551212, seq 7, Personal): verified");
    for (const id of ["document", "binding", "client_data", "authenticator_data", "signature", "expiry", "replay"]) {
      expect(result.stdout).toMatch(new RegExp(`^ {2}✓ ${id}: [A-Z].*\\.$`, "mu"));
    }
    expect(result.stdout).toMatch(/The mapping verifies\.$/u);
  });

  it("explains each mapping of a batch answer read from stdin, and exits 1 when one fails", async () => {
    const answer = {
      results: [
        { csi: "tel:+14085551212", result: "found", mappings: [mapping, tampered] },
        { input: "12", error: { code: "invalid_csi", title: "Not a phone number or email address", detail: "…" } },
        { csi: "mailto:bob@example.com", result: "none", mappings: [] },
      ],
    };
    const result = await run(["-"], { stdin: JSON.stringify(answer) });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("Result 1: tel:+14085551212, result \"found\", 2 mappings");
    expect(result.stdout).toContain("Mapping m2 (tel:+14085551212, seq 7, Changed): NOT verified");
    expect(result.stdout).toMatch(/^ {2}✗ client_data: The client data does not match: its challenge .* is not the hash of this document/mu);
    expect(result.stdout).toContain('Result 2: the DP refused the input "12": Not a phone number or email address.');
    expect(result.stdout).toContain('Result 3: mailto:bob@example.com, result "none", 0 mappings');
    expect(result.stdout).toMatch(/1 of 2 mappings failed verification\.$/u);
  });

  it("verifies one lookup result", async () => {
    const result = await run(["item.json"], { files: { "item.json": JSON.stringify({ csi: "tel:+14085551212", result: "found", mappings: [mapping] }) } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/The mapping verifies\.$/u);
  });

  it("finds the metadata under --dp, with or without a trailing slash, and resolves a relative jwks_uri", async () => {
    const remote = await createTestDp({ issuer: "https://dp.example", rpId: "dp.example" });
    const passkey = await SoftwareAuthenticator.create();
    const remoteMapping = await signMapping({ dp: remote, authenticator: passkey, document: sampleDocument({ dp: "https://dp.example" }) });
    for (const flag of [["--dp", "https://dp.example/"], ["--dp=https://dp.example"]]) {
      const fetch = fakeDp({ dpUrl: "https://dp.example", jwksUri: "/keys.json", keys: remote });
      const result = await run(["m.json", ...flag], { files: { "m.json": JSON.stringify(remoteMapping) }, fetch });
      expect(result.code).toBe(0);
      expect(result.fetched).toEqual(["https://dp.example/.well-known/mimi-discovery", "https://dp.example/keys.json"]);
    }
  });

  it("verifies offline with --jwks, --issuer and --rp-id, fetching nothing", async () => {
    const files = { "m.json": JSON.stringify(mapping), "jwks.json": JSON.stringify(dp.options.jwks) };
    const result = await run(["m.json", "--jwks", "jwks.json", "--issuer", dp.issuer, "--rp-id", dp.rpId], { files });
    expect(result.code).toBe(0);
    expect(result.fetched).toEqual([]);
    const wrong = await run(["m.json", "--jwks", "jwks.json", "--issuer", "https://other.example", "--rp-id", dp.rpId], { files });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/✗ binding: .*not by the DP "https:\/\/other.example"/u);
    expect(wrong.stdout).toMatch(/✗ client_data: .*not on the DP's origin "https:\/\/other.example"/u);
  });

  it("says so when the DP cannot be reached", async () => {
    const fetch = fakeDp({
      respond: () => {
        throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:3000") });
      },
    });
    const result = await run(["m.json"], { files: { "m.json": JSON.stringify(mapping) }, fetch });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "verify: cannot reach the DP at http://localhost:3000 (http://localhost:3000/.well-known/mimi-discovery): fetch failed: connect ECONNREFUSED 127.0.0.1:3000",
    );
    expect(result.stdout).toBe("");
  });

  it.each<[string, (url: string) => Response | undefined, RegExp]>([
    ["metadata that is missing", (url) => (url.endsWith("mimi-discovery") ? new Response("", { status: 404 }) : undefined), /answered 404 for http:\/\/localhost:3000\/\.well-known\/mimi-discovery/u],
    ["metadata without jwks_uri", (url) => (url.endsWith("mimi-discovery") ? Response.json({ issuer: "x", rp_id: "y" }) : undefined), /without issuer, rp_id and jwks_uri/u],
    ["a JWKS that is HTML", (url) => (url.endsWith("jwks") ? new Response("<html>") : undefined), /with something other than JSON/u],
    ["a JWKS without keys", (url) => (url.endsWith("jwks") ? Response.json({ keys: "none" }) : undefined), /is not a JWKS/u],
  ])("exits 2 on %s", async (_label, respond, message) => {
    const result = await run(["m.json"], { files: { "m.json": JSON.stringify(mapping) }, fetch: fakeDp({ respond }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it.each([
    [[], /name the file to verify, or - for stdin/u],
    [["a.json", "b.json"], /exactly one file/u],
    [["a.json", "--verbose"], /unknown option --verbose/u],
    [["a.json", "--dp"], /--dp needs a value/u],
    [["a.json", "--jwks", "k.json"], /needs all of --jwks, --issuer and --rp-id/u],
    [["a.json", "--dp", "http://x", "--jwks", "k.json", "--issuer", "i", "--rp-id", "r"], /either --dp or --jwks/u],
  ])("exits 2 with the usage for %j", async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain("Usage: mimi-verify");
    expect(result.fetched).toEqual([]);
  });

  it("judges the input before asking the DP anything", async () => {
    const result = await run(["-"], { stdin: '{"hello":1}' });
    expect(result.code).toBe(2);
    expect(result.fetched).toEqual([]);
  });

  it("prints the usage for --help", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Exit status: 0 when every mapping verifies");
  });

  it.each([
    ["a file that does not exist", ["missing.json"], {}, /cannot read missing\.json: ENOENT/u],
    ["input that is not JSON", ["-"], { stdin: "{" }, /stdin is not JSON/u],
    ["JSON that is not a mapping", ["-"], { stdin: '{"hello":1}' }, /neither a lookup answer/u],
    ["a --dp that is not a URL", ["-", "--dp", "localhost:3000"], { stdin: "{\"csi\": \"x\", \"mappings\": []}" }, /--dp must be an http\(s\) URL/u],
  ])("exits 2 on %s", async (_label, argv, input, message) => {
    const result = await run(argv, input);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
