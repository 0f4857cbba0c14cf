import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from "jose";
import { authoritativeDp, type Directory, type DirectoryDp, type DirectoryVerifier } from "@mimi-discovery/msp-kit";
import { REASSIGNMENT_JWS_TYPE } from "./queue-reassignment";

export type Reassignment = { ok: true; csi: string; provedAt: Date } | { ok: false; detail: string };

/**
 * A peer's statement that a new holder proved a recycled identifier: an ES256 JWS of `typ` mimi-reassignment+jwt
 * under a key of the sender's JWKS, issued by the sender, about a CSI the sender is authoritative for (when the
 * directory names a DP for it), and not from the future.
 */
export async function verifyReassignment(options: { statement: unknown; peer: DirectoryDp; directory: Directory; verifier: DirectoryVerifier; now: Date }): Promise<Reassignment> {
  const { statement, peer } = options;
  if (typeof statement !== "string" || statement.length > 8_192) return { ok: false, detail: "The reassignment must be a compact JWS." };
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(statement);
  } catch {
    return { ok: false, detail: "The reassignment is not a compact JWS." };
  }
  if (header.typ !== REASSIGNMENT_JWS_TYPE || header.alg !== "ES256") return { ok: false, detail: `The reassignment must be an ES256 JWS of typ ${REASSIGNMENT_JWS_TYPE}.` };
  const { jwks } = await options.verifier.optionsFor(peer.issuer);
  let claims: Record<string, unknown> | undefined;
  for (const key of jwks.keys.filter((candidate) => (candidate as { kid?: string }).kid === header.kid)) {
    try {
      const { d: _private, ...publicPart } = key as JWK;
      const { payload } = await compactVerify(statement, await importJWK(publicPart, "ES256"), { algorithms: ["ES256"] });
      claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
      break;
    } catch {
      // Another key may share the kid during a rotation.
    }
  }
  if (!claims) return { ok: false, detail: `The reassignment does not verify under a key ${peer.issuer} publishes.` };
  const { iss, sub, iat } = claims;
  if (iss !== peer.issuer) return { ok: false, detail: "The reassignment is issued by another DP than the one that sent it." };
  if (typeof sub !== "string" || !/^(tel:\+[1-9][0-9]{1,14}|mailto:[^\s@]+@[^\s@]+)$/u.test(sub)) return { ok: false, detail: "The reassignment names no identifier." };
  if (typeof iat !== "number" || !Number.isInteger(iat) || iat * 1000 > options.now.getTime() + 60_000) return { ok: false, detail: "The reassignment has no valid time (iat)." };
  const authority = authoritativeDp(options.directory, sub);
  if (authority && authority.issuer !== peer.issuer) return { ok: false, detail: `${peer.issuer} is not authoritative for this identifier; ${authority.issuer} is.` };
  return { ok: true, csi: sub, provedAt: new Date(iat * 1000) };
}
