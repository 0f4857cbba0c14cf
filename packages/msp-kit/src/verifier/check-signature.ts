import { concatBytes, sha256 } from "./bytes.ts";
import { derToP1363 } from "./der-signature.ts";
import { isRecord } from "./read-proof.ts";
import type { CheckResult } from "./types.ts";

/**
 * Protocol 2.1 check 4: the passkey the binding names really made this assertion. WebAuthn signs
 * authenticatorData || SHA-256(clientDataJSON), not the client data itself.
 */
export async function checkSignature(options: {
  bindingClaims: Record<string, unknown> | undefined;
  authenticatorData: Uint8Array | undefined;
  clientDataJson: Uint8Array | undefined;
  signature: Uint8Array | undefined;
}): Promise<CheckResult> {
  const { bindingClaims, authenticatorData, clientDataJson, signature } = options;
  const jwk = isRecord(bindingClaims?.cnf) ? bindingClaims.cnf.jwk : undefined;
  if (!isRecord(jwk)) return fail("The signature cannot be checked: the binding names no passkey key (cnf.jwk) to check it with.");
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || typeof jwk.x !== "string" || typeof jwk.y !== "string") {
    return fail("The signature cannot be checked: the binding's cnf.jwk is not an EC P-256 public key.");
  }
  if (authenticatorData === undefined || clientDataJson === undefined) {
    return fail("The signature cannot be checked: the signed authenticator data or client data is missing or not base64url.");
  }
  if (signature === undefined) return fail("The assertion carries no signature in base64url.");
  let p1363: Uint8Array<ArrayBuffer>;
  try {
    p1363 = derToP1363(signature);
  } catch (error) {
    return fail(`The signature is not a DER-encoded ECDSA signature: ${(error as Error).message}.`);
  }
  let key: CryptoKey;
  try {
    key = await globalThis.crypto.subtle.importKey(
      "jwk",
      { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y },
      { name: "ECDSA", namedCurve: "P-256" },
      // Stryker disable next-line BooleanLiteral: equivalent, whether a public key can be exported changes nothing about verifying.
      false,
      ["verify"],
    );
  } catch {
    return fail("The signature cannot be checked: the binding's cnf.jwk is not a point on P-256.");
  }
  const signed = concatBytes(authenticatorData, await sha256(concatBytes(clientDataJson)));
  const valid = await globalThis.crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, p1363, signed);
  if (!valid) {
    return fail("The signature does not verify under the passkey key in the binding: another passkey made it, or the signed data was altered.");
  }
  return { id: "signature", ok: true, detail: "The passkey named in the binding signed this authenticator data and client data." };
}

function fail(detail: string): CheckResult {
  return { id: "signature", ok: false, detail };
}
