import { isRecord } from "./read-proof.ts";
import type { CheckResult } from "./types.ts";

/**
 * Protocol 2.1 check 2: the browser's own record of what the passkey signed. The challenge ties the signature to
 * this exact document; the origin shows the signing happened on the DP's site, not on a look-alike.
 */
export function checkClientData(options: {
  clientDataJson: Uint8Array | undefined;
  expectedChallenge: string | undefined;
  expectedOrigin: string;
}): CheckResult {
  const { clientDataJson, expectedChallenge, expectedOrigin } = options;
  if (clientDataJson === undefined) return fail("The assertion carries no client_data_json in base64url.");
  let clientData: unknown;
  try {
    clientData = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(clientDataJson));
  } catch {
    return fail("The assertion's client_data_json is not UTF-8 JSON.");
  }
  if (!isRecord(clientData)) return fail("The assertion's client_data_json is not a JSON object.");
  const problems: string[] = [];
  if (clientData.type !== "webauthn.get") problems.push(`its type is ${quote(clientData.type)}, not "webauthn.get"`);
  if (expectedChallenge === undefined) {
    problems.push("the document cannot be canonicalized, so no challenge can be expected for it");
  } else if (clientData.challenge !== expectedChallenge) {
    problems.push(`its challenge ${quote(clientData.challenge)} is not the hash of this document (${expectedChallenge}), so the passkey signed something else`);
  }
  if (clientData.origin !== expectedOrigin) problems.push(`it was made on ${quote(clientData.origin)}, not on the DP's origin "${expectedOrigin}"`);
  if (problems.length > 0) return fail(`The client data does not match: ${problems.join("; ")}.`);
  return {
    id: "client_data",
    ok: true,
    detail: `The client data shows a passkey assertion (webauthn.get) on ${expectedOrigin} whose challenge is this document's hash.`,
  };
}

function quote(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}

function fail(detail: string): CheckResult {
  return { id: "client_data", ok: false, detail };
}
