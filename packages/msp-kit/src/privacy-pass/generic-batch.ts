import { readVarint, varintLength, writeVarint } from "../bhttp/varint.ts";
import { concatBytes } from "../verifier/bytes.ts";
import { BLIND_RSA_NK, TOKEN_REQUEST_LENGTH, TOKEN_TYPE_BLIND_RSA } from "./token.ts";

/**
 * Generic batched issuance (draft-ietf-privacypass-batched-tokens, section 6), for token type 0x0002: many
 * TokenRequests in one round trip, each answered in its slot, or left empty when the issuer did not issue it. The
 * vectors' lengths are variable-length integers in their shortest form (the draft's section 3.2).
 */
export const GENERIC_BATCH_REQUEST_MEDIA_TYPE = "application/private-token-generic-batch-request";
export const GENERIC_BATCH_RESPONSE_MEDIA_TYPE = "application/private-token-generic-batch-response";

function vector(content: Uint8Array): Uint8Array {
  const out = new Uint8Array(varintLength(content.length) + content.length);
  out.set(content, writeVarint(out, 0, content.length));
  return out;
}

/** The vector's content: its length is the shortest varint and says exactly how many bytes follow. */
function readVector(bytes: Uint8Array, what: string): Uint8Array {
  const read = readVarint(bytes, 0);
  if (!read) throw new RangeError(`the ${what} is empty`);
  if (read.next !== varintLength(read.value)) throw new RangeError(`the ${what}'s length is not in its shortest form`);
  if (read.next + read.value !== bytes.length) throw new RangeError(`the ${what}'s length says ${read.value} bytes, but ${bytes.length - read.next} follow`);
  return bytes.subarray(read.next);
}

export function encodeGenericBatchTokenRequest(requests: Uint8Array[]): Uint8Array {
  return vector(concatBytes(...requests));
}

/** The TokenRequests of a batch, each as its own bytes; a batch holding another token type is refused whole. */
export function decodeGenericBatchTokenRequest(bytes: Uint8Array): Uint8Array[] {
  const content = readVector(bytes, "batch of token requests");
  const requests: Uint8Array[] = [];
  for (let offset = 0; offset < content.length; offset += TOKEN_REQUEST_LENGTH) {
    if (offset + 2 > content.length) throw new RangeError(`token request ${requests.length + 1} of the batch ends inside its type`);
    const type = (content[offset]! << 8) | content[offset + 1]!;
    if (type !== TOKEN_TYPE_BLIND_RSA) throw new RangeError(`token request ${requests.length + 1} of the batch is of token type 0x${type.toString(16).padStart(4, "0")}, which is not issued here; only 0x0002`);
    if (offset + TOKEN_REQUEST_LENGTH > content.length) throw new RangeError(`token request ${requests.length + 1} of the batch is shorter than ${TOKEN_REQUEST_LENGTH} bytes`);
    requests.push(content.subarray(offset, offset + TOKEN_REQUEST_LENGTH));
  }
  return requests;
}

/** One slot per request, in order: the TokenResponse, or null where the issuer did not issue. */
export function encodeGenericBatchTokenResponse(responses: (Uint8Array | null)[]): Uint8Array {
  return vector(concatBytes(...responses.map((response) => (response ? concatBytes(Uint8Array.of(1, TOKEN_TYPE_BLIND_RSA >> 8, TOKEN_TYPE_BLIND_RSA & 0xff), response) : Uint8Array.of(0)))));
}

export function decodeGenericBatchTokenResponse(bytes: Uint8Array): (Uint8Array | null)[] {
  const content = readVector(bytes, "batch of token responses");
  const responses: (Uint8Array | null)[] = [];
  for (let offset = 0; offset < content.length; ) {
    const present = content[offset]!;
    if (present === 0) {
      responses.push(null);
      offset += 1;
      continue;
    }
    if (present !== 1) throw new RangeError(`token response ${responses.length + 1} of the batch has a presence octet of ${present}, neither 0 nor 1`);
    const type = ((content[offset + 1] ?? 0) << 8) | (content[offset + 2] ?? 0);
    if (type !== TOKEN_TYPE_BLIND_RSA) throw new RangeError(`token response ${responses.length + 1} of the batch is not of token type 0x0002`);
    if (offset + 3 + BLIND_RSA_NK > content.length) throw new RangeError(`token response ${responses.length + 1} of the batch is shorter than ${BLIND_RSA_NK} bytes`);
    responses.push(content.slice(offset + 3, offset + 3 + BLIND_RSA_NK));
    offset += 3 + BLIND_RSA_NK;
  }
  return responses;
}
