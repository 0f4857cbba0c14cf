import { bigIntToBytes, bytesToBigInt } from "./bigint.ts";

/**
 * The token key of type 0x0002 (RFC 9578 section 6.5): a DER SubjectPublicKeyInfo with the id-RSASSA-PSS algorithm
 * and parameters SHA-384, MGF1 with SHA-384, salt length 48, carrying an RSAPublicKey. Its SHA-256 is the
 * token_key_id, so these bytes must be exactly what the issuer publishes; this module writes and reads that one form.
 */
export type RsaPublicKey = { n: bigint; e: bigint; modulusLength: number };

// SEQUENCE { OID id-RSASSA-PSS, RSASSA-PSS-params { [0] sha384, [1] mgf1(sha384), [2] 48 } }, as RFC 9578 prints it.
const PSS_ALGORITHM = hexBytes("303d06092a864886f70d01010a3030a00d300b0609608648016503040202a11a301806092a864886f70d010108300b0609608648016503040202a203020130");

function hexBytes(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../gu)!.map((byte) => Number.parseInt(byte, 16)));
}

function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function der(tag: number, content: Uint8Array): Uint8Array {
  return Uint8Array.of(tag, ...derLength(content.length), ...content);
}

function derInteger(value: bigint): Uint8Array {
  let bytes = bigIntToBytes(value, Math.max(1, Math.ceil(value.toString(16).length / 2)));
  if (bytes[0]! & 0x80) bytes = Uint8Array.of(0, ...bytes);
  return der(0x02, bytes);
}

export function encodeRsaPssSpki({ n, e }: Pick<RsaPublicKey, "n" | "e">): Uint8Array {
  const rsaPublicKey = der(0x30, Uint8Array.of(...derInteger(n), ...derInteger(e)));
  return der(0x30, Uint8Array.of(...PSS_ALGORITHM, ...der(0x03, Uint8Array.of(0, ...rsaPublicKey))));
}

class DerReader {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}

  read(tag: number): Uint8Array {
    if (this.bytes[this.offset] !== tag) throw new SpkiError(`expected DER tag 0x${tag.toString(16)}`);
    let length = this.bytes[this.offset + 1];
    if (length === undefined) throw new SpkiError("the key ends inside a DER header");
    let start = this.offset + 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 3) throw new SpkiError("unsupported DER length");
      length = 0;
      for (let index = 0; index < count; index += 1) length = length * 256 + (this.bytes[start + index] ?? Number.NaN);
      start += count;
    }
    if (!Number.isFinite(length) || start + length > this.bytes.length) throw new SpkiError("the key ends inside a DER value");
    this.offset = start + length;
    return this.bytes.subarray(start, start + length);
  }

  end(): void {
    if (this.offset !== this.bytes.length) throw new SpkiError("bytes follow the DER value");
  }
}

export class SpkiError extends Error {
  override readonly name = "SpkiError";
}

/** Reads a type 0x0002 token key, refusing any other algorithm or parameters (a different salt length, say). */
export function decodeRsaPssSpki(spki: Uint8Array): RsaPublicKey {
  const outer = new DerReader(spki);
  const body = new DerReader(outer.read(0x30));
  outer.end();
  const algorithmStart = body.offset;
  body.read(0x30);
  const algorithm = body.bytes.subarray(algorithmStart, body.offset);
  if (algorithm.length !== PSS_ALGORITHM.length || !algorithm.every((byte, index) => byte === PSS_ALGORITHM[index])) {
    throw new SpkiError("the key is not an RSASSA-PSS key with SHA-384, MGF1-SHA-384 and a 48-byte salt");
  }
  const bits = body.read(0x03);
  body.end();
  if (bits[0] !== 0) throw new SpkiError("the public key bit string has unused bits");
  const keyReader = new DerReader(bits.subarray(1));
  const key = new DerReader(keyReader.read(0x30));
  keyReader.end();
  const nBytes = key.read(0x02);
  const eBytes = key.read(0x02);
  key.end();
  const n = bytesToBigInt(nBytes);
  const e = bytesToBigInt(eBytes);
  const modulusLength = Math.ceil(n.toString(2).length / 8);
  if (n.toString(2).length !== 2048) throw new SpkiError("token type 0x0002 keys are 2048-bit RSA keys");
  if (e < 3n || e % 2n === 0n) throw new SpkiError("the public exponent is not a valid RSA exponent");
  return { n, e, modulusLength };
}
