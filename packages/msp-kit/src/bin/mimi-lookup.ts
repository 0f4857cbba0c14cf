#!/usr/bin/env node
/** `mimi-lookup <csi> [--sender-msp ID] [--context TAG] [--sender CSI] [--dp URL]`: see ../cli/lookup.ts. */
import { runLookupCli } from "../cli/lookup.ts";

process.exitCode = await runLookupCli({
  argv: process.argv.slice(2),
  env: process.env,
  fetch: globalThis.fetch,
  write: (line) => process.stdout.write(`${line}\n`),
  writeError: (line) => process.stderr.write(`${line}\n`),
});
