import { decodePaddedBase64url, encodePaddedBase64url } from "./base64.ts";

/**
 * The PrivateToken HTTP authentication scheme (RFC 9577): `WWW-Authenticate: PrivateToken challenge=…, token-key=…`
 * from the origin, `Authorization: PrivateToken token=…` from the client. Parameter values are base64url with
 * padding, as a token or a quoted string (RFC 9110 section 11.2).
 */
export function formatTokenAuthorization(token: Uint8Array): string {
  return `PrivateToken token="${encodePaddedBase64url(token)}"`;
}

export function formatTokenChallenge(challenge: Uint8Array, tokenKey: Uint8Array, maxAge?: number): string {
  const age = maxAge === undefined ? "" : `, max-age=${maxAge}`;
  return `PrivateToken challenge="${encodePaddedBase64url(challenge)}", token-key="${encodePaddedBase64url(tokenKey)}"${age}`;
}

const PARAMETER = /^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*(?:"([^"\\]*)"|([A-Za-z0-9!#$%&'*+.^_`|~=/-]+))\s*(?:,|$)/u;

/** The parameters of one `PrivateToken` credential or challenge, or undefined when the scheme is another one. */
export function parsePrivateTokenParameters(value: string): Map<string, string> | undefined {
  const match = /^\s*PrivateToken(?:\s+|$)/iu.exec(value);
  if (!match) return undefined;
  const parameters = new Map<string, string>();
  let rest = value.slice(match[0].length);
  while (rest.trim() !== "") {
    const parameter = PARAMETER.exec(rest);
    if (!parameter) return parameters.size === 0 ? new Map() : parameters;
    const name = parameter[1]!.toLowerCase();
    if (!parameters.has(name)) parameters.set(name, parameter[2] ?? parameter[3]!);
    rest = rest.slice(parameter[0].length);
  }
  return parameters;
}

export type TokenAuthorization = { ok: true; token: Uint8Array } | { ok: false; reason: "missing" | "other_scheme" | "malformed" };

/** Reads `Authorization: PrivateToken token="…"`; unknown parameters are ignored, as RFC 9577 requires. */
export function readTokenAuthorization(header: string | null): TokenAuthorization {
  if (header === null || header.trim() === "") return { ok: false, reason: "missing" };
  const parameters = parsePrivateTokenParameters(header);
  if (!parameters) return { ok: false, reason: "other_scheme" };
  const token = parameters.get("token");
  if (!token) return { ok: false, reason: "malformed" };
  try {
    return { ok: true, token: decodePaddedBase64url(token) };
  } catch {
    return { ok: false, reason: "malformed" };
  }
}
