/** The verify command's arguments. Hand-written: the verifier's folder avoids node: modules, util.parseArgs too. */
export type CliArgs =
  | { kind: "help" }
  | { kind: "online"; input: string; dp: string }
  | { kind: "offline"; input: string; jwksFile: string; issuer: string; rpId: string };

export const DEFAULT_DP = "http://localhost:3000";

export const USAGE = `Usage: npm run verify -- <file | -> [--dp URL]
       npm run verify -- <file | -> --jwks FILE --issuer URL --rp-id ID

Verifies signed MIMI discovery mappings (protocol section 2.1). The input, from a file or from stdin (-), is a
batch lookup answer ({"results": [...]}), one lookup result ({"csi", "result", "mappings"}), or one mapping
({"id"?, "document", "proof"}).

  --dp URL       the Discovery Provider whose metadata and keys to fetch (default ${DEFAULT_DP})
  --jwks FILE    verify offline with the keys in this JWKS file; needs --issuer and --rp-id as well
  --issuer URL   the DP's issuer, as its metadata publishes it
  --rp-id ID     the DP's WebAuthn rp_id, as its metadata publishes it

Exit status: 0 when every mapping verifies, 1 when any does not, 2 on a usage, input or network error.`;

const FLAGS = new Set(["--dp", "--jwks", "--issuer", "--rp-id"]);

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export function parseCliArgs(argv: string[]): CliArgs {
  const flags = new Map<string, string>();
  const positionals: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === "--help" || arg === "-h") return { kind: "help" };
    if (arg === "-" || !arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = splitFlag(arg);
    if (!FLAGS.has(name)) throw new UsageError(`unknown option ${name}`);
    const value = inline ?? argv[++index];
    if (value === undefined || value === "") throw new UsageError(`${name} needs a value`);
    if (flags.has(name)) throw new UsageError(`${name} is given twice`);
    flags.set(name, value);
  }
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? "name the file to verify, or - for stdin" : "give exactly one file to verify");
  }
  const input = positionals[0]!;
  const offline = ["--jwks", "--issuer", "--rp-id"].filter((name) => flags.has(name));
  if (offline.length === 0) return { kind: "online", input, dp: flags.get("--dp") ?? DEFAULT_DP };
  if (flags.has("--dp")) throw new UsageError("use either --dp or --jwks with --issuer and --rp-id, not both");
  if (offline.length !== 3) throw new UsageError("offline verification needs all of --jwks, --issuer and --rp-id");
  return { kind: "offline", input, jwksFile: flags.get("--jwks")!, issuer: flags.get("--issuer")!, rpId: flags.get("--rp-id")! };
}

function splitFlag(arg: string): [string, string | undefined] {
  const equals = arg.indexOf("=");
  return equals === -1 ? [arg, undefined] : [arg.slice(0, equals), arg.slice(equals + 1)];
}
