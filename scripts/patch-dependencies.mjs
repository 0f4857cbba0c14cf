/**
 * Run by `npm install` (postinstall): fixes, in place, three defects of postgres.js 3.4.9 that a database dying under
 * load exposes, until a release fixes them upstream. Each fix is an exact replacement; if the expected text is not
 * there (another version), the install fails and says so, rather than running unfixed.
 *
 * 1. A connection that closes with a write pending keeps the cleared timer, so it never writes again: after an
 *    outage it times out on every reconnect. The timer is reset when it is cleared.
 * 2. A statement run on a connection that has already closed (a transaction that goes on after its connection
 *    died, a rollback) dereferences the closed socket in a timer and crashes the process. Such a statement now
 *    fails as "connection closed", which the DP answers with a 503.
 * 3. A transaction's own COMMIT, ROLLBACK and SAVEPOINT are named prepared statements. Where the server connection
 *    can change between transactions (PgBouncer before 1.21 in transaction mode), a prepared COMMIT can meet a
 *    connection that lacks it: the error aborts the transaction, postgres.js re-prepares and retries the COMMIT, and
 *    the server answers the COMMIT of an aborted transaction with ROLLBACK and no error, so a lost write is reported
 *    as committed. They are sent unprepared (the simple protocol) instead; they take no parameters, so nothing is lost.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MARK = "/* mimi-discovery: patched */";
// Where npm installs it for this project (the package's exports do not include its package.json).
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "postgres");
const replacements = [
  ["    clearImmediate(nextWriteTimer)\n    if (socket) {", "    clearImmediate(nextWriteTimer)\n    nextWriteTimer = null\n    if (socket) {"],
  ["    incomings = null\n    clearImmediate(nextWriteTimer)\n", "    incomings = null\n    clearImmediate(nextWriteTimer)\n    nextWriteTimer = null\n"],
  ["    if (q.cancelled)\n      return\n\n    try {", "    if (q.cancelled)\n      return\n\n    if (!socket)\n      return (queryError(q, Errors.connection('CONNECTION_CLOSED', options)), true)\n\n    try {"],
];

const transactionStatements = [
  ["      name && await sql`savepoint ${ sql(name) }`\n", "      name && await sql`savepoint ${ sql(name) }`.simple()\n"],
  ["          ? sql`rollback to ${ sql(name) }`\n          : sql`rollback`\n", "          ? sql`rollback to ${ sql(name) }`.simple()\n          : sql`rollback`.simple()\n"],
  ["          : await sql`commit`\n", "          : await sql`commit`.simple()\n"],
];
const patches = [
  ...["src/connection.js", "cjs/src/connection.js"].map((file) => [file, replacements]),
  ...["src/index.js", "cjs/src/index.js"].map((file) => [file, transactionStatements]),
];

for (const [file, fixes] of patches) {
  const target = path.join(root, file);
  let text = readFileSync(target, "utf8");
  if (text.startsWith(MARK)) continue;
  for (const [from, to] of fixes) {
    if (text.split(from).length !== 2) throw new Error(`postgres: ${file} is not the version these fixes were written for (${from.trim().split("\n")[0]}); see scripts/patch-dependencies.mjs`);
    text = text.replace(from, to);
  }
  writeFileSync(target, `${MARK}\n${text}`);
}
