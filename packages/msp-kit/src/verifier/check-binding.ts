import { compactVerify, decodeProtectedHeader, importJWK, type ProtectedHeaderParameters } from "jose";
import { BINDING_JWS_TYPE } from "../wire/index.ts";
import { decodeBase64url } from "../encoding/base64url.ts";
import { isRecord, stringField } from "./read-proof.ts";
import type { CheckResult, VerifyOptions } from "./types.ts";

/**
 * Protocol 2.1 check 1: the DP vouches that the passkey in `cnf.jwk` belongs to whoever proved ownership of the
 * document's CSI. The claims are returned even when the JWS fails, unverified, so that the signature check can
 * still say whether the assertion matches the key the binding names.
 */
export async function checkBinding(options: {
  binding: string | undefined;
  document: unknown;
  verify: VerifyOptions;
  now: Date;
}): Promise<{ result: CheckResult; claims?: Record<string, unknown> }> {
  const { binding, document, verify, now } = options;
  if (binding === undefined) return { result: fail("The proof carries no binding JWS.") };
  let header: ProtectedHeaderParameters;
  let claims: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(binding);
    claims = decodePayload(binding);
  } catch {
    return { result: fail("The binding is not a compact JWS with a JSON payload.") };
  }
  const problems = [
    ...(await checkSignature(binding, header, verify.jwks)),
    ...checkClaims(claims, document, verify.issuer, now),
  ];
  if (problems.length > 0) return { result: fail(`The binding is not valid: ${problems.join("; ")}.`), claims };
  const expires = new Date((claims.exp as number) * 1000).toISOString();
  return {
    result: {
      id: "binding",
      ok: true,
      detail: `The binding is signed by the DP's key "${header.kid}", issued by ${claims.iss} for ${claims.sub}, and valid until ${expires}.`,
    },
    claims,
  };
}

async function checkSignature(binding: string, header: ProtectedHeaderParameters, jwks: VerifyOptions["jwks"]): Promise<string[]> {
  const problems: string[] = [];
  if (header.typ !== BINDING_JWS_TYPE) problems.push(`its header typ is ${quote(header.typ)}, not "${BINDING_JWS_TYPE}"`);
  if (header.alg !== "ES256") return [...problems, `it is signed with ${quote(header.alg)}, not ES256`];
  if (typeof header.kid !== "string") return [...problems, "its header names no key (kid)"];
  const candidates = jwks.keys.filter((key) => isEs256VerificationKey(key) && (key as { kid?: unknown }).kid === header.kid);
  if (candidates.length === 0) return [...problems, `it names the key "${header.kid}", which the DP's JWKS does not publish`];
  for (const candidate of candidates) {
    try {
      // Stryker disable next-line ObjectLiteral: equivalent here, the header's alg was checked above and the key is imported for ES256 only; kept as a second lock.
      await compactVerify(binding, await importJWK(publicPart(candidate), "ES256"), { algorithms: ["ES256"] });
      return problems;
    } catch {
      // Another key may share the kid during a rotation; try it before giving up.
    }
  }
  return [...problems, `its signature does not verify under the DP's key "${header.kid}"`];
}

function checkClaims(claims: Record<string, unknown>, document: unknown, issuer: string, now: Date): string[] {
  const problems: string[] = [];
  const dp = stringField(document, "dp");
  const csi = stringField(document, "csi");
  if (claims.iss !== issuer) problems.push(`it was issued by ${quote(claims.iss)}, not by the DP ${quote(issuer)}`);
  if (dp === undefined) problems.push("the document names no dp to compare its issuer with");
  else if (claims.iss !== dp) problems.push(`its issuer ${quote(claims.iss)} is not the document's dp ${quote(dp)}`);
  if (csi === undefined) problems.push("the document names no CSI to compare its subject with");
  else if (claims.sub !== csi) problems.push(`it binds the passkey to ${quote(claims.sub)}, not to the document's CSI ${quote(csi)}`);
  // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent, Number.isFinite is false for every non-number; typeof is there for the type checker.
  if (typeof claims.exp !== "number" || !Number.isFinite(claims.exp)) {
    problems.push("it has no expiry time (exp)");
  } else if (claims.exp * 1000 <= now.getTime()) {
    problems.push(`it expired at ${new Date(claims.exp * 1000).toISOString()}, before the verification time ${now.toISOString()}`);
  }
  if (typeof claims.nbf === "number" && claims.nbf * 1000 > now.getTime()) {
    problems.push(`it is not valid before ${new Date(claims.nbf * 1000).toISOString()}`);
  }
  if (!isRecord(claims.cnf) || !isRecord(claims.cnf.jwk)) problems.push("it names no passkey key (cnf.jwk)");
  return problems;
}

function decodePayload(jws: string): Record<string, unknown> {
  // Stryker disable next-line StringLiteral: equivalent, a JWS without a second part has already failed decodeProtectedHeader or fails JSON.parse either way.
  const payload: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(decodeBase64url(jws.split(".")[1] ?? "")));
  // Stryker disable next-line StringLiteral: equivalent, the caller replaces every decoding error with one sentence.
  if (!isRecord(payload)) throw new Error("the payload is not a JSON object");
  return payload;
}

// A JWKS may also hold encryption keys or keys for other algorithms; only an ES256 signing key can sign a binding.
function isEs256VerificationKey(key: JsonWebKey): boolean {
  return key.kty === "EC" && key.crv === "P-256" && (key.alg === undefined || key.alg === "ES256") && (key.use === undefined || key.use === "sig");
}

// Only the public members: a JWKS that leaked a private `d` must not turn verification into something else.
function publicPart(key: JsonWebKey): JsonWebKey {
  return { kty: key.kty, crv: key.crv, x: key.x, y: key.y };
}

function quote(value: unknown): string {
  // Claims come from JSON.parse: JSON.stringify gives text for every value but undefined.
  return value === undefined ? "nothing" : JSON.stringify(value);
}

function fail(detail: string): CheckResult {
  return { id: "binding", ok: false, detail };
}
