import postgres from "postgres";
import type { RawClient } from "./client";
import { codeOf } from "./errors";

/**
 * Start-up's wait for the database: an orchestrator starts the app and its database together, and the app must not
 * give up because PostgreSQL takes a few seconds longer. Tries a connection of its own (the pool has its own
 * deadlines) with growing pauses, says each time in the log why and for how long it will go on, and throws after
 * `timeoutMs` without an answer. The embedded database is there by construction.
 */
export async function waitForDatabase(
  raw: RawClient,
  options: { timeoutMs: number; log: (line: string) => void; connectTimeoutMs?: number },
): Promise<void> {
  if (raw.driver !== "postgres") return;
  const started = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    const failure = await tryOnce(raw.url, options.connectTimeoutMs ?? 2_000);
    if (!failure) {
      if (attempt > 1) options.log(`database: answering after ${attempt} attempts`);
      return;
    }
    const left = options.timeoutMs - (Date.now() - started);
    if (left <= 0) {
      throw Object.assign(new Error(`The database did not answer within ${Math.round(options.timeoutMs / 1000)} s (DATABASE_STARTUP_TIMEOUT_SECONDS); last failure: ${failure}.`), { code: "DATABASE_STARTUP_TIMEOUT" });
    }
    const pause = Math.min(500 * 2 ** (attempt - 1), 5_000, left);
    options.log(`database: not answering (${failure}); retrying in ${(pause / 1000).toFixed(1)} s, giving up in ${Math.ceil(left / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** Undefined when the database answered, else the failure's code (never its message: it can carry the URL). */
async function tryOnce(url: string, connectTimeoutMs: number): Promise<string | undefined> {
  const probe = postgres(url, { max: 1, connect_timeout: connectTimeoutMs / 1000, idle_timeout: 1, onnotice: () => {} });
  try {
    await probe.unsafe("select 1");
    return undefined;
  } catch (error) {
    return codeOf(error) ?? (error as Error)?.name ?? "unknown";
  } finally {
    await probe.end({ timeout: 0 });
  }
}
