/**
 * A second process on an embedded database folder, for the lock tests: opens DATA_DIR's PGlite as the server does,
 * writes a row, says "ready", and holds the folder until it is killed.
 */
import path from "node:path";
import { openRawClient } from "@/db/client";

const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: hold-data-dir.ts <folder>");
const raw = openRawClient({ dataDir: path.resolve(dataDir) });
if (raw.driver !== "pglite") throw new Error("expected the embedded database");
await raw.pglite.exec("create table if not exists held (note text); insert into held values ('written by the holder')");
process.stdout.write("ready\n");
setInterval(() => {}, 60_000);
