/** Binary HTTP messages (RFC 9292), known-length form. */
export { decodeRequest, decodeResponse, encodeRequest, encodeResponse, fieldValue, type BhttpRequest, type BhttpResponse } from "./message.ts";
export { DEFAULT_BHTTP_LIMITS, type BhttpLimits, type Fields } from "./fields.ts";
export { BhttpError } from "./varint.ts";
