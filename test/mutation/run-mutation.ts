/**
 * `npm run test:mutation [-- FOLDER...]`: Stryker over the folders whose rules matter most, one folder at a time
 * (two cores, shared), each with its own incremental file so that a rerun only tests what changed, then the
 * mutation score of each folder, killed by the folder's own tests. Not part of `npm test`: a full run takes long. Reports land in reports/mutation/.
 * Set TEST_DATABASE_URL (and TEST_REDIS_URL) as for the unit tests: the database tests are the slow part on PGlite.
 */
import { Stryker } from "@stryker-mutator/core";
import type { MutantResult } from "@stryker-mutator/api/core";

const FOLDERS = [
  "packages/msp-kit/src/verifier",
  "lib/otp",
  "lib/passkeys",
  "lib/csip",
  "lib/rate-limit",
  "lib/lookup",
] as const;

type Tally = { folder: string; killed: number; timeout: number; survived: number; noCoverage: number; errors: number; ignored: number };

const slug = (folder: string) => folder.replaceAll("/", "-");

function tally(folder: string, results: MutantResult[]): Tally {
  const count = (status: MutantResult["status"]) => results.filter((result) => result.status === status).length;
  return {
    folder,
    killed: count("Killed"),
    timeout: count("Timeout"),
    survived: count("Survived"),
    noCoverage: count("NoCoverage"),
    errors: count("CompileError") + count("RuntimeError"),
    ignored: count("Ignored"),
  };
}

// Stryker's own definition: detected (killed or timed out) among the mutants that were valid and not ignored.
function score({ killed, timeout, survived, noCoverage }: Tally): string {
  const valid = killed + timeout + survived + noCoverage;
  return valid === 0 ? "n/a" : `${((100 * (killed + timeout)) / valid).toFixed(2)}%`;
}

const asked = process.argv.slice(2).map((folder) => folder.replace(/\/+$/u, ""));
const unknown = asked.filter((folder) => !(FOLDERS as readonly string[]).includes(folder));
if (unknown.length > 0) {
  console.error(`Unknown folder(s): ${unknown.join(", ")}. Choose from: ${FOLDERS.join(", ")}.`);
  process.exit(2);
}
const folders = asked.length > 0 ? asked : [...FOLDERS];

const tallies: Tally[] = [];
for (const folder of folders) {
  console.log(`\n=== Mutating ${folder}`);
  const results = await new Stryker({
    configFile: "stryker.config.mjs",
    mutate: [`${folder}/**/*.ts`, `!${folder}/**/*.test.ts`],
    // A folder's own tests, beside its code, must kill its mutants: a mutant only some far-away test notices is a
    // rule nobody states where it lives. (It also keeps a run to minutes: every DB test would otherwise join in.)
    testFiles: [`${folder}/**/*.test.ts`],
    incrementalFile: `reports/mutation/${slug(folder)}.incremental.json`,
    htmlReporter: { fileName: `reports/mutation/${slug(folder)}.html` },
    jsonReporter: { fileName: `reports/mutation/${slug(folder)}.json` },
  }).runMutationTest();
  tallies.push(tally(folder, results));
}

const header = ["folder", "score", "killed", "timeout", "survived", "no coverage", "errors", "ignored"];
const rows = tallies.map((t) => [t.folder, score(t), t.killed, t.timeout, t.survived, t.noCoverage, t.errors, t.ignored].map(String));
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ");
console.log(`\nMutation score per folder\n${line(header)}\n${rows.map(line).join("\n")}`);
