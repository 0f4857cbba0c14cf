import { canonicalize } from "../jcs/canonicalize.ts";
import { encodeBase64url } from "../encoding/base64url.ts";
import { sha256, utf8 } from "./bytes.ts";

/**
 * The WebAuthn challenge that signs a mapping (protocol section 2.1): base64url(SHA-256(JCS(document))). The DP
 * puts it in the passkey request and every verifier recomputes it, so both must come from this one function.
 */
export async function computeMappingChallenge(document: unknown): Promise<string> {
  return encodeBase64url(await sha256(utf8(canonicalize(document))));
}
