import { BhttpError, readVarint, varintLength, writeVarint } from "./varint.ts";

/** Header or trailer fields in order, names in lowercase (RFC 9292 section 3.6), values as the text they carry. */
export type Fields = [name: string, value: string][];

export type BhttpLimits = {
  /** The most bytes one field section may take. */
  maxSectionBytes: number;
  /** The most fields one section may hold. */
  maxFields: number;
  /** The most bytes of content. */
  maxContentBytes: number;
};

export const DEFAULT_BHTTP_LIMITS: BhttpLimits = { maxSectionBytes: 16 * 1024, maxFields: 64, maxContentBytes: 64 * 1024 };

const encoder = new TextEncoder();
// Fatal: a field or control value that is not UTF-8 is refused, never replaced with U+FFFD and read as something else.
const decoder = new TextDecoder("utf-8", { fatal: true });
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/u;
// Field values: visible ASCII, space, tab and obs-text; never CR, LF or NUL (RFC 9110 section 5.5).
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\uffff]*$/u;

/** A length-prefixed byte string: the form of every control datum, field name and value, and the content. */
export function encodedLength(bytes: Uint8Array): number {
  return varintLength(bytes.length) + bytes.length;
}

export function encodeFields(fields: Fields): Uint8Array {
  const lines = fields.map(([name, value]) => {
    const lower = name.toLowerCase();
    if (!TOKEN.test(lower)) throw new BhttpError(`a field name is not an HTTP token: ${JSON.stringify(name)}`);
    if (!FIELD_VALUE.test(value)) throw new BhttpError(`the value of ${lower} contains a control character`);
    return [encoder.encode(lower), encoder.encode(value)] as const;
  });
  const size = lines.reduce((total, [name, value]) => total + encodedLength(name) + encodedLength(value), 0);
  const out = new Uint8Array(varintLength(size) + size);
  let offset = writeVarint(out, 0, size);
  for (const [name, value] of lines) {
    offset = writeBytes(out, offset, name);
    offset = writeBytes(out, offset, value);
  }
  return out;
}

export function writeBytes(target: Uint8Array, offset: number, bytes: Uint8Array): number {
  const next = writeVarint(target, offset, bytes.length);
  target.set(bytes, next);
  return next + bytes.length;
}

/**
 * Reads one length-prefixed section or string at a cursor. At the very end of the message it reads as empty: RFC 9292
 * section 3.8 lets a sender truncate a message whose remaining sections are empty. Ending inside one is an error.
 */
export class Cursor {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}

  get atEnd(): boolean {
    return this.offset >= this.bytes.length;
  }

  varint(what: string): number {
    const read = readVarint(this.bytes, this.offset);
    if (!read) throw new BhttpError(`the message ends inside ${what}`);
    this.offset = read.next;
    return read.value;
  }

  /** A length-prefixed byte string of at most `max` bytes; at the end of the message, empty. */
  chunk(what: string, max: number): Uint8Array {
    if (this.atEnd) return new Uint8Array(0);
    const length = this.varint(what);
    if (length > max) throw new BhttpError(`${what} is longer than ${max} bytes`);
    if (this.offset + length > this.bytes.length) throw new BhttpError(`the message ends inside ${what}`);
    const chunk = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return chunk;
  }

  text(what: string, max: number): string {
    try {
      return decoder.decode(this.chunk(what, max));
    } catch (error) {
      if (error instanceof BhttpError) throw error;
      throw new BhttpError(`${what} is not UTF-8`);
    }
  }

  fields(what: string, limits: BhttpLimits): Fields {
    const section = new Cursor(this.chunk(what, limits.maxSectionBytes));
    const fields: Fields = [];
    while (!section.atEnd) {
      if (fields.length === limits.maxFields) throw new BhttpError(`${what} has more than ${limits.maxFields} fields`);
      const name = section.text(`a field name of ${what}`, limits.maxSectionBytes);
      if (section.atEnd) throw new BhttpError(`${what} ends inside the field ${JSON.stringify(name)}`);
      const value = section.text(`the value of ${name}`, limits.maxSectionBytes);
      if (!TOKEN.test(name)) throw new BhttpError(`${what} has a field name that is not a lowercase HTTP token`);
      if (!FIELD_VALUE.test(value)) throw new BhttpError(`the value of ${name} contains a control character`);
      fields.push([name, value]);
    }
    return fields;
  }

  /** After the message, only padding: zero bytes (RFC 9292 section 3.8). */
  padding(): void {
    for (let index = this.offset; index < this.bytes.length; index += 1) {
      if (this.bytes[index] !== 0) throw new BhttpError("the message is followed by bytes that are not zero padding");
    }
  }
}
