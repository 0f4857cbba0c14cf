import { Cursor, DEFAULT_BHTTP_LIMITS, encodedLength, encodeFields, writeBytes, type BhttpLimits, type Fields } from "./fields.ts";
import { BhttpError, varintLength, writeVarint } from "./varint.ts";

/**
 * Binary HTTP messages (RFC 9292), in the known-length form: what an Oblivious HTTP request and response carry.
 * Every section is written out (nothing truncated) and `padTo` appends zero padding up to a multiple of that many
 * bytes, so that a relay watching sizes cannot tell one identifier's request from another's. Decoding accepts
 * everything the RFC allows a sender to write: truncation (section 3.8), zero padding, informational responses, and
 * rejects what it does not, with a BhttpError that names the problem.
 */
export type BhttpRequest = {
  method: string;
  scheme: string;
  authority: string;
  /** The path and query, such as /api/v1/private/lookup?x=1. */
  path: string;
  headers: Fields;
  content: Uint8Array;
  trailers: Fields;
};

export type BhttpResponse = {
  /** 1xx responses before the final one, each with its fields. */
  informational: { status: number; headers: Fields }[];
  status: number;
  headers: Fields;
  content: Uint8Array;
  trailers: Fields;
};

const KNOWN_LENGTH_REQUEST = 0;
const KNOWN_LENGTH_RESPONSE = 1;
const INDETERMINATE_REQUEST = 2;
const INDETERMINATE_RESPONSE = 3;
const encoder = new TextEncoder();
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/u;
// Control data: visible ASCII only, so that a gateway can never be made to split or rewrite a request line.
const CONTROL = /^[\x21-\x7e]*$/u;

export function encodeRequest(request: Partial<BhttpRequest> & Pick<BhttpRequest, "method" | "path">, options: { padTo?: number } = {}): Uint8Array {
  if (!METHOD.test(request.method)) throw new BhttpError("the method is not an HTTP token");
  const control = [request.method, request.scheme ?? "https", request.authority ?? "", request.path].map((part) => {
    if (!CONTROL.test(part)) throw new BhttpError("the scheme, authority and path must be visible ASCII without spaces");
    return encoder.encode(part);
  });
  return assemble(KNOWN_LENGTH_REQUEST, control, request.headers ?? [], request.content ?? new Uint8Array(0), request.trailers ?? [], options.padTo);
}

export function encodeResponse(response: Partial<BhttpResponse> & Pick<BhttpResponse, "status">, options: { padTo?: number } = {}): Uint8Array {
  checkStatus(response.status, 200, 599, "final");
  const informational = (response.informational ?? []).map(({ status, headers }) => {
    checkStatus(status, 100, 199, "informational");
    const statusBytes = new Uint8Array(varintLength(status));
    writeVarint(statusBytes, 0, status);
    return [statusBytes, encodeFields(headers)];
  });
  const finalStatus = new Uint8Array(varintLength(response.status));
  writeVarint(finalStatus, 0, response.status);
  const prefix = [...informational.flat(), finalStatus];
  return assemble(KNOWN_LENGTH_RESPONSE, prefix, response.headers ?? [], response.content ?? new Uint8Array(0), response.trailers ?? [], options.padTo, true);
}

function assemble(
  framing: number,
  control: Uint8Array[],
  headers: Fields,
  content: Uint8Array,
  trailers: Fields,
  padTo: number | undefined,
  rawControl = false,
): Uint8Array {
  const parts = [encodeFields(headers), encodeFields(trailers)];
  const controlSize = control.reduce((total, part) => total + (rawControl ? part.length : encodedLength(part)), 0);
  const size = 1 + controlSize + parts[0]!.length + encodedLength(content) + parts[1]!.length;
  const padded = padTo && padTo > 1 ? Math.ceil(size / padTo) * padTo : size;
  const out = new Uint8Array(padded);
  let offset = writeVarint(out, 0, framing);
  for (const part of control) {
    if (rawControl) {
      out.set(part, offset);
      offset += part.length;
    } else {
      offset = writeBytes(out, offset, part);
    }
  }
  out.set(parts[0]!, offset);
  offset = writeBytes(out, offset + parts[0]!.length, content);
  out.set(parts[1]!, offset);
  return out;
}

function checkStatus(status: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(status) || status < min || status > max) throw new BhttpError(`a ${what} status must be ${min} to ${max}, not ${status}`);
}

function framingOf(cursor: Cursor, known: number, indeterminate: number, what: string): void {
  const framing = cursor.varint("the framing indicator");
  if (framing === indeterminate) throw new BhttpError(`indeterminate-length ${what}s are not accepted here; send the known-length form`);
  if (framing !== known) throw new BhttpError(`the framing indicator ${framing} is not a known-length ${what}`);
}

export function decodeRequest(bytes: Uint8Array, limits: BhttpLimits = DEFAULT_BHTTP_LIMITS): BhttpRequest {
  const cursor = new Cursor(bytes);
  framingOf(cursor, KNOWN_LENGTH_REQUEST, INDETERMINATE_REQUEST, "request");
  const control = (what: string) => {
    if (cursor.atEnd) throw new BhttpError(`the request ends before its ${what}`);
    const value = cursor.text(`the ${what}`, limits.maxSectionBytes);
    if (!CONTROL.test(value)) throw new BhttpError(`the ${what} must be visible ASCII without spaces`);
    return value;
  };
  const method = control("method");
  if (!METHOD.test(method)) throw new BhttpError("the method is not an HTTP token");
  const scheme = control("scheme");
  const authority = control("authority");
  const path = control("path");
  const headers = cursor.fields("the header section", limits);
  const content = cursor.chunk("the content", limits.maxContentBytes);
  const trailers = cursor.fields("the trailer section", limits);
  cursor.padding();
  return { method, scheme, authority, path, headers, content, trailers };
}

export function decodeResponse(bytes: Uint8Array, limits: BhttpLimits = DEFAULT_BHTTP_LIMITS): BhttpResponse {
  const cursor = new Cursor(bytes);
  framingOf(cursor, KNOWN_LENGTH_RESPONSE, INDETERMINATE_RESPONSE, "response");
  const informational: BhttpResponse["informational"] = [];
  for (;;) {
    if (cursor.atEnd) throw new BhttpError("the response ends before its final status");
    const status = cursor.varint("a status code");
    if (status >= 200 && status <= 599) {
      const headers = cursor.fields("the header section", limits);
      const content = cursor.chunk("the content", limits.maxContentBytes);
      const trailers = cursor.fields("the trailer section", limits);
      cursor.padding();
      return { informational, status, headers, content, trailers };
    }
    if (status < 100 || status > 199) throw new BhttpError(`${status} is not an HTTP status code`);
    if (informational.length === limits.maxFields) throw new BhttpError("the response has too many informational responses");
    informational.push({ status, headers: cursor.fields("an informational header section", limits) });
  }
}

/** The first value of a field, by its lowercase name. */
export function fieldValue(fields: Fields, name: string): string | undefined {
  return fields.find(([fieldName]) => fieldName === name)?.[1];
}
