/** Why a directory was not trusted; nothing of it is used when one is thrown. */
export type DirectoryErrorCode = "malformed" | "bad_signature" | "unknown_key" | "expired" | "not_yet_valid" | "invalid" | "unreachable";

export class DirectoryError extends Error {
  constructor(
    readonly code: DirectoryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "DirectoryError";
  }
}
