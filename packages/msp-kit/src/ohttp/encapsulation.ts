import type { CipherSuite, EncryptionContext } from "@hpke/core";
import { concatBytes, utf8 } from "../verifier/bytes.ts";
import { hkdfExpand, hkdfExtract } from "./hkdf.ts";
import type { KeyConfig } from "./key-config.ts";
import { OhttpError } from "./ohttp-error.ts";
import { cipherSuite, isSupported, KEM_KEY_LENGTH, type SymmetricAlgorithm } from "./suites.ts";

/**
 * Oblivious HTTP request and response encapsulation (RFC 9458 sections 4.3 and 4.4) on HPKE (RFC 9180, through
 * @hpke/core: WebCrypto, so the same code runs in Node and in browsers). Both roles are here: the client
 * encapsulates a request and opens the response; the gateway opens the request and encapsulates the response.
 */
export const OHTTP_REQUEST_MEDIA_TYPE = "message/ohttp-req";
export const OHTTP_RESPONSE_MEDIA_TYPE = "message/ohttp-res";
const REQUEST_LABEL = "message/bhttp request";
const RESPONSE_LABEL = "message/bhttp response";
const HEADER_LENGTH = 7;

type Header = { keyId: number; kemId: number } & SymmetricAlgorithm;

function encodeHeader({ keyId, kemId, kdfId, aeadId }: Header): Uint8Array {
  const header = new Uint8Array(HEADER_LENGTH);
  const view = new DataView(header.buffer);
  header[0] = keyId;
  view.setUint16(1, kemId);
  view.setUint16(3, kdfId);
  view.setUint16(5, aeadId);
  return header;
}

/** info = "message/bhttp request" || 0x00 || header (section 4.3). */
export function requestInfo(header: Header): Uint8Array {
  return concatBytes(utf8(REQUEST_LABEL), new Uint8Array([0]), encodeHeader(header));
}

type AeadSizes = { keySize: number; nonceSize: number };

function aeadSizes(suite: CipherSuite): AeadSizes {
  return { keySize: suite.aead.keySize, nonceSize: suite.aead.nonceSize };
}

/** The response key and nonce (section 4.4): from the request context's exporter, `enc` and the response nonce. */
async function responseKeys(suite: CipherSuite, context: EncryptionContext, enc: Uint8Array, responseNonce: Uint8Array) {
  const { keySize, nonceSize } = aeadSizes(suite);
  const secret = await context.export(utf8(RESPONSE_LABEL), Math.max(keySize, nonceSize));
  const prk = await hkdfExtract(concatBytes(enc, responseNonce), new Uint8Array(secret));
  const key = await hkdfExpand(prk, utf8("key"), keySize);
  const nonce = await hkdfExpand(prk, utf8("nonce"), nonceSize);
  return { key, nonce };
}

export type EncapsulatedRequest = {
  /** The `message/ohttp-req` body. */
  request: Uint8Array;
  /** Opens the gateway's `message/ohttp-res` body: the Binary HTTP response. */
  openResponse: (response: Uint8Array) => Promise<Uint8Array>;
};

/** Test seams: a fixed ephemeral key pair and response nonce reproduce RFC 9458 Appendix A. */
export type EncapsulationSeams = { ephemeral?: CryptoKeyPair; responseNonce?: Uint8Array };

export async function encapsulateRequest(config: KeyConfig, message: Uint8Array, seams: EncapsulationSeams = {}): Promise<EncapsulatedRequest> {
  const algorithm = config.algorithms.find((candidate) => isSupported(config.kemId, candidate));
  if (!algorithm) throw new OhttpError("unsupported_suite", "the gateway's key configuration offers no HPKE suite this client supports");
  const suite = cipherSuite(config.kemId, algorithm);
  const header = { keyId: config.keyId, kemId: config.kemId, ...algorithm };
  const recipientPublicKey = await suite.kem.deserializePublicKey(config.publicKey);
  const sender = await suite.createSenderContext({ recipientPublicKey, info: requestInfo(header), ...(seams.ephemeral && { ekm: seams.ephemeral }) });
  const enc = new Uint8Array(sender.enc);
  const ciphertext = new Uint8Array(await sender.seal(message));
  const { nonceSize, keySize } = aeadSizes(suite);
  const nonceLength = Math.max(keySize, nonceSize);
  return {
    request: concatBytes(encodeHeader(header), enc, ciphertext),
    async openResponse(response) {
      if (response.length < nonceLength + suite.aead.tagSize) throw new OhttpError("malformed", "the encapsulated response is shorter than its nonce and tag");
      const responseNonce = response.subarray(0, nonceLength);
      const { key, nonce } = await responseKeys(suite, sender, enc, responseNonce);
      try {
        return new Uint8Array(await suite.aead.createEncryptionContext(key).open(nonce, response.subarray(nonceLength), new Uint8Array(0)));
      } catch {
        throw new OhttpError("decrypt_failed", "the encapsulated response does not decrypt: it was not made for this request");
      }
    },
  };
}

/** A gateway's private key for one key id, as @hpke/core holds it. */
export type GatewayKey = { config: KeyConfig; privateKey: CryptoKey };

export type DecapsulatedRequest = {
  /** The Binary HTTP request. */
  message: Uint8Array;
  /** The request's `enc`: unique per request, so a replay shows as the same value (RFC 9458 section 6.5). */
  enc: Uint8Array;
  keyId: number;
  /** Encapsulates the Binary HTTP response to this request. */
  sealResponse: (message: Uint8Array, seams?: EncapsulationSeams) => Promise<Uint8Array>;
};

/**
 * Opens an encapsulated request with the gateway's key for its key id. `findKey` returns undefined for a key id the
 * gateway does not (or no longer) hold: an `unknown_key` error, which tells the client to fetch the keys again.
 */
export async function decapsulateRequest(body: Uint8Array, findKey: (keyId: number) => GatewayKey | undefined): Promise<DecapsulatedRequest> {
  if (body.length < HEADER_LENGTH) throw new OhttpError("malformed", "the encapsulated request is shorter than its header");
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const header = { keyId: body[0]!, kemId: view.getUint16(1), kdfId: view.getUint16(3), aeadId: view.getUint16(5) };
  const key = findKey(header.keyId);
  if (!key) throw new OhttpError("unknown_key", `the key id ${header.keyId} is not one of this gateway's keys`);
  const offered = key.config.kemId === header.kemId && key.config.algorithms.some((a) => a.kdfId === header.kdfId && a.aeadId === header.aeadId);
  if (!offered || !isSupported(header.kemId, header)) throw new OhttpError("unsupported_suite", "the request uses an HPKE suite this key is not offered with");
  const encLength = KEM_KEY_LENGTH[header.kemId]!;
  const suite = cipherSuite(header.kemId, header);
  if (body.length < HEADER_LENGTH + encLength + suite.aead.tagSize) throw new OhttpError("malformed", "the encapsulated request ends before its ciphertext");
  const enc = body.slice(HEADER_LENGTH, HEADER_LENGTH + encLength);
  let recipient: EncryptionContext;
  let message: Uint8Array;
  try {
    recipient = await suite.createRecipientContext({ recipientKey: key.privateKey, enc, info: requestInfo(header) });
    message = new Uint8Array(await recipient.open(body.subarray(HEADER_LENGTH + encLength)));
  } catch {
    throw new OhttpError("decrypt_failed", "the encapsulated request does not decrypt under this key: it was altered, or made for another key");
  }
  const { keySize, nonceSize } = aeadSizes(suite);
  return {
    message,
    enc,
    keyId: header.keyId,
    async sealResponse(response, seams = {}) {
      const responseNonce = seams.responseNonce ?? globalThis.crypto.getRandomValues(new Uint8Array(Math.max(keySize, nonceSize)));
      const { key: aeadKey, nonce } = await responseKeys(suite, recipient, enc, responseNonce);
      const ciphertext = new Uint8Array(await suite.aead.createEncryptionContext(aeadKey).seal(nonce, response, new Uint8Array(0)));
      return concatBytes(responseNonce, ciphertext);
    },
  };
}

/** Imports a gateway's raw X25519 private key for `config`. */
export async function importGatewayKey(config: KeyConfig, privateKey: Uint8Array): Promise<GatewayKey> {
  const algorithm = config.algorithms.find((candidate) => isSupported(config.kemId, candidate));
  if (!algorithm) throw new OhttpError("unsupported_suite", "the key configuration offers no HPKE suite this gateway supports");
  return { config, privateKey: await cipherSuite(config.kemId, algorithm).kem.deserializePrivateKey(privateKey) };
}
