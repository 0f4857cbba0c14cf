import { bytesEqual, sha256, utf8 } from "./bytes.ts";
import type { CheckResult } from "./types.ts";

const USER_PRESENT = 0x01;
const USER_VERIFIED = 0x04;
// 32 bytes of rpIdHash, 1 of flags, 4 of signature counter (WebAuthn Level 3, 6.1).
const MIN_LENGTH = 37;

/**
 * Protocol 2.1 check 3: the passkey is scoped to the DP's rpID, and the recipient was present and verified (PIN or
 * biometrics), as the security rules require for signing mappings.
 */
export async function checkAuthenticatorData(options: { authenticatorData: Uint8Array | undefined; rpId: string }): Promise<CheckResult> {
  const { authenticatorData, rpId } = options;
  if (authenticatorData === undefined) return fail("The assertion carries no authenticator_data in base64url.");
  if (authenticatorData.length < MIN_LENGTH) return fail(`The authenticator data is ${authenticatorData.length} bytes, shorter than the ${MIN_LENGTH} every assertion has.`);
  const problems: string[] = [];
  if (!bytesEqual(authenticatorData.subarray(0, 32), await sha256(utf8(rpId)))) {
    problems.push(`it was made for another relying party than "${rpId}"`);
  }
  const flags = authenticatorData[32]!;
  if ((flags & USER_PRESENT) === 0) problems.push("the user was not present (flag UP is clear)");
  if ((flags & USER_VERIFIED) === 0) problems.push("the user was not verified (flag UV is clear)");
  if (problems.length > 0) return fail(`The authenticator data is not acceptable: ${problems.join("; ")}.`);
  return { id: "authenticator_data", ok: true, detail: `The authenticator data is for the relying party "${rpId}", with the user present and verified.` };
}

function fail(detail: string): CheckResult {
  return { id: "authenticator_data", ok: false, detail };
}
