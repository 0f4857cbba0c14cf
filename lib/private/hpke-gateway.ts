import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, diffieHellman, randomBytes, type KeyObject } from "node:crypto";
import { OhttpError, type KeyConfig } from "@mimi-discovery/msp-kit";

/**
 * The gateway's half of Oblivious HTTP (RFC 9458 sections 4.3 and 4.4) on node:crypto: HPKE base mode (RFC 9180
 * section 5.1) with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and AES-128-GCM. The kit's @hpke/core version does the
 * same in browsers; this one opens a request in a fraction of its time, with identical bytes (both reproduce RFC 9458
 * Appendix A, lib/private/hpke-gateway.test.ts), which is what the gateway's throughput hangs on.
 */
const KEM_ID = 0x0020;
const KDF_ID = 0x0001;
const AEAD_ID = 0x0001;
const NK = 16;
const NN = 12;
const NH = 32;
const NENC = 32;
const TAG = 16;
const HEADER = 7;

export type NodeGatewayKey = { config: KeyConfig; privateKey: KeyObject; publicKey: Uint8Array };

const text = (value: string) => Buffer.from(value, "latin1");
const u16 = (value: number) => Buffer.from([value >> 8, value & 0xff]);
const KEM_SUITE = Buffer.concat([text("KEM"), u16(KEM_ID)]);
const HPKE_SUITE = Buffer.concat([text("HPKE"), u16(KEM_ID), u16(KDF_ID), u16(AEAD_ID)]);
const HPKE_V1 = text("HPKE-v1");

function extract(salt: Uint8Array, ikm: Uint8Array): Buffer {
  return createHmac("sha256", salt).update(ikm).digest();
}

function expand(prk: Uint8Array, info: Uint8Array, length: number): Buffer {
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  for (let counter = 1; blocks.length * NH < length; counter += 1) {
    previous = createHmac("sha256", prk).update(previous).update(info).update(Buffer.from([counter])).digest();
    blocks.push(previous);
  }
  return Buffer.concat(blocks).subarray(0, length);
}

const labeledExtract = (suite: Buffer, salt: Uint8Array, label: string, ikm: Uint8Array) => extract(salt, Buffer.concat([HPKE_V1, suite, text(label), ikm]));
const labeledExpand = (suite: Buffer, prk: Uint8Array, label: string, info: Uint8Array, length: number) =>
  expand(prk, Buffer.concat([u16(length), HPKE_V1, suite, text(label), info]), length);

export function importNodeGatewayKey(config: KeyConfig, privateKey: Uint8Array): NodeGatewayKey {
  const d = Buffer.from(privateKey).toString("base64url");
  const x = Buffer.from(config.publicKey).toString("base64url");
  return { config, privateKey: createPrivateKey({ key: { kty: "OKP", crv: "X25519", d, x }, format: "jwk" }), publicKey: config.publicKey };
}

type Context = { key: Buffer; nonce: Buffer; exporter: Buffer };

/** Decap + KeySchedule for the base mode (RFC 9180 sections 4.1 and 5.1). */
function setupRecipient(key: NodeGatewayKey, enc: Uint8Array, info: Uint8Array): Context {
  const pkE = createPublicKey({ key: { kty: "OKP", crv: "X25519", x: Buffer.from(enc).toString("base64url") }, format: "jwk" });
  const dh = diffieHellman({ privateKey: key.privateKey, publicKey: pkE });
  // An all-zero shared secret means a small-order point was sent (RFC 9180 section 7.1.4): refuse it.
  if (dh.every((byte) => byte === 0)) throw new OhttpError("decrypt_failed", "the request's key share is not a valid X25519 public key");
  const eaePrk = labeledExtract(KEM_SUITE, Buffer.alloc(0), "eae_prk", dh);
  const shared = labeledExpand(KEM_SUITE, eaePrk, "shared_secret", Buffer.concat([enc, key.publicKey]), 32);
  const context = Buffer.concat([
    Buffer.from([0]),
    labeledExtract(HPKE_SUITE, Buffer.alloc(0), "psk_id_hash", Buffer.alloc(0)),
    labeledExtract(HPKE_SUITE, Buffer.alloc(0), "info_hash", info),
  ]);
  const secret = labeledExtract(HPKE_SUITE, shared, "secret", Buffer.alloc(0));
  return {
    key: labeledExpand(HPKE_SUITE, secret, "key", context, NK),
    nonce: labeledExpand(HPKE_SUITE, secret, "base_nonce", context, NN),
    exporter: labeledExpand(HPKE_SUITE, secret, "exp", context, NH),
  };
}

function open(key: Buffer, nonce: Buffer, sealed: Uint8Array): Buffer {
  const decipher = createDecipheriv("aes-128-gcm", key, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG)), decipher.final()]);
}

function seal(key: Buffer, nonce: Buffer, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv("aes-128-gcm", key, nonce);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

export type OpenedRequest = {
  message: Uint8Array;
  enc: Uint8Array;
  keyId: number;
  sealResponse: (message: Uint8Array, seams?: { responseNonce?: Uint8Array }) => Uint8Array;
};

/** Opens an encapsulated request; refusals are the kit's OhttpError codes, as its own gateway gives them. */
export function openRequest(body: Uint8Array, key: NodeGatewayKey | undefined): OpenedRequest {
  if (body.length < HEADER) throw new OhttpError("malformed", "the encapsulated request is shorter than its header");
  const header = Buffer.from(body.subarray(0, HEADER));
  const keyId = header[0]!;
  if (!key || key.config.keyId !== keyId) throw new OhttpError("unknown_key", `the key id ${keyId} is not one of this gateway's keys`);
  const [kemId, kdfId, aeadId] = [header.readUInt16BE(1), header.readUInt16BE(3), header.readUInt16BE(5)];
  const offered = kemId === key.config.kemId && key.config.algorithms.some((algorithm) => algorithm.kdfId === kdfId && algorithm.aeadId === aeadId);
  if (!offered || kemId !== KEM_ID || kdfId !== KDF_ID || aeadId !== AEAD_ID) throw new OhttpError("unsupported_suite", "the request uses an HPKE suite this key is not offered with");
  if (body.length < HEADER + NENC + TAG) throw new OhttpError("malformed", "the encapsulated request ends before its ciphertext");
  const enc = body.slice(HEADER, HEADER + NENC);
  const info = Buffer.concat([text("message/bhttp request"), Buffer.from([0]), header]);
  let context: Context;
  let message: Buffer;
  try {
    context = setupRecipient(key, enc, info);
    message = open(context.key, context.nonce, body.subarray(HEADER + NENC));
  } catch {
    throw new OhttpError("decrypt_failed", "the encapsulated request does not decrypt under this key: it was altered, or made for another key");
  }
  return {
    message,
    enc,
    keyId,
    sealResponse(response, seams = {}) {
      const responseNonce = seams.responseNonce ?? randomBytes(Math.max(NK, NN));
      const secret = labeledExpand(HPKE_SUITE, context.exporter, "sec", text("message/bhttp response"), Math.max(NK, NN));
      const prk = extract(Buffer.concat([enc, responseNonce]), secret);
      return Buffer.concat([responseNonce, seal(expand(prk, text("key"), NK), expand(prk, text("nonce"), NN), response)]);
    },
  };
}
