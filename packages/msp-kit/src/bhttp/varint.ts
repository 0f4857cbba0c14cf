/**
 * QUIC variable-length integers (RFC 9000 section 16), the length and number encoding of Binary HTTP (RFC 9292
 * section 3): the two high bits of the first byte say whether the number takes 1, 2, 4 or 8 bytes.
 */
export const MAX_VARINT = 2 ** 53 - 1; // 62 bits fit the wire; JavaScript numbers stay exact up to 2^53 - 1.

export function varintLength(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a varint: ${value}`);
  if (value < 0x40) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x40000000) return 4;
  return 8;
}

/** Writes `value` in its shortest form at `offset`, and returns the offset after it. */
export function writeVarint(target: Uint8Array, offset: number, value: number): number {
  const length = varintLength(value);
  if (length === 1) {
    target[offset] = value;
  } else if (length === 2) {
    target[offset] = 0x40 | (value >>> 8);
    target[offset + 1] = value & 0xff;
  } else if (length === 4) {
    new DataView(target.buffer, target.byteOffset).setUint32(offset, value, false);
    target[offset] = target[offset]! | 0x80;
  } else {
    const view = new DataView(target.buffer, target.byteOffset);
    view.setUint32(offset, Math.floor(value / 2 ** 32), false);
    view.setUint32(offset + 4, value >>> 0, false);
    target[offset] = target[offset]! | 0xc0;
  }
  return offset + length;
}

/** Reads a varint at `offset`: its value and the offset after it, or undefined when the bytes end inside it. */
export function readVarint(source: Uint8Array, offset: number): { value: number; next: number } | undefined {
  if (offset >= source.length) return undefined;
  const first = source[offset]!;
  const length = 1 << (first >> 6);
  if (offset + length > source.length) return undefined;
  let value = first & 0x3f;
  for (let index = 1; index < length; index += 1) value = value * 256 + source[offset + index]!;
  if (value > MAX_VARINT) throw new BhttpError("a length or number is larger than this decoder can hold");
  return { value, next: offset + length };
}

/** A Binary HTTP message that cannot be read: malformed, truncated inside a section, or over a limit. */
export class BhttpError extends Error {
  override readonly name = "BhttpError";
}
