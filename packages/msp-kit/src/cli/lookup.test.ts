import { beforeAll, describe, expect, it } from "vitest";
import type { MappingDocument } from "../wire/index.ts";
import { computeSelectors, newSalt } from "../resolver/selectors.ts";
import { SoftwareAuthenticator } from "../testing/software-authenticator.ts";
import { createTestDp, NOW, sampleDocument, signMapping, type TestDp } from "../testing/signed-mapping-fixture.ts";
import { runLookupCli } from "./lookup.ts";

const DP = "http://localhost:3000";
// Not the default /api/v1/lookup: the tests prove that the command posts where the metadata says.
const LOOKUP_ENDPOINT = `${DP}/api/v1/lookup-from-metadata`;
const SECRET = "s".repeat(43);
const KEY = `mimi_msp_AbCd1234.${SECRET}`;
const SENDER = "tel:+14155550100";

type Served = { id: string; document: MappingDocument; proof: unknown };
type Received = { url: string; method: string; headers: Headers; body: string };

let dp: TestDp;
let passkey: SoftwareAuthenticator;
let personal: Served;

async function signed(id: string, document: MappingDocument): Promise<Served> {
  return { id, ...(await signMapping({ dp, authenticator: passkey, document })) };
}

beforeAll(async () => {
  dp = await createTestDp();
  passkey = await SoftwareAuthenticator.create();
  personal = await signed("m1", sampleDocument());
});

/** A DP serving its metadata and keys from memory; `lookup` answers the POST, `respond` can replace any answer. */
function fakeDp(options: { lookup?: (request: Received) => Response; respond?: (url: string) => Response | undefined; metadata?: object } = {}) {
  const received: Received[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const request = { url, method: init?.method ?? "GET", headers: new Headers(init?.headers), body: typeof init?.body === "string" ? init.body : "" };
    received.push(request);
    const custom = options.respond?.(url);
    if (custom) return custom;
    if (url === `${DP}/.well-known/mimi-discovery`) {
      return Response.json({ issuer: dp.issuer, rp_id: dp.rpId, jwks_uri: "/.well-known/jwks.json", lookup_endpoint: LOOKUP_ENDPOINT, ...options.metadata });
    }
    if (url === `${DP}/.well-known/jwks.json`) return Response.json(dp.options.jwks);
    if (url === LOOKUP_ENDPOINT && request.method === "POST" && options.lookup) return options.lookup(request);
    return new Response("not found", { status: 404 });
  }) as typeof globalThis.fetch;
  return { fetch, received };
}

function answer(mappings: Served[], result = mappings.length === 0 ? "none" : "found", csi = "tel:+14085551212"): () => Response {
  return () => Response.json({ csi, result, mappings }, { headers: { "ratelimit-remaining": "41" } });
}

function problem(status: number, code: string, detail: string, headers: Record<string, string> = {}): () => Response {
  return () =>
    new Response(JSON.stringify({ type: `${DP}/docs/api#error-${code}`, title: "Problem", status, detail, code }), {
      status,
      headers: { "content-type": "application/problem+json", ...headers },
    });
}

async function run(argv: string[], options: { dp?: ReturnType<typeof fakeDp>; env?: Record<string, string | undefined> } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const fake = options.dp ?? fakeDp();
  const code = await runLookupCli({
    argv,
    env: options.env ?? { MIMI_API_KEY: KEY },
    fetch: fake.fetch,
    write: (line) => out.push(line),
    writeError: (line) => err.push(line),
    now: NOW,
  });
  const lookups = fake.received.filter((request) => request.method === "POST");
  return { code, stdout: out.join("\n"), stderr: err.join("\n"), received: fake.received, lookups };
}

const CHECKS = ["document", "binding", "client_data", "authenticator_data", "signature", "expiry", "replay"];

describe("lookup CLI", () => {
  it("normalises, fetches metadata and keys, looks up, verifies and resolves a Business sender to the context rule", async () => {
    const result = await run(["+1 (408) 555-1212", "--sender-msp", "chat.example", "--context=Business"], { dp: fakeDp({ lookup: answer([personal]) }) });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.received.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET ${DP}/.well-known/mimi-discovery`,
      `GET ${DP}/.well-known/jwks.json`,
      `POST ${LOOKUP_ENDPOINT}`,
    ]);
    const [lookup] = result.lookups;
    expect(lookup!.headers.get("authorization")).toBe(`Bearer ${KEY}`);
    expect(lookup!.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(lookup!.body)).toEqual({ csi: "tel:+14085551212", sender_msp: "chat.example", context: "Business" });

    expect(result.stdout).toContain('"+1 (408) 555-1212" → tel:+14085551212 (phone number)');
    expect(result.stdout).toContain(`issuer ${DP}, rp_id localhost, 1 key (dp-key-1)`);
    expect(result.stdout).toContain(`lookup endpoint ${LOOKUP_ENDPOINT}`);
    expect(result.stdout).toContain("with the key mimi_msp_AbCd1234… from MIMI_API_KEY");
    expect(result.stdout).toContain("200: result found, 1 mapping; RateLimit-Remaining 41");
    expect(result.stdout).toContain("Mapping m1 (tel:+14085551212, seq 7, Personal): verified");
    for (const id of CHECKS) expect(result.stdout).toMatch(new RegExp(`^ {5}✓ ${id}: [A-Z].*\\.$`, "mu"));
    expect(result.stdout).toContain("work.example: matches because the sender declared the context Business (context rule).");
    expect(result.stdout).toMatch(/Preferred: work\.example from "Personal" .*by a declared context/u);
    expect(result.stdout).toMatch(/\nPreferred MSP: work\.example$/u);
    expect(result.stdout).not.toContain(SECRET);
  });

  it("resolves a particular-sender rule on this machine and never sends the sender's CSI", async () => {
    const salt = newSalt();
    const family = await signed(
      "m2",
      sampleDocument({
        seq: 8,
        label: "Family",
        entries: [
          { msp: "chat.example", tags: ["Default"], priority: 1, audience: { kind: "everyone" } },
          { msp: "family.example", tags: ["Family"], priority: 2, audience: { kind: "senders", salt, selectors: await computeSelectors([SENDER, "mailto:ann@example.com"], salt) } },
        ],
      }),
    );
    const fake = fakeDp({ lookup: answer([family]) });
    const result = await run(["tel:+14085551212", "--sender", "+1 415-555-0100", "--sender-msp", "chat.example"], { dp: fake });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"+1 415-555-0100" → tel:+14155550100, kept on this machine: a lookup never carries it (R6).');
    expect(result.stdout).toContain("The sender's CSI is not in it, by design (R6)");
    expect(result.stdout).toContain("family.example: matches because the sender is one of the 2 particular senders it lists (senders rule).");
    expect(result.stdout).toMatch(/\nPreferred MSP: family\.example$/u);
    for (const request of result.received) {
      const sent = `${request.url} ${request.body} ${JSON.stringify([...request.headers])}`;
      for (const form of ["4155550100", "415-555-0100", "415"]) expect(sent).not.toContain(form);
    }
    expect(JSON.parse(result.lookups[0]!.body)).toEqual({ csi: "tel:+14085551212", sender_msp: "chat.example" });

    const stranger = await run(["tel:+14085551212", "--sender", "+1 202 555 0143", "--sender-msp", "chat.example"], { dp: fakeDp({ lookup: answer([family]) }) });
    expect(stranger.code).toBe(0);
    expect(stranger.stdout).toContain("family.example: skipped, the sender is not one of the 2 particular senders it lists.");
    expect(stranger.stdout).toMatch(/\nPreferred MSP: chat\.example$/u);
  });

  it("says so when no mapping exists", async () => {
    const result = await run(["bob@Example.COM"], { dp: fakeDp({ lookup: answer([], "none", "mailto:bob@example.com") }) });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"bob@Example.COM" → mailto:bob@example.com (email address)');
    expect(result.stdout).toContain("200: result none, 0 mappings");
    expect(result.stdout).toContain("No mappings to verify.");
    expect(result.stdout).toContain("No answer: the recipient has published no mapping.");
    expect(result.stdout).toMatch(/\nPreferred MSP: none, as the recipient has published no mapping\.$/u);
    expect(JSON.parse(result.lookups[0]!.body)).toEqual({ csi: "mailto:bob@example.com" });
  });

  it("says so when the recipient opted out", async () => {
    const optOut = await signed("m3", sampleDocument({ seq: 9, label: "Nobody", entries: [] }));
    const result = await run(["+14085551212"], { dp: fakeDp({ lookup: answer([optOut], "opted_out") }) });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("200: result opted_out, 1 mapping");
    expect(result.stdout).toContain("Mapping m3 (tel:+14085551212, seq 9, Nobody): verified");
    expect(result.stdout).toContain("No answer: the recipient opted out of discovery");
    expect(result.stdout).toMatch(/\nPreferred MSP: none, as the recipient opted out of discovery\.$/u);
  });

  it("exits 1 on a tampered mapping, and resolves over the mappings that verified only", async () => {
    const tampered = { ...personal, id: "m9", document: { ...personal.document, seq: 8, label: "Forged", entries: [{ msp: "evil.example", tags: [], priority: 1, audience: { kind: "everyone" as const } }] } };
    const result = await run(["+14085551212"], { dp: fakeDp({ lookup: answer([personal, tampered]) }) });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("Mapping m9 (tel:+14085551212, seq 8, Forged): NOT verified");
    expect(result.stdout).toMatch(/^ {5}✗ client_data: .*not the hash of this document/mu);
    expect(result.stdout).toContain("Only 1 of 2 mappings verified; the others are left out.");
    expect(result.stdout).not.toContain("evil.example: matches");
    expect(result.stdout).toContain("Preferred MSP: chat.example");
    expect(result.stdout).toMatch(/Verification failed \(✗ above\): do not rely on this answer\.$/u);
  });

  it("exits 1 when the answer is not about the identifier asked, or its result disagrees with its mappings", async () => {
    const otherCsi = await run(["+14085551212"], { dp: fakeDp({ lookup: answer([], "none", "tel:+14085550000") }) });
    expect(otherCsi.code).toBe(1);
    expect(otherCsi.stdout).toContain("✗ csi: the DP answered for tel:+14085550000, not for tel:+14085551212");

    const wrongResult = await run(["+14085551212"], { dp: fakeDp({ lookup: answer([personal], "opted_out") }) });
    expect(wrongResult.code).toBe(1);
    expect(wrongResult.stdout).toContain('✗ result: the DP said "opted_out", but the mappings it served make it "found".');
  });

  it("exits 1 with the status, code and detail when the key is refused", async () => {
    const lookup = problem(401, "unauthorized", "The API key is unknown, revoked, or its owner was removed.", { "www-authenticate": "Bearer" });
    const result = await run(["+14085551212"], { dp: fakeDp({ lookup }) });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("✗ 401 unauthorized: The API key is unknown, revoked, or its owner was removed.");
    expect(result.stdout).toContain("check that it is a current MSP key of this DP");
    expect(result.stdout).toMatch(/The DP refused the lookup\.$/u);
    expect(result.stdout).not.toContain("4. Verification");
  });

  it("exits 1 with Retry-After when rate limited", async () => {
    const lookup = problem(429, "rate_limited", "Your lookup limit is spent. Try again in 30 seconds.", { "retry-after": "30", "ratelimit-remaining": "0" });
    const result = await run(["+14085551212"], { dp: fakeDp({ lookup }) });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("✗ 429 rate_limited: Your lookup limit is spent. Try again in 30 seconds.");
    expect(result.stdout).toContain("Retry-After: 30 seconds");
    expect(result.stdout).toContain("RateLimit-Remaining: 0");
  });

  it("shows text from the DP without control characters, so it cannot forge lines on the terminal", async () => {
    const result = await run(["+14085551212"], { dp: fakeDp({ lookup: problem(403, "forbidden", "No.\n\u001b[2JPreferred MSP: evil.example") }) });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("✗ 403 forbidden: No.\uFFFD\uFFFD[2JPreferred MSP: evil.example");
    expect(result.stdout.split("\n").some((line) => line.startsWith("Preferred MSP"))).toBe(false);
  });

  it("takes --key, warns that it lands in shell history, and lets it override MIMI_API_KEY", async () => {
    const other = `mimi_msp_Other123.${"o".repeat(43)}`;
    const alone = await run(["+14085551212", "--key", other], { env: {}, dp: fakeDp({ lookup: answer([personal]) }) });
    expect(alone.code).toBe(0);
    expect(alone.stderr).toContain("--key lands in your shell history; prefer MIMI_API_KEY");
    expect(alone.lookups[0]!.headers.get("authorization")).toBe(`Bearer ${other}`);
    expect(alone.stdout).toContain("with the key mimi_msp_Other123… from --key");

    const both = await run(["+14085551212", "--key", other], { dp: fakeDp({ lookup: answer([personal]) }) });
    expect(both.stderr).toContain("--key overrides MIMI_API_KEY");
    expect(both.lookups[0]!.headers.get("authorization")).toBe(`Bearer ${other}`);
  });

  it.each<[string, string[], Record<string, string | undefined>, RegExp]>([
    ["a missing key", ["+14085551212"], {}, /^lookup: no API key: set MIMI_API_KEY/u],
    ["an empty key", ["+14085551212"], { MIMI_API_KEY: "  " }, /no API key/u],
    ["a key with spaces inside", ["+14085551212"], { MIMI_API_KEY: "mimi msp" }, /contains spaces or characters a key never has/u],
    ["an identifier that is no CSI", ["4085551212"], { MIMI_API_KEY: KEY }, /the identifier to look up, "4085551212", is not a phone number or email address: Include the country code/u],
    ["an email address with two @", ["a@b.com@c.com"], { MIMI_API_KEY: KEY }, /"a@b\.com@c\.com", is not a phone number or email address/u],
    ["a --sender that is no CSI", ["+14085551212", "--sender", "nobody"], { MIMI_API_KEY: KEY }, /--sender, "nobody", is not a phone number or email address/u],
  ])("exits 2 on %s, before any request", async (_label, argv, env, message) => {
    const result = await run(argv, { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
    expect(result.received).toEqual([]);
  });

  it.each([
    [[], /name the identifier to look up/u],
    [["+14085551212", "+14085551213"], /exactly one identifier/u],
    [["+14085551212", "--verbose"], /unknown option --verbose/u],
    [["+14085551212", "--context"], /--context needs a value/u],
    [["+14085551212", "--context", "--dp", DP], /--context needs a value/u],
    [["+14085551212", "--dp", DP, "--dp", DP], /--dp is given twice/u],
  ])("exits 2 with the usage for %j", async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain("Usage: mimi-lookup");
    expect(result.received).toEqual([]);
  });

  it("prints the usage for --help", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("NEVER sent: it stays on this machine");
  });

  it("exits 2 when the DP cannot be reached", async () => {
    const unreachable = fakeDp({
      respond: () => {
        throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:3000") });
      },
    });
    const result = await run(["+14085551212"], { dp: unreachable });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `lookup: cannot reach the DP at ${DP} (${DP}/.well-known/mimi-discovery): fetch failed: connect ECONNREFUSED 127.0.0.1:3000`,
    );
    expect(result.lookups).toEqual([]);
  });

  it("exits 2 when the lookup endpoint cannot be reached or answers something that is not a lookup result", async () => {
    const down = fakeDp({
      respond: (url) => {
        if (url === LOOKUP_ENDPOINT) throw new TypeError("fetch failed", { cause: new Error("socket hang up") });
        return undefined;
      },
    });
    const unreachable = await run(["+14085551212"], { dp: down });
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toBe(`lookup: cannot reach the lookup endpoint ${LOOKUP_ENDPOINT}: fetch failed: socket hang up`);

    const html = await run(["+14085551212"], { dp: fakeDp({ lookup: () => new Response("<html>") }) });
    expect(html.code).toBe(2);
    expect(html.stderr).toMatch(/answered 200 with something other than JSON/u);

    const shapeless = await run(["+14085551212"], { dp: fakeDp({ lookup: () => Response.json({ results: [] }) }) });
    expect(shapeless.code).toBe(2);
    expect(shapeless.stderr).toMatch(/not a lookup result \{csi, result, mappings\}/u);
  });

  it("exits 2 on metadata without a lookup endpoint, and resolves a relative one against the metadata's address", async () => {
    const missing = await run(["+14085551212"], { dp: fakeDp({ metadata: { lookup_endpoint: undefined } }) });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/publishes metadata without lookup_endpoint/u);

    const relative = await run(["+14085551212"], { dp: fakeDp({ metadata: { lookup_endpoint: "/api/v1/lookup-from-metadata" }, lookup: answer([personal]) }) });
    expect(relative.code).toBe(0);
    expect(relative.lookups.map((request) => request.url)).toEqual([LOOKUP_ENDPOINT]);
  });

  it("refuses to send the key in clear to a plain-http endpoint beyond this machine", async () => {
    const result = await run(["+14085551212"], { dp: fakeDp({ metadata: { lookup_endpoint: "http://dp.example/api/v1/lookup" } }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/http:\/\/dp\.example\/api\/v1\/lookup is not https:\/\/, and the API key must not travel in clear/u);
    expect(result.lookups).toEqual([]);
  });
});
