import { constants, privateDecrypt, publicEncrypt } from "node:crypto";
import { DomainError } from "@/lib/errors/domain-error";
import { decodeGenericBatchTokenRequest, decodeTokenRequest, BLIND_RSA_NK } from "@mimi-discovery/msp-kit";
import type { IssuerKey } from "./issuer-keys";

/**
 * The issuer's BlindSign (RFC 9474 section 4.3) for a TokenRequest (RFC 9578 section 6.2): s = m^d mod n by
 * node:crypto's raw RSA (about 1,400 a second here, where a pure-JavaScript signer did 3), then the check the RFC
 * requires, m = s^e mod n, so that a fault during signing can never hand out a value that leaks the key.
 */
export class TokenRequestError extends DomainError<"invalid_token_request"> {
  constructor(message: string) {
    super("invalid_token_request", "invalid", message);
  }
}

export type CheckedTokenRequest = { blindedMessage: Uint8Array; key: IssuerKey };

/**
 * Validates a TokenRequest before anything is charged: RFC 9578 section 6.2 says each failure here is a 422.
 * `findKey` gives the issuing key with the request's truncated key id, if one issues now.
 */
export async function checkTokenRequest(body: Uint8Array, findKey: (truncatedKeyId: number) => Promise<IssuerKey | undefined>): Promise<CheckedTokenRequest> {
  let request;
  try {
    request = decodeTokenRequest(body);
  } catch (error) {
    const reason = (error as Error).message;
    throw new TokenRequestError(`${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`);
  }
  const key = await findKey(request.truncatedKeyId);
  if (!key) {
    throw new TokenRequestError("The token request names a key that does not issue now. Fetch /.well-known/private-token-issuer-directory again.");
  }
  const m = BigInt(`0x${Buffer.from(request.blindedMessage).toString("hex")}`);
  if (m === 0n || m >= key.modulus) throw new TokenRequestError("The blinded message is not a number between 1 and the key's modulus.");
  return { blindedMessage: request.blindedMessage, key };
}

export function blindSign({ blindedMessage, key }: CheckedTokenRequest): Uint8Array {
  const signature = privateDecrypt({ key: key.privateKey, padding: constants.RSA_NO_PADDING }, blindedMessage);
  const check = publicEncrypt({ key: key.publicKey, padding: constants.RSA_NO_PADDING }, signature);
  if (signature.length !== BLIND_RSA_NK || !check.equals(Buffer.from(blindedMessage))) throw new Error("blind signature failed its own check");
  return signature;
}

/**
 * The TokenRequests of a generic batch, each checked like a single one: slots whose key does not issue now are
 * undefined (the issuer leaves them empty, draft-ietf-privacypass-batched-tokens section 6.2); a batch that cannot be
 * read, or holds another token type, is refused whole.
 */
export async function checkTokenBatch(body: Uint8Array, findKey: (truncatedKeyId: number) => Promise<IssuerKey | undefined>): Promise<(CheckedTokenRequest | undefined)[]> {
  let requests: Uint8Array[];
  try {
    requests = decodeGenericBatchTokenRequest(body);
  } catch (error) {
    const reason = (error as Error).message;
    throw new TokenRequestError(`${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`);
  }
  if (requests.length === 0) throw new TokenRequestError("The batch holds no token request.");
  return Promise.all(
    requests.map(async (request) => {
      try {
        return await checkTokenRequest(request, findKey);
      } catch (error) {
        if (error instanceof TokenRequestError) return undefined;
        throw error;
      }
    }),
  );
}

