/** Big-integer helpers for RSA on plain BigInt (RFC 8017 section 4): no dependency, the same in Node and browsers. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** I2OSP: exactly `length` bytes, big-endian; a value that does not fit is an error. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array<ArrayBuffer> {
  if (value < 0n) throw new RangeError("I2OSP of a negative integer");
  const out = new Uint8Array(length);
  let rest = value;
  for (let index = length - 1; index >= 0; index -= 1) {
    out[index] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  if (rest !== 0n) throw new RangeError("integer too large for the requested length");
  return out;
}

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let square = base % modulus;
  for (let rest = exponent; rest > 0n; rest >>= 1n) {
    if (rest & 1n) result = (result * square) % modulus;
    square = (square * square) % modulus;
  }
  return result;
}

export function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [a, b];
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function modInverse(value: bigint, modulus: bigint): bigint {
  let [oldR, r] = [((value % modulus) + modulus) % modulus, modulus];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  if (oldR !== 1n) throw new RangeError("no inverse: the value shares a factor with the modulus");
  return ((oldS % modulus) + modulus) % modulus;
}

/** A uniformly random integer in [1, n), by rejection: the CSPRNG's bytes masked to n's bit length. */
export function randomBelow(n: bigint, length: number): bigint {
  const topBits = n.toString(2).length - (length - 1) * 8;
  for (;;) {
    const bytes = globalThis.crypto.getRandomValues(new Uint8Array(length));
    bytes[0] = bytes[0]! & ((1 << topBits) - 1);
    const candidate = bytesToBigInt(bytes);
    if (candidate >= 1n && candidate < n) return candidate;
  }
}
