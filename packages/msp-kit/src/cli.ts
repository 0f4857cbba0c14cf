/** The two commands, for embedding in other tools (Node only: they read their arguments with node:util). */
export { runLookupCli, runLookupProcess, lookupUsage, type LookupCliIo } from "./cli/lookup.ts";
export { runVerifyCli, runVerifyProcess, verifyUsage, DEFAULT_DP, type CliIo } from "./cli/verify.ts";
