import { createLookupClient, lookupRequestBody, type LookupClient, type Sender, type VerifiedLookup } from "../client/create-lookup-client.ts";
import { DpError, type DpRefusal } from "../client/dp-error.ts";
import { dpEndpoint } from "../client/dp-config.ts";
import type { Csi } from "../identifiers/csi.ts";
import { IdentifierError } from "../identifiers/identifier-error.ts";
import { parseIdentifier } from "../identifiers/parse-identifier.ts";
import { printable } from "../text/printable.ts";
import { parseCommandLine, UsageError } from "./args.ts";
import { mappingReportLines } from "./report.ts";
import { lookUpPrivately } from "./private-lookup-steps.ts";
import { DEFAULT_DP } from "./verify.ts";
import type { JWK } from "jose";
import type { Directory } from "../directory/directory-schema.ts";
import { DirectoryError } from "../directory/directory-error.ts";
import { verifyDirectory } from "../directory/verify-directory.ts";

/** Everything the command touches, passed in so that tests run it against a fake DP. */
export type LookupCliIo = {
  argv: string[];
  env: Record<string, string | undefined>;
  fetch: typeof globalThis.fetch;
  write: (line: string) => void;
  writeError: (line: string) => void;
  now?: Date;
  /** How the usage names the command: mimi-lookup, or npm run lookup -- inside the DP's repository. */
  program?: string;
};

export function lookupUsage(program = "mimi-lookup"): string {
  return `Usage: ${program} <csi> [--sender-msp ID] [--context TAG] [--sender CSI] [--dp URL] [--key KEY] [--directory URL] [--private --relay URL]

Looks up one identifier the way an MSP does (protocol section 4), verifies every mapping the DP serves
(section 2.1) and resolves the one preferred MSP for the sender described (section 2, "Resolution"),
printing each step.

  <csi>            the identifier to look up: +1 408 555 1212, tel:+14085551212, bob@example.com, mailto:…
  --sender-msp ID  the sending MSP's id, such as chat.example; sent to the DP and used for resolution
  --context TAG    a context the sender declares, such as Business; sent to the DP and used for resolution
  --sender CSI     the sender's own identifier, for particular-sender rules; NEVER sent: it stays on this machine
  --dp URL         the Discovery Provider (default ${DEFAULT_DP})
  --key KEY        the MSP API key; prefer the MIMI_API_KEY environment variable, as --key lands in shell history
  --private        look up privately (protocol section 7): fetch one Privacy Pass token with the key, then send the
                   lookup encapsulated (Oblivious HTTP) through --relay, paid with the token: the DP learns neither
                   this machine's address nor which MSP asks; --sender-msp and --context are then used here only
  --relay URL      the Oblivious HTTP relay for --private, such as https://relay.example/
  --directory URL  a signed directory of DPs (protocol section 8), such as https://dp.example/.well-known/mimi-directory:
                   each mapping is then verified against the DP that signed it, which must be listed there; the
                   directory operator's public key (a JWK) comes from MIMI_DIRECTORY_KEY

Exit status: 0 when every mapping verifies and the lookup resolved (to an MSP, or cleanly to none or an opt-out),
1 when a mapping fails verification or the DP refuses the lookup, 2 on a usage, input or network error.`;
}

type Plan = { csiInput: string; csi: Csi; senderInput?: string; sender: Sender; dp: string; key: string; keySource: string; relay?: string; directory?: { url: string; key: JWK } };
type Say = (line?: string) => void;

/** Something this machine can tell is wrong before the first request: exit status 2. */
class InputError extends Error {}

/** `mimi-lookup`: returns the exit status, 0 resolved, 1 refused or not verified, 2 the command could not do its job. */
export async function runLookupCli(io: LookupCliIo): Promise<number> {
  const say: Say = (line = "") => io.write(printable(line));
  const usage = lookupUsage(io.program);
  let plan: Plan | undefined;
  try {
    plan = preparePlan(io);
    if (!plan) {
      io.write(usage);
      return 0;
    }
    return await lookUp(plan, io, say);
  } catch (error) {
    if (error instanceof UsageError) {
      io.writeError(`lookup: ${error.message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof InputError || (error instanceof DpError && error.kind !== "refused")) {
      io.writeError(printable(`lookup: ${error.message}`));
      return 2;
    }
    throw error;
  }
}

/** Everything that can be judged on this machine is judged before the first request; undefined for --help. */
function preparePlan(io: LookupCliIo): Plan | undefined {
  const parsed = parseCommandLine(io.argv, ["sender-msp", "context", "sender", "dp", "key", "relay", "directory"], ["private"]);
  if (parsed.help) return undefined;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? "name the identifier to look up" : "give exactly one identifier (quote one that contains spaces)");
  }
  const fromEnv = io.env.MIMI_API_KEY?.trim();
  const flagKey = values.get("key");
  let key: string;
  let keySource: string;
  if (flagKey !== undefined) {
    io.writeError("lookup: warning: --key lands in your shell history; prefer MIMI_API_KEY in the environment.");
    if (fromEnv) io.writeError("lookup: warning: --key overrides MIMI_API_KEY.");
    key = flagKey.trim();
    keySource = "--key";
  } else if (fromEnv) {
    key = fromEnv;
    keySource = "MIMI_API_KEY";
  } else {
    throw new InputError("no API key: set MIMI_API_KEY to your MSP API key (or pass --key, which lands in shell history).");
  }
  if (!/^[\x21-\x7e]+$/u.test(key)) throw new InputError(`the API key from ${keySource} contains spaces or characters a key never has.`);

  const relay = values.get("relay");
  if (parsed.flags.has("private") !== (relay !== undefined)) throw new UsageError(relay === undefined ? "--private needs --relay URL" : "--relay is for --private lookups");
  const csiInput = positionals[0]!;
  const plan: Plan = { csiInput, csi: normalise(csiInput, "the identifier to look up"), sender: {}, dp: values.get("dp") ?? DEFAULT_DP, key, keySource };
  if (relay !== undefined) plan.relay = relay;
  const directoryUrl = values.get("directory");
  if (directoryUrl !== undefined) {
    let key: JWK;
    try {
      key = JSON.parse(io.env.MIMI_DIRECTORY_KEY ?? "") as JWK;
    } catch {
      throw new InputError("--directory needs MIMI_DIRECTORY_KEY: the directory operator's public key, as a JWK (JSON).");
    }
    plan.directory = { url: directoryUrl, key };
  }
  const senderInput = values.get("sender");
  if (senderInput !== undefined) {
    plan.senderInput = senderInput;
    plan.sender.csi = normalise(senderInput, "--sender").uri;
  }
  const senderMsp = values.get("sender-msp");
  const context = values.get("context");
  if (senderMsp !== undefined) plan.sender.msp = senderMsp;
  if (context !== undefined) plan.sender.context = context;
  return plan;
}

function normalise(input: string, what: string): Csi {
  try {
    return parseIdentifier(input);
  } catch (error) {
    if (!(error instanceof IdentifierError)) throw error;
    throw new InputError(`${what}, ${JSON.stringify(input)}, is not a phone number or email address: ${error.message}`);
  }
}

async function lookUp(plan: Plan, io: LookupCliIo, say: Say): Promise<number> {
  const now = io.now ?? new Date();
  let directory: Directory | undefined;
  if (plan.directory) {
    try {
      const response = await io.fetch(plan.directory.url, { signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new DirectoryError("unreachable", `${plan.directory.url} answered ${response.status}.`);
      directory = await verifyDirectory(await response.text(), [plan.directory.key], now);
    } catch (error) {
      io.writeError(printable(`lookup: the directory is not trusted, so nothing is looked up: ${error instanceof DirectoryError ? error.message : (error as Error).message}`));
      return 1;
    }
  }
  const client = createLookupClient({ dp: plan.dp, apiKey: plan.key, fetch: io.fetch, now: () => now, ...(directory ? { directory } : {}) });
  if (directory) say(`0. Directory: signed by ${directory.iss}, ${directory.dps.length} DPs trusted until ${new Date(directory.exp * 1000).toISOString()}; each mapping is verified against its own DP.`);

  say("1. Identifier, normalised on this machine");
  say(`   ${JSON.stringify(plan.csiInput)} → ${plan.csi.uri} (${plan.csi.kind === "tel" ? "phone number" : "email address"})`);
  say(`   Sender MSP: ${plan.sender.msp ?? "none given (--sender-msp), so rules for particular MSPs cannot match"}`);
  say(`   Context: ${plan.sender.context ?? "none declared (--context)"}`);
  if (plan.sender.csi !== undefined && plan.senderInput !== undefined) {
    say(`   Sender: ${JSON.stringify(plan.senderInput)} → ${plan.sender.csi}, kept on this machine: a lookup never carries it (R6).`);
  } else {
    say("   Sender: none given (--sender), so rules for particular senders cannot match.");
  }

  say();
  say(`2. DP metadata and keys from ${plan.dp}`);
  const endpoint = await describeDp(client, plan.dp, say);

  say();
  let answer: VerifiedLookup;
  try {
    if (plan.relay !== undefined) {
      answer = await lookUpPrivately({ csi: plan.csi.uri, sender: plan.sender, dp: plan.dp, key: plan.key, keyName: `${describeKey(plan.key)} from ${plan.keySource}`, relay: plan.relay }, io, say);
    } else {
      say("3. Lookup");
      say(`   POST ${endpoint.href} with the key ${describeKey(plan.key)} from ${plan.keySource}`);
      say(`   body ${JSON.stringify(lookupRequestBody(plan.csi.uri, plan.sender))}`);
      say(
        plan.sender.csi !== undefined
          ? "   The sender's CSI is not in it, by design (R6): it stays on this machine and is used only in step 5."
          : "   Nothing in it identifies the sender person (R6).",
      );
      answer = await client.lookup(plan.csi.uri, { sender: plan.sender });
      say(`   200: result ${answer.result}, ${count(answer.mappings.length, "mapping", "mappings")}; RateLimit-Remaining ${answer.rateLimit.remaining ?? "(not sent)"}`);
    }
  } catch (error) {
    if (!(error instanceof DpError) || error.kind !== "refused" || !error.refusal) throw error;
    reportRefusal(error.refusal, say);
    return 1;
  }

  say();
  say("4. Verification of every mapping against the DP's keys");
  for (const check of answer.answerChecks) say(`   ✗ ${check.id}: ${check.detail}`);
  if (answer.mappings.length === 0) say("   No mappings to verify.");
  for (const { id, document, verification } of answer.mappings) {
    for (const line of mappingReportLines(id, document, verification)) say(`   ${line}`);
  }

  say();
  say("5. Resolution for this sender, over the mappings that verified");
  const outcome = conclude(answer, say);
  say();
  say(outcome);
  if (answer.ok) return 0;
  say("Verification failed (✗ above): do not rely on this answer.");
  return 1;
}

async function describeDp(client: LookupClient, dp: string, say: Say): Promise<URL> {
  const config = await client.config();
  const kids = config.jwks.keys.map((key: JsonWebKey & { kid?: unknown }) => (typeof key.kid === "string" ? key.kid : "(no kid)"));
  say(`   issuer ${config.issuer}, rp_id ${config.rpId}, ${count(kids.length, "key", "keys")}${kids.length ? ` (${kids.join(", ")})` : ""}`);
  const endpoint = dpEndpoint(config, "lookup_endpoint", dp);
  say(`   lookup endpoint ${endpoint.href}`);
  return endpoint;
}

function reportRefusal(refusal: DpRefusal, say: Say): void {
  const detail = refusal.detail ?? `no problem details${refusal.statusText ? `, ${refusal.statusText}` : ""}`;
  say(`   ✗ ${refusal.status} ${refusal.code ?? "(no code)"}: ${detail}`);
  if (refusal.retryAfter !== undefined) say(`   Retry-After: ${refusal.retryAfter}${/^\d+$/u.test(refusal.retryAfter) ? " seconds" : ""}`);
  if (refusal.rateLimitRemaining !== undefined) say(`   RateLimit-Remaining: ${refusal.rateLimitRemaining}`);
  if (refusal.status === 401) say("   The key comes from MIMI_API_KEY (or --key): check that it is a current MSP key of this DP.");
  say();
  say("The DP refused the lookup.");
}

/** The resolution's explanation, then the one line an operator reads first. */
function conclude(answer: VerifiedLookup, say: Say): string {
  const served = answer.mappings.length;
  const usable = answer.usable;
  if (served > 0 && usable.length === 0) {
    say("   Nothing to resolve: no mapping verified.");
    return "Preferred MSP: none, as no mapping verified.";
  }
  if (usable.length < served) say(`   Only ${usable.length} of ${served} mappings verified; the others are left out.`);
  const resolution = answer.resolution!;
  for (const line of resolution.explanation) say(`   ${line}`);
  if (resolution.preferred) return `Preferred MSP: ${resolution.preferred.entry.msp}`;
  if (usable.length === 0) return "Preferred MSP: none, as the recipient has published no mapping.";
  if (usable.every((mapping) => mapping.document.entries.length === 0)) return "Preferred MSP: none, as the recipient opted out of discovery.";
  return "Preferred MSP: none, as no entry is meant for this sender.";
}

/** The documented key format puts a public prefix before the dot, made to name a key on screens; the rest is secret. */
function describeKey(key: string): string {
  const prefix = /^(mimi_[a-z]+_[A-Za-z0-9_-]{8})\./u.exec(key)?.[1];
  return prefix ? `${prefix}…` : "(not in the mimi_msp_… format)";
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The command as a process runs it: its arguments, environment and network. */
export function runLookupProcess(program?: string): Promise<number> {
  return runLookupCli({
    argv: process.argv.slice(2),
    env: process.env,
    fetch: globalThis.fetch,
    write: (line) => process.stdout.write(`${line}\n`),
    writeError: (line) => process.stderr.write(`${line}\n`),
    program,
  });
}
