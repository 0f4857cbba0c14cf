import { createRequire } from "node:module";
import pino, { type DestinationStream, type Logger } from "pino";

export type LogFormat = "json" | "pretty";

/**
 * The server's log: JSON lines on stdout (one object per line, for a collector), or pino-pretty's coloured lines
 * in development. What goes in is chosen by its callers and is never an identifier, a token or an error's message
 * (lib/log/log-failure.ts, http/request-log.ts); the formatter only carries it.
 */
export function createLogger(options: { format: LogFormat; level?: string; destination?: DestinationStream }): Logger {
  const settings = { level: options.level ?? "info", base: undefined, timestamp: pino.stdTimeFunctions.isoTime };
  if (options.destination) return pino(settings, options.destination);
  if (options.format === "pretty") {
    const pretty = loadPretty();
    if (pretty) return pino(settings, pretty({ colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" }));
  }
  return pino(settings);
}

// pino-pretty is a development dependency, absent from a production install: load it only when asked for, in-process
// (pino's transports run a worker thread, which does not survive Next's bundling).
function loadPretty(): ((options: object) => DestinationStream) | undefined {
  try {
    return createRequire(import.meta.url)("pino-pretty") as (options: object) => DestinationStream;
  } catch {
    return undefined;
  }
}

// One logger per process, on globalThis: the custom server and Next's bundle load this module separately.
const loggerKey = Symbol.for("mimi.logger");
const holder = globalThis as { [loggerKey]?: Logger };

export function getLogger(): Logger {
  holder[loggerKey] ??= createLogger({
    format: process.env.LOG_FORMAT === "pretty" || (process.env.LOG_FORMAT !== "json" && process.env.NODE_ENV === "development") ? "pretty" : "json",
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  });
  return holder[loggerKey];
}

/** For tests: the process's logger from now on. */
export function installLogger(logger: Logger): void {
  holder[loggerKey] = logger;
}
