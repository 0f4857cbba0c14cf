/**
 * WebAuthn ES256 signatures are ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }`; WebCrypto verifies only the
 * IEEE P1363 form, r and s as 32-byte big-endian halves. DER integers are minimal and signed, so r or s can be
 * 33 bytes (a 0x00 in front of a high bit) or fewer than 32 (leading zero bytes dropped): both must be restored.
 */
const P256_SCALAR_BYTES = 32;

export function derToP1363(der: Uint8Array): Uint8Array<ArrayBuffer> {
  const reader = { bytes: der, offset: 0 };
  expectByte(reader, 0x30, "a DER SEQUENCE");
  const sequenceLength = readLength(reader);
  if (reader.offset + sequenceLength !== der.length) throw new Error("the DER SEQUENCE length does not match the signature's size");
  const r = readInteger(reader, "r");
  const s = readInteger(reader, "s");
  if (reader.offset !== der.length) throw new Error("bytes follow s inside the DER SEQUENCE");
  const p1363 = new Uint8Array(2 * P256_SCALAR_BYTES);
  p1363.set(r, P256_SCALAR_BYTES - r.length);
  p1363.set(s, 2 * P256_SCALAR_BYTES - s.length);
  return p1363;
}

type Reader = { bytes: Uint8Array; offset: number };

function expectByte(reader: Reader, expected: number, what: string): void {
  if (reader.bytes[reader.offset] !== expected) throw new Error(`expected ${what}`);
  reader.offset++;
}

// A P-256 signature is at most 72 bytes, so only DER's short length form (below 128) can occur.
function readLength(reader: Reader): number {
  const length = reader.bytes[reader.offset++];
  if (length === undefined || length >= 0x80) throw new Error("a DER length is missing or too long for a P-256 signature");
  return length;
}

function readInteger(reader: Reader, name: string): Uint8Array {
  expectByte(reader, 0x02, `a DER INTEGER for ${name}`);
  const length = readLength(reader);
  if (length === 0 || reader.offset + length > reader.bytes.length) throw new Error(`${name} has an impossible length`);
  let value = reader.bytes.subarray(reader.offset, reader.offset + length);
  reader.offset += length;
  if ((value[0]! & 0x80) !== 0) throw new Error(`${name} is negative`);
  // The 0x00 that keeps a high bit positive is not part of the number.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, stripping a lone 0x00 leaves zero, which the padding restores.
  while (value.length > 1 && value[0] === 0) value = value.subarray(1);
  if (value.length > P256_SCALAR_BYTES) throw new Error(`${name} is longer than a P-256 scalar`);
  return value;
}
