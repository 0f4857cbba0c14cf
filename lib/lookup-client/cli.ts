import type { Csi } from "../identifiers/csi";
import { IdentifierError } from "../identifiers/identifier-error";
import { parseIdentifier } from "../identifiers/parse-identifier";
import type { LookupResultStatus, MappingDocument } from "../mappings/types";
import { resolveForSender, type SenderContext } from "../resolver/resolve";
import { DEFAULT_DP, UsageError } from "../verifier/cli-args";
import { CliInputError, fetchDpConfig } from "../verifier/cli-dp-config";
import { describeFetchError, mappingReportLines, printable } from "../verifier/cli-report";
import { verifyLookupItem, type Verification, type VerifyOptions } from "../verifier/index";
import { isRecord } from "../verifier/read-proof";

/** Everything the command touches, passed in so that tests run it against a fake DP. */
export type LookupCliIo = {
  argv: string[];
  env: Record<string, string | undefined>;
  fetch: typeof globalThis.fetch;
  write: (line: string) => void;
  writeError: (line: string) => void;
  now?: Date;
};

export const LOOKUP_USAGE = `Usage: npm run lookup -- <csi> [--sender-msp ID] [--context TAG] [--sender CSI] [--dp URL] [--key KEY]

Looks up one identifier the way an MSP does (protocol section 4), verifies every mapping the DP serves
(section 2.1) and resolves the one preferred MSP for the sender described (section 2, "Resolution"),
printing each step.

  <csi>            the identifier to look up: +1 408 555 1212, tel:+14085551212, bob@example.com, mailto:…
  --sender-msp ID  the sending MSP's id, such as chat.example; sent to the DP and used for resolution
  --context TAG    a context the sender declares, such as Business; sent to the DP and used for resolution
  --sender CSI     the sender's own identifier, for particular-sender rules; NEVER sent: it stays on this machine
  --dp URL         the Discovery Provider (default ${DEFAULT_DP})
  --key KEY        the MSP API key; prefer the MIMI_API_KEY environment variable, as --key lands in shell history

Exit status: 0 when every mapping verifies and the lookup resolved (to an MSP, or cleanly to none or an opt-out),
1 when a mapping fails verification or the DP refuses the lookup, 2 on a usage, input or network error.`;

const FLAGS = new Set(["--sender-msp", "--context", "--sender", "--dp", "--key"]);
const LOOKUP_TIMEOUT_MS = 10_000;
// MSP ids are domain names, which never contain spaces, so this can never be mistaken for (or match) a real MSP.
const UNNAMED_MSP = "an unnamed MSP";

type LookupArgs =
  | { kind: "help" }
  | { kind: "lookup"; csi: string; senderMsp?: string; context?: string; sender?: string; dp: string; key?: string };

type Plan = {
  csiInput: string;
  csi: Csi;
  senderInput?: string;
  sender?: Csi;
  senderMsp?: string;
  context?: string;
  dp: string;
  key: string;
  keySource: string;
};

type Say = (line?: string) => void;

/** `npm run lookup`: returns the exit status, 0 resolved, 1 refused or not verified, 2 the command could not do its job. */
export async function runLookupCli(io: LookupCliIo): Promise<number> {
  const say: Say = (line = "") => io.write(printable(line));
  let plan: Plan;
  try {
    const args = parseLookupArgs(io.argv);
    if (args.kind === "help") {
      io.write(LOOKUP_USAGE);
      return 0;
    }
    plan = preparePlan(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.writeError(`lookup: ${error.message}\n\n${LOOKUP_USAGE}`);
      return 2;
    }
    if (error instanceof CliInputError) {
      io.writeError(printable(`lookup: ${error.message}`));
      return 2;
    }
    throw error;
  }
  try {
    return await lookUp(plan, io, say);
  } catch (error) {
    if (!(error instanceof CliInputError)) throw error;
    io.writeError(printable(`lookup: ${error.message}`));
    return 2;
  }
}

export function parseLookupArgs(argv: string[]): LookupArgs {
  const flags = new Map<string, string>();
  const positionals: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === "--help" || arg === "-h") return { kind: "help" };
    if (!arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const name = equals === -1 ? arg : arg.slice(0, equals);
    if (!FLAGS.has(name)) throw new UsageError(`unknown option ${name}`);
    const value = equals === -1 ? argv[++index] : arg.slice(equals + 1);
    // "--context --dp x" is a forgotten value, not a context called "--dp".
    if (value === undefined || value.trim() === "" || value.startsWith("--")) throw new UsageError(`${name} needs a value`);
    if (flags.has(name)) throw new UsageError(`${name} is given twice`);
    flags.set(name, value);
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? "name the identifier to look up" : "give exactly one identifier (quote one that contains spaces)",
    );
  }
  const args: LookupArgs = { kind: "lookup", csi: positionals[0]!, dp: flags.get("--dp") ?? DEFAULT_DP };
  const optional = { senderMsp: "--sender-msp", context: "--context", sender: "--sender", key: "--key" } as const;
  for (const [field, flag] of Object.entries(optional) as [keyof typeof optional, string][]) {
    const value = flags.get(flag);
    if (value !== undefined) args[field] = value;
  }
  return args;
}

/** Everything that can be judged on this machine is judged before the first request. */
function preparePlan(args: Extract<LookupArgs, { kind: "lookup" }>, io: LookupCliIo): Plan {
  const fromEnv = io.env.MIMI_API_KEY?.trim();
  let key: string;
  let keySource: string;
  if (args.key !== undefined) {
    io.writeError("lookup: warning: --key lands in your shell history; prefer MIMI_API_KEY in the environment.");
    if (fromEnv) io.writeError("lookup: warning: --key overrides MIMI_API_KEY.");
    key = args.key.trim();
    keySource = "--key";
  } else if (fromEnv) {
    key = fromEnv;
    keySource = "MIMI_API_KEY";
  } else {
    throw new CliInputError("no API key: set MIMI_API_KEY to your MSP API key (or pass --key, which lands in shell history).");
  }
  // A Bearer token is one run of visible ASCII; anything else would make fetch throw or the DP answer 401.
  if (!/^[\x21-\x7e]+$/u.test(key)) throw new CliInputError(`the API key from ${keySource} contains spaces or characters a key never has.`);

  const plan: Plan = { csiInput: args.csi, csi: normalise(args.csi, "the identifier to look up"), dp: args.dp, key, keySource };
  if (args.sender !== undefined) {
    plan.senderInput = args.sender;
    plan.sender = normalise(args.sender, "--sender");
  }
  if (args.senderMsp !== undefined) plan.senderMsp = args.senderMsp;
  if (args.context !== undefined) plan.context = args.context;
  return plan;
}

function normalise(input: string, what: string): Csi {
  try {
    return parseIdentifier(input);
  } catch (error) {
    if (!(error instanceof IdentifierError)) throw error;
    throw new CliInputError(`${what}, ${JSON.stringify(input)}, is not a phone number or email address: ${error.message}`);
  }
}

async function lookUp(plan: Plan, io: LookupCliIo, say: Say): Promise<number> {
  const now = io.now ?? new Date();

  say("1. Identifier, normalised on this machine");
  say(`   ${JSON.stringify(plan.csiInput)} → ${plan.csi.uri} (${plan.csi.kind === "tel" ? "phone number" : "email address"})`);
  say(`   Sender MSP: ${plan.senderMsp ?? "none given (--sender-msp), so rules for particular MSPs cannot match"}`);
  say(`   Context: ${plan.context ?? "none declared (--context)"}`);
  if (plan.sender && plan.senderInput !== undefined) {
    say(`   Sender: ${JSON.stringify(plan.senderInput)} → ${plan.sender.uri}, kept on this machine: a lookup never carries it (R6).`);
  } else {
    say("   Sender: none given (--sender), so rules for particular senders cannot match.");
  }

  say();
  say(`2. DP metadata and keys from ${plan.dp}`);
  const dp = await loadDp(plan.dp, io.fetch);
  const kids = dp.config.jwks.keys.map((key: JsonWebKey & { kid?: unknown }) => (typeof key.kid === "string" ? key.kid : "(no kid)"));
  say(`   issuer ${dp.config.issuer}, rp_id ${dp.config.rpId}, ${count(kids.length, "key", "keys")}${kids.length ? ` (${kids.join(", ")})` : ""}`);
  say(`   lookup endpoint ${dp.lookupEndpoint.href}`);

  say();
  say("3. Lookup");
  const body: Record<string, string> = { csi: plan.csi.uri };
  if (plan.senderMsp !== undefined) body.sender_msp = plan.senderMsp;
  if (plan.context !== undefined) body.context = plan.context;
  say(`   POST ${dp.lookupEndpoint.href} with the key ${describeKey(plan.key)} from ${plan.keySource}`);
  say(`   body ${JSON.stringify(body)}`);
  say(
    plan.sender
      ? "   The sender's CSI is not in it, by design (R6): it stays on this machine and is used only in step 5."
      : "   Nothing in it identifies the sender person (R6).",
  );
  const response = await postLookup(dp.lookupEndpoint, plan.key, body, io.fetch);
  const remaining = response.headers.get("ratelimit-remaining");
  if (!response.ok) {
    await reportRefusal(response, say);
    return 1;
  }
  const item = await readLookupResult(response, dp.lookupEndpoint);
  say(`   ${response.status}: result ${item.result}, ${count(item.mappings.length, "mapping", "mappings")}; RateLimit-Remaining ${remaining ?? "(not sent)"}`);

  say();
  say("4. Verification of every mapping against the DP's keys");
  const verified = await verifyItem(item, plan.csi.uri, { ...dp.config, now }, say);

  say();
  say("5. Resolution for this sender, over the mappings that verified");
  const outcome = await resolve(verified.mappings, item.mappings.length, plan, now, say);

  say();
  say(outcome);
  if (verified.failures === 0) return 0;
  say("Verification failed (✗ above): do not rely on this answer.");
  return 1;
}

type DpSetup = { config: Pick<VerifyOptions, "issuer" | "rpId" | "jwks">; lookupEndpoint: URL };

async function loadDp(dp: string, fetch: typeof globalThis.fetch): Promise<DpSetup> {
  const config = await fetchDpConfig(dp, fetch);
  const endpoint = config.metadata?.lookup_endpoint;
  if (typeof endpoint !== "string" || !config.metadataUrl) {
    throw new CliInputError(`the DP at ${dp} publishes metadata without lookup_endpoint`);
  }
  const metadata = { url: config.metadataUrl.href };
  let lookupEndpoint: URL;
  try {
    lookupEndpoint = new URL(endpoint, metadata.url);
  } catch {
    throw new CliInputError(`the DP at ${dp} publishes a lookup_endpoint that is not a URL: ${JSON.stringify(endpoint)}`);
  }
  if (lookupEndpoint.protocol !== "https:" && !(lookupEndpoint.protocol === "http:" && isLoopback(lookupEndpoint.hostname))) {
    // The DP would refuse plain http in production anyway, but only after the key had crossed the network in clear.
    throw new CliInputError(
      `the DP's lookup endpoint ${lookupEndpoint.href} is not https://, and the API key must not travel in clear beyond this machine`,
    );
  }
  return { config, lookupEndpoint };
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname.endsWith(".localhost") || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/u.test(hostname);
}

async function postLookup(endpoint: URL, key: string, body: Record<string, string>, fetch: typeof globalThis.fetch): Promise<Response> {
  try {
    return await fetch(endpoint, {
      method: "POST",
      headers: {
        authorization: `Bearer ${key}`,
        "content-type": "application/json",
        accept: "application/json, application/problem+json",
      },
      body: JSON.stringify(body),
      // A redirect would replay the key to wherever it points, or turn the POST into a GET.
      redirect: "error",
      signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
    });
  } catch (error) {
    throw new CliInputError(`cannot reach the lookup endpoint ${endpoint.href}: ${describeFetchError(error)}`);
  }
}

async function reportRefusal(response: Response, say: Say): Promise<void> {
  let problem: unknown;
  try {
    problem = JSON.parse(await response.text());
  } catch {
    problem = undefined;
  }
  const code = isRecord(problem) && typeof problem.code === "string" ? problem.code : "(no code)";
  const detail =
    isRecord(problem) && typeof problem.detail === "string"
      ? problem.detail
      : isRecord(problem) && typeof problem.title === "string"
        ? problem.title
        : `no problem details${response.statusText ? `, ${response.statusText}` : ""}`;
  say(`   ✗ ${response.status} ${code}: ${detail}`);
  const retryAfter = response.headers.get("retry-after");
  if (retryAfter !== null) say(`   Retry-After: ${retryAfter}${/^\d+$/u.test(retryAfter) ? " seconds" : ""}`);
  const remaining = response.headers.get("ratelimit-remaining");
  if (remaining !== null) say(`   RateLimit-Remaining: ${remaining}`);
  if (response.status === 401) say("   The key comes from MIMI_API_KEY (or --key): check that it is a current MSP key of this DP.");
  say();
  say("The DP refused the lookup.");
}

type LookupItem = { csi: string; result: string; mappings: unknown[] };

async function readLookupResult(response: Response, endpoint: URL): Promise<LookupItem> {
  let item: unknown;
  try {
    item = await response.json();
  } catch {
    throw new CliInputError(`the lookup endpoint ${endpoint.href} answered ${response.status} with something other than JSON`);
  }
  if (!isRecord(item) || typeof item.csi !== "string" || typeof item.result !== "string" || !Array.isArray(item.mappings)) {
    throw new CliInputError(`the lookup endpoint ${endpoint.href} answered with something that is not a lookup result {csi, result, mappings}`);
  }
  return { csi: item.csi, result: item.result, mappings: item.mappings };
}

type Verified = { mappings: { id: string; document: MappingDocument }[]; failures: number };

async function verifyItem(item: LookupItem, askedFor: string, options: VerifyOptions, say: Say): Promise<Verified> {
  let failures = 0;
  // A DP answering for another CSI than the one asked could steer the sender to someone else's services.
  const sameCsi = item.csi === askedFor;
  if (!sameCsi) {
    say(`   ✗ csi: the DP answered for ${item.csi}, not for ${askedFor} which was looked up; none of its mappings is used.`);
    failures++;
  }
  const expected = resultOf(item.mappings);
  if (item.result !== expected) {
    // R5: MSPs act on `result`, so one that disagrees with the mappings misleads them even when every proof holds.
    say(`   ✗ result: the DP said ${JSON.stringify(item.result)}, but the mappings it served make it ${JSON.stringify(expected)}.`);
    failures++;
  }
  if (item.mappings.length === 0) say("   No mappings to verify.");

  const { mappings: verifications } = await verifyLookupItem(item, options);
  const verified: Verified["mappings"] = [];
  for (const [index, { id, verification }] of verifications.entries()) {
    const document = (item.mappings[index] as Record<string, unknown> | undefined)?.document;
    reportMapping(id, document, verification, say);
    if (!verification.ok) failures++;
    // The document check has passed, so the document is a valid MappingDocument.
    else if (sameCsi) verified.push({ id, document: document as MappingDocument });
  }
  return { mappings: verified, failures };
}

function reportMapping(id: string, document: unknown, verification: Verification, say: Say): void {
  for (const line of mappingReportLines(id, document, verification)) say(`   ${line}`);
}

/** Protocol section 4: what `result` must be for the mappings served. */
function resultOf(mappings: unknown[]): LookupResultStatus {
  if (mappings.length === 0) return "none";
  const listsMsp = mappings.some((mapping) => {
    const document = isRecord(mapping) ? mapping.document : undefined;
    return isRecord(document) && Array.isArray(document.entries) && document.entries.length > 0;
  });
  return listsMsp ? "found" : "opted_out";
}

async function resolve(mappings: Verified["mappings"], served: number, plan: Plan, now: Date, say: Say): Promise<string> {
  if (served > 0 && mappings.length === 0) {
    say("   Nothing to resolve: no mapping verified.");
    return "Preferred MSP: none, as no mapping verified.";
  }
  if (mappings.length < served) say(`   Only ${mappings.length} of ${served} mappings verified; the others are left out.`);
  const sender: SenderContext = { senderMsp: plan.senderMsp ?? UNNAMED_MSP };
  if (plan.context !== undefined) sender.context = plan.context;
  if (plan.sender) sender.senderCsi = plan.sender.uri;
  const resolution = await resolveForSender(mappings, sender, { now });
  for (const line of resolution.explanation) say(`   ${line}`);
  if (resolution.preferred) return `Preferred MSP: ${resolution.preferred.entry.msp}`;
  if (mappings.length === 0) return "Preferred MSP: none, as the recipient has published no mapping.";
  if (mappings.every((mapping) => mapping.document.entries.length === 0)) return "Preferred MSP: none, as the recipient opted out of discovery.";
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
