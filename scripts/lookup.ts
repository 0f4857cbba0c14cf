/** `npm run lookup -- <csi> [--sender-msp ID] [--context TAG] [--sender CSI] [--dp URL]`: the kit's mimi-lookup. */
import { runLookupCli } from "@mimi-discovery/msp-kit/cli";

process.exitCode = await runLookupCli({
  argv: process.argv.slice(2),
  env: process.env,
  fetch: globalThis.fetch,
  write: (line) => process.stdout.write(`${line}\n`),
  writeError: (line) => process.stderr.write(`${line}\n`),
  program: "npm run lookup --",
});
