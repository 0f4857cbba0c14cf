import { Writable } from "node:stream";
import { createLogger, getLogger, installLogger } from "@/lib/log/logger";

/** Makes the process's logger write its JSON lines here until `restore`, for tests of what reaches a log. */
export function captureLog() {
  const written: string[] = [];
  const previous = getLogger();
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(...chunk.toString().trim().split("\n"));
      done();
    },
  });
  installLogger(createLogger({ format: "json", destination }));
  return {
    /** How many lines so far, to read only what comes after. */
    get count() {
      return written.length;
    },
    lines: (from = 0) => written.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>),
    text: (from = 0) => written.slice(from).join("\n"),
    restore: () => installLogger(previous),
  };
}
