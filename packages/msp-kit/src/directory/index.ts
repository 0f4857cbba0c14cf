/** Protocol section 8: the signed directory of DPs, and who is authoritative for which CSIs. */
export { DIRECTORY_JWS_TYPE, directoryDpSchema, directorySchema, unsignedDirectorySchema, type Directory, type DirectoryDp } from "./directory-schema.ts";
export { authoritativeDp, claimsCover, findDp } from "./authority.ts";
export { DirectoryError, type DirectoryErrorCode } from "./directory-error.ts";
export { verifyDirectory } from "./verify-directory.ts";
export { signDirectory } from "./sign-directory.ts";
export { createDirectoryVerifier, type DirectoryVerifier } from "./directory-verifier.ts";
export { verifyFederatedAnswer } from "./verify-federated-answer.ts";
