import { DpError } from "../client/dp-error.ts";
import { fetchDpConfig, readJwks } from "../client/dp-config.ts";
import { isRecord } from "../verifier/read-proof.ts";
import type { Verification, VerifyOptions } from "../verifier/types.ts";
import { verifyLookupItem } from "../verifier/verify-lookup-item.ts";
import { verifyMapping } from "../verifier/verify-mapping.ts";
import { parseCommandLine, UsageError } from "./args.ts";
import { mappingReportLines } from "./report.ts";

export const DEFAULT_DP = "http://localhost:3000";

type CliArgs =
  | { kind: "help" }
  | { kind: "online"; input: string; dp: string }
  | { kind: "offline"; input: string; jwksFile: string; issuer: string; rpId: string };

export function verifyUsage(program = "mimi-verify"): string {
  return `Usage: ${program} <file | -> [--dp URL]
       ${program} <file | -> --jwks FILE --issuer URL --rp-id ID

Verifies signed MIMI discovery mappings (protocol section 2.1). The input, from a file or from stdin (-), is a
batch lookup answer ({"results": [...]}), one lookup result ({"csi", "result", "mappings"}), or one mapping
({"id"?, "document", "proof"}).

  --dp URL       the Discovery Provider whose metadata and keys to fetch (default ${DEFAULT_DP})
  --jwks FILE    verify offline with the keys in this JWKS file; needs --issuer and --rp-id as well
  --issuer URL   the DP's issuer, as its metadata publishes it
  --rp-id ID     the DP's WebAuthn rp_id, as its metadata publishes it

Exit status: 0 when every mapping verifies, 1 when any does not, 2 on a usage, input or network error.`;
}

/** Failures the user can act on (unreadable file, input that is not a mapping): exit status 2, with the message as is. */
class InputError extends Error {}

function parseVerifyArgs(argv: string[]): CliArgs {
  const parsed = parseCommandLine(argv, ["dp", "jwks", "issuer", "rp-id"]);
  if (parsed.help) return { kind: "help" };
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? "name the file to verify, or - for stdin" : "give exactly one file to verify");
  }
  const input = positionals[0]!;
  const offline = ["jwks", "issuer", "rp-id"].filter((name) => values.has(name));
  if (offline.length === 0) return { kind: "online", input, dp: values.get("dp") ?? DEFAULT_DP };
  if (values.has("dp")) throw new UsageError("use either --dp or --jwks with --issuer and --rp-id, not both");
  if (offline.length !== 3) throw new UsageError("offline verification needs all of --jwks, --issuer and --rp-id");
  return { kind: "offline", input, jwksFile: values.get("jwks")!, issuer: values.get("issuer")!, rpId: values.get("rp-id")! };
}

/** Everything the command touches, passed in so that tests run it with a fake DP and in-memory files. */
export type CliIo = {
  argv: string[];
  readStdin: () => Promise<string>;
  readFile: (path: string) => Promise<string>;
  fetch: typeof globalThis.fetch;
  write: (line: string) => void;
  writeError: (line: string) => void;
  now?: () => Date;
  /** How the usage names the command: mimi-verify, or npm run verify -- inside the DP's repository. */
  program?: string;
};

type Tally = { verified: number; failed: number };

/** `npm run verify`: returns the exit status, 0 all verified, 1 some failed, 2 the command could not do its job. */
export async function runVerifyCli(io: CliIo): Promise<number> {
  const usage = verifyUsage(io.program);
  let args: CliArgs;
  try {
    args = parseVerifyArgs(io.argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.writeError(`verify: ${error.message}\n\n${usage}`);
    return 2;
  }
  if (args.kind === "help") {
    io.write(usage);
    return 0;
  }
  try {
    const input = classifyInput(parseJson(await readText(args.input, io), args.input === "-" ? "stdin" : args.input));
    const options = { ...(await loadDpConfig(args, io)), now: io.now?.() ?? new Date() };
    const tally = await verifyInput(input, options, io.write);
    io.write(summarise(tally));
    return tally.failed === 0 ? 0 : 1;
  } catch (error) {
    if (!(error instanceof InputError || error instanceof DpError)) throw error;
    io.writeError(`verify: ${error.message}`);
    return 2;
  }
}

async function readText(input: string, io: CliIo): Promise<string> {
  try {
    return input === "-" ? await io.readStdin() : await io.readFile(input);
  } catch (error) {
    throw new InputError(`cannot read ${input === "-" ? "stdin" : input}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(`${source} is not JSON`);
  }
}

async function loadDpConfig(args: Exclude<CliArgs, { kind: "help" }>, io: CliIo) {
  if (args.kind === "online") return fetchDpConfig(args.dp, io.fetch);
  const jwks = readJwks(parseJson(await readText(args.jwksFile, io), args.jwksFile), args.jwksFile);
  return { jwks, issuer: args.issuer, rpId: args.rpId };
}

type Input =
  | { kind: "batch"; results: unknown[] }
  | { kind: "item"; item: Record<string, unknown> }
  | { kind: "mapping"; id: string; document: unknown; proof: unknown };

// Before any fetch: input that cannot be verified should not cost a round trip to the DP.
function classifyInput(input: unknown): Input {
  if (isRecord(input) && Array.isArray(input.results)) return { kind: "batch", results: input.results };
  if (isRecord(input) && "document" in input && "proof" in input) {
    return { kind: "mapping", id: typeof input.id === "string" ? input.id : "(no id)", document: input.document, proof: input.proof };
  }
  if (isRecord(input) && (("csi" in input && "mappings" in input) || ("input" in input && "error" in input))) return { kind: "item", item: input };
  throw new InputError('the input is neither a lookup answer ({"results"}), a lookup result ({"csi", "mappings"}) nor a mapping ({"document", "proof"})');
}

async function verifyInput(input: Input, options: VerifyOptions, write: (line: string) => void): Promise<Tally> {
  const tally: Tally = { verified: 0, failed: 0 };
  if (input.kind === "batch") {
    for (const [index, item] of input.results.entries()) await reportItem(item, `Result ${index + 1}`, options, write, tally);
  } else if (input.kind === "item") {
    await reportItem(input.item, "Result", options, write, tally);
  } else {
    reportMapping(input.id, input.document, await verifyMapping(input, options), write, tally);
  }
  return tally;
}

async function reportItem(item: unknown, label: string, options: VerifyOptions, write: (line: string) => void, tally: Tally) {
  if (isRecord(item) && "error" in item && !("mappings" in item)) {
    // The DP refused this input (an invalid CSI): there is nothing to verify, and nothing failed verification.
    const error = isRecord(item.error) ? item.error : {};
    write(`${label}: the DP refused the input ${JSON.stringify(item.input)}: ${String(error.title ?? error.code ?? "an error")}.`);
    return;
  }
  if (!isRecord(item) || typeof item.csi !== "string" || !Array.isArray(item.mappings)) {
    write(`${label}: ✗ not a lookup result (it needs csi, result and mappings).`);
    tally.failed++;
    return;
  }
  const { mappings } = await verifyLookupItem(item, options);
  const count = `${mappings.length} ${mappings.length === 1 ? "mapping" : "mappings"}`;
  write(`${label}: ${item.csi}, result ${JSON.stringify(item.result)}, ${count}`);
  for (const [index, { id, verification }] of mappings.entries()) {
    reportMapping(id, (item.mappings[index] as Record<string, unknown> | undefined)?.document, verification, write, tally);
  }
}

function reportMapping(id: string, document: unknown, verification: Verification, write: (line: string) => void, tally: Tally) {
  for (const line of mappingReportLines(id, document, verification)) write(line);
  if (verification.ok) tally.verified++;
  else tally.failed++;
}

function summarise({ verified, failed }: Tally): string {
  const total = verified + failed;
  if (total === 0) return "\nNo mappings to verify.";
  if (failed === 0) return `\n${total === 1 ? "The mapping verifies" : `All ${total} mappings verify`}.`;
  return `\n${failed} of ${total} ${total === 1 ? "mapping" : "mappings"} failed verification.`;
}

/** The command as a process runs it: arguments, stdin, files and the network of this process. */
export async function runVerifyProcess(program?: string): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const { text } = await import("node:stream/consumers");
  return runVerifyCli({
    argv: process.argv.slice(2),
    readStdin: () => text(process.stdin),
    readFile: (path) => readFile(path, "utf8"),
    fetch: globalThis.fetch,
    write: (line) => process.stdout.write(`${line}\n`),
    writeError: (line) => process.stderr.write(`${line}\n`),
    program,
  });
}
