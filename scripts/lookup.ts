/** `npm run lookup -- <csi> [--sender-msp ID] [--context TAG] [--sender CSI] [--dp URL]`: see lib/lookup-client/cli.ts. */
import { runLookupCli } from "../lib/lookup-client/cli";

process.exitCode = await runLookupCli({
  argv: process.argv.slice(2),
  env: process.env,
  fetch: globalThis.fetch,
  write: (line) => process.stdout.write(`${line}\n`),
  writeError: (line) => process.stderr.write(`${line}\n`),
});
