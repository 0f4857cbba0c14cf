import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from "jose";
import { DIRECTORY_JWS_TYPE, directorySchema, type Directory } from "./directory-schema.ts";
import { DirectoryError } from "./directory-error.ts";

/** A directory issued a little in the future by a clock that runs ahead is still accepted. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * Checks a signed directory (a compact JWS, ES256, `typ` mimi-directory+jwt) against the directory operator's
 * keys that the caller configured, and returns its content only when the signature, the validity window and the
 * format all hold. Anything else throws a DirectoryError that says what was wrong.
 */
export async function verifyDirectory(jws: string, trustedKeys: JWK[], now: Date): Promise<Directory> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws.trim());
  } catch {
    throw new DirectoryError("malformed", "The directory is not a compact JWS.");
  }
  if (header.typ !== DIRECTORY_JWS_TYPE) throw new DirectoryError("malformed", `The directory's JWS typ is ${JSON.stringify(header.typ ?? null)}, not "${DIRECTORY_JWS_TYPE}".`);
  if (header.alg !== "ES256") throw new DirectoryError("malformed", `The directory is signed with ${JSON.stringify(header.alg ?? null)}, not ES256.`);
  const candidates = trustedKeys.filter((key) => key.kty === "EC" && key.crv === "P-256" && (header.kid === undefined || key.kid === undefined || key.kid === header.kid));
  if (candidates.length === 0) throw new DirectoryError("unknown_key", `The directory names the key ${JSON.stringify(header.kid ?? null)}, which is not a configured directory key.`);
  let payload: Uint8Array | undefined;
  for (const candidate of candidates) {
    try {
      const { d: _private, ...publicPart } = candidate;
      ({ payload } = await compactVerify(jws.trim(), await importJWK(publicPart, "ES256"), { algorithms: ["ES256"] }));
      break;
    } catch {
      // Another configured key may be the one (a rotation); the failure is reported once all were tried.
    }
  }
  if (!payload) throw new DirectoryError("bad_signature", "The directory's signature does not verify under the configured directory key.");
  let content: unknown;
  try {
    content = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    throw new DirectoryError("malformed", "The directory's payload is not JSON.");
  }
  const parsed = directorySchema.safeParse(content);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DirectoryError("invalid", `The directory is signed but not valid: ${issue.path.join(".") || "directory"}: ${issue.message}.`);
  }
  const seconds = Math.floor(now.getTime() / 1000);
  if (parsed.data.exp <= seconds) throw new DirectoryError("expired", `The directory expired at ${new Date(parsed.data.exp * 1000).toISOString()}.`);
  if (parsed.data.iat > seconds + CLOCK_SKEW_SECONDS) throw new DirectoryError("not_yet_valid", `The directory is issued at ${new Date(parsed.data.iat * 1000).toISOString()}, in the future.`);
  return parsed.data;
}
