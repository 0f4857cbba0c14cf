/** `npm run verify -- <file | -> [--dp URL]`: the kit's mimi-verify, run from its sources. */
import { readFile } from "node:fs/promises";
import { text } from "node:stream/consumers";
import { runVerifyCli } from "@mimi-discovery/msp-kit/cli";

process.exitCode = await runVerifyCli({
  argv: process.argv.slice(2),
  readStdin: () => text(process.stdin),
  readFile: (path) => readFile(path, "utf8"),
  fetch: globalThis.fetch,
  write: (line) => process.stdout.write(`${line}\n`),
  writeError: (line) => process.stderr.write(`${line}\n`),
  program: "npm run verify --",
});
