import { decodeBase64url } from "../encoding/base64url.ts";
import { checkAuthenticatorData } from "./check-authenticator-data.ts";
import { checkBinding } from "./check-binding.ts";
import { checkClientData } from "./check-client-data.ts";
import { checkDocument } from "./check-document.ts";
import { checkExpiry } from "./check-expiry.ts";
import { checkReplay } from "./check-replay.ts";
import { checkSignature } from "./check-signature.ts";
import { computeMappingChallenge } from "./mapping-challenge.ts";
import { readProof } from "./read-proof.ts";
import type { CheckId, CheckResult, Verification, VerifyOptions } from "./types.ts";

/**
 * Protocol section 2.1: a mapping is accepted only when every check passes. Every check runs even after one
 * fails, so that a person reading the result learns everything that is wrong at once.
 */
export async function verifyMapping(mapping: { document: unknown; proof: unknown }, options: VerifyOptions): Promise<Verification> {
  const now = options.now ?? new Date();
  const { document } = mapping;
  const proof = readProof(mapping.proof);
  const authenticatorData = decodeOptional(proof.authenticatorData);
  const clientDataJson = decodeOptional(proof.clientDataJson);
  const signature = decodeOptional(proof.signature);

  const documentCheck = guard("document", () => checkDocument(document).result);
  const binding = await checkBinding({ binding: proof.binding, document, verify: options, now }).catch((error: unknown) => ({
    result: unexpected("binding", error),
    claims: undefined,
  }));
  const clientData = await guardAsync("client_data", async () =>
    checkClientData({ clientDataJson, expectedChallenge: await challengeOf(document), expectedOrigin: originOf(options.issuer) }),
  );
  const authenticator = await guardAsync("authenticator_data", () => checkAuthenticatorData({ authenticatorData, rpId: options.rpId }));
  // Stryker disable next-line StringLiteral: checkSignature catches its own errors, so no input makes this guard speak; its id is not observable.
  const signatureCheck = await guardAsync("signature", () =>
    checkSignature({ bindingClaims: binding.claims, authenticatorData, clientDataJson, signature }),
  );
  const expiry = guard("expiry", () => checkExpiry({ document, now }));
  const replay = guard("replay", () => checkReplay({ document, lastSeenSeq: options.lastSeenSeq }));

  const checks = [documentCheck, binding.result, clientData, authenticator, signatureCheck, expiry, replay];
  return { ok: checks.every((check) => check.ok), checks };
}

// Stryker disable BlockStatement: equivalent, an emptied catch in the two readers below returns undefined as well.
function decodeOptional(text: string | undefined): Uint8Array<ArrayBuffer> | undefined {
  // Stryker disable next-line ConditionalExpression: equivalent, decoding undefined throws and the catch gives undefined.
  if (text === undefined) return undefined;
  try {
    return decodeBase64url(text);
  } catch {
    return undefined;
  }
}

async function challengeOf(document: unknown): Promise<string | undefined> {
  try {
    return await computeMappingChallenge(document);
  } catch {
    return undefined;
  }
}

// Stryker restore BlockStatement

// The issuer is an origin by the metadata's definition; reading it through URL forgives a trailing slash.
function originOf(issuer: string): string {
  try {
    return new URL(issuer).origin;
  } catch {
    return issuer;
  }
}

// A hostile mapping must produce a failed check, never an exception that hides the other checks.
function guard(id: CheckId, check: () => CheckResult): CheckResult {
  try {
    return check();
  } catch (error) {
    return unexpected(id, error);
  }
}

async function guardAsync(id: CheckId, check: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await check();
  } catch (error) {
    return unexpected(id, error);
  }
}

function unexpected(id: CheckId, error: unknown): CheckResult {
  return { id, ok: false, detail: `The ${id.replace("_", " ")} check could not run: ${error instanceof Error ? error.message : String(error)}.` };
}
