/**
 * Why an Oblivious HTTP message could not be used. A gateway answers `unknown_key` with the RFC 9458 section 5.3
 * problem type, so that a client refetches the key configuration; every other code is a plain 400.
 */
export type OhttpErrorCode = "malformed" | "unknown_key" | "unsupported_suite" | "decrypt_failed";

export class OhttpError extends Error {
  override readonly name = "OhttpError";
  constructor(
    readonly code: OhttpErrorCode,
    message: string,
  ) {
    super(message);
  }
}
