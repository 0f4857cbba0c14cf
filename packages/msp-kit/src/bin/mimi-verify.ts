#!/usr/bin/env node
/** `mimi-verify <file | -> [--dp URL]`: see ../cli/verify.ts, which holds everything testable. */
import { readFile } from "node:fs/promises";
import { text } from "node:stream/consumers";
import { runVerifyCli } from "../cli/verify.ts";

process.exitCode = await runVerifyCli({
  argv: process.argv.slice(2),
  readStdin: () => text(process.stdin),
  readFile: (path) => readFile(path, "utf8"),
  fetch: globalThis.fetch,
  write: (line) => process.stdout.write(`${line}\n`),
  writeError: (line) => process.stderr.write(`${line}\n`),
});
