/**
 * The directory operator's tool (protocol section 8):
 *   npm run directory -- keygen --out directory-key.jwk      a signing key; prints the public JWK for DIRECTORY_KEYS
 *   npm run directory -- sign directory.json --key directory-key.jwk [--days 7] [--out directory.jws]
 *   npm run directory -- verify directory.jws --keys public.jwk
 * `sign` reads `{ "iss": ..., "dps": [...] }`, checks every DP entry, sets `v`, `iat` and `exp`, and writes the
 * compact JWS that DPs serve at /.well-known/mimi-directory (DIRECTORY_FILE) and fetch (DIRECTORY_URL).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { exportJWK, generateKeyPair, calculateJwkThumbprint, type JWK } from "jose";
import { directorySchema, signDirectory, unsignedDirectorySchema, verifyDirectory, DirectoryError, type Directory } from "@mimi-discovery/msp-kit";

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    fail(`Cannot read ${what} ${file}: ${(error as Error).message}`);
  }
}

async function keygen(args: string[]): Promise<void> {
  const out = option(args, "--out") ?? fail("keygen needs --out FILE (where the private key is written, mode 600)");
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  writeFileSync(out, `${JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: "ES256" })}\n`, { mode: 0o600, flag: "wx" });
  console.error(`Private key written to ${out}. Give every DP and MSP kit the public key below (DIRECTORY_KEYS):`);
  console.log(JSON.stringify({ ...publicJwk, kid, alg: "ES256" }));
}

async function sign(args: string[]): Promise<void> {
  const file = args[0] ?? fail("sign needs the directory file: npm run directory -- sign directory.json --key KEY");
  const keyFile = option(args, "--key") ?? fail("sign needs --key FILE (the private key keygen wrote)");
  const days = Number(option(args, "--days") ?? "7");
  if (!Number.isFinite(days) || days <= 0 || days > 366) fail("--days must be a number of days between 0 and 366");
  const input = unsignedDirectorySchema.safeParse(readJson(file, "the directory"));
  if (!input.success) fail(`${file} must be { "iss": "<who signs>", "dps": [ ... ] }: ${input.error.issues[0]?.message}`);
  const iat = Math.floor(Date.now() / 1000);
  const checked = directorySchema.safeParse({ v: 1, iss: input.data.iss, iat, exp: iat + Math.round(days * 86_400), dps: input.data.dps });
  if (!checked.success) fail(`Not signed, ${file} is not a valid directory:\n${checked.error.issues.map((issue) => `  - ${issue.path.join(".")}: ${issue.message}`).join("\n")}`);
  const directory: Directory = checked.data;
  let jws: string;
  try {
    jws = await signDirectory(directory, readJson(keyFile, "the key") as JWK);
  } catch (error) {
    fail(`Not signed: ${(error as Error).message}`);
  }
  const out = option(args, "--out");
  if (out) writeFileSync(out, `${jws}\n`);
  else console.log(jws);
  console.error(`Signed ${directory.dps.length} DPs, valid until ${new Date(directory.exp * 1000).toISOString()}${out ? `, written to ${out}` : ""}.`);
}

async function verify(args: string[]): Promise<void> {
  const file = args[0] ?? fail("verify needs the signed directory file");
  const keysFile = option(args, "--keys") ?? fail("verify needs --keys FILE (the public JWK or JWKS)");
  const keys = readJson(keysFile, "the keys") as JWK | { keys: JWK[] };
  try {
    const directory = await verifyDirectory(readFileSync(file, "utf8"), "keys" in keys ? keys.keys : [keys], new Date());
    console.log(`Valid: signed by ${directory.iss}, until ${new Date(directory.exp * 1000).toISOString()}.`);
    for (const dp of directory.dps) {
      const claims = [...dp.authoritative_for.e164_prefixes, ...dp.authoritative_for.email_domains];
      console.log(`  ${dp.issuer} (${dp.region}): ${claims.length > 0 ? claims.join(", ") : "no identifiers"}`);
    }
  } catch (error) {
    fail(error instanceof DirectoryError ? `Not valid: ${error.message}` : String(error));
  }
}

const [command, ...rest] = process.argv.slice(2);
const commands: Record<string, (args: string[]) => Promise<void>> = { keygen, sign, verify };
const run = command ? commands[command] : undefined;
if (!run) fail("Usage: npm run directory -- keygen --out KEY | sign directory.json --key KEY [--days N] [--out FILE] | verify FILE --keys PUBLIC");
await run(rest);
