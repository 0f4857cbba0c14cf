import type { PGlite } from "@electric-sql/pglite";
import { Redis } from "ioredis";
import postgres from "postgres";
import { createSocketFactory, wantsTls } from "@/db/pg-socket";
import type { KeyChange } from "./key-cache";

/** The channel the database's triggers announce on (db/migrations/0009), and the Redis channel of the same name. */
export const KEY_CHANGES_CHANNEL = "mimi_api_key_changes";

export type FeedHandlers = {
  onChange: (change: KeyChange) => void;
  /** Listening (again): changes from now on will be heard. Whatever happened before is unknown. */
  onUp: () => void;
  /** Not listening: changes may be missed until onUp. */
  onDown: () => void;
};

export type KeyChangeFeed = { close: () => Promise<void> };

/** How often a listening connection proves it is still there: a silent dead connection would hear nothing. */
const HEARTBEAT_MS = 5_000;
const HEARTBEAT_TIMEOUT_MS = 2_000;
const RETRY_MS = 500;

/**
 * LISTEN on a connection of its own (postgres.js's own `listen` gives up for good when a reconnect fails). While
 * that connection is down or stops answering its heartbeat, the feed says so, and the cache stops answering.
 */
export function listenOnPostgres(url: string, handlers: FeedHandlers): KeyChangeFeed {
  let closed = false;
  let up = false;
  let retry: NodeJS.Timeout | undefined;
  const down = () => {
    if (up) handlers.onDown();
    up = false;
    if (!closed && !retry) retry = setTimeout(() => void connect(), RETRY_MS);
  };
  const sql = postgres(
    url,
    Object.assign(wantsTls(url) ? {} : { socket: createSocketFactory() }, {
      max: 1,
      // Never closed for idleness or age: a connection closing is a window without announcements.
      idle_timeout: 0,
      max_lifetime: 0,
      connect_timeout: 2,
      fetch_types: false,
      connection: { application_name: "mimi-discovery key changes" },
      onnotice: () => {},
      onnotify: (channel: string, payload: string) => {
        if (channel === KEY_CHANGES_CHANNEL) handlers.onChange(payload);
      },
      onclose: () => down(),
    }),
  );
  const withTimeout = <T>(promise: Promise<T>) =>
    Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no answer")), HEARTBEAT_TIMEOUT_MS).unref())]);

  async function connect() {
    retry = undefined;
    if (closed) return;
    try {
      await withTimeout(sql.unsafe(`listen "${KEY_CHANGES_CHANNEL}"`));
      if (closed) return;
      if (!up) {
        up = true;
        handlers.onUp();
      }
    } catch {
      down();
    }
  }
  const heartbeat = setInterval(() => {
    if (!up || closed) return;
    withTimeout(sql.unsafe("select 1")).catch(() => {
      down();
      // The connection may be wedged rather than closed: end it, so the next LISTEN opens a new one.
      void sql.end({ timeout: 0 }).catch(() => {});
    });
  }, HEARTBEAT_MS);
  heartbeat.unref();
  void connect();
  return {
    close: async () => {
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(retry);
      if (up) handlers.onDown();
      up = false;
      await sql.end({ timeout: 0 }).catch(() => {});
    },
  };
}

/** The embedded database is one process: its notifications arrive in that process, and it cannot go away. */
export function listenOnPglite(pglite: PGlite, handlers: FeedHandlers): KeyChangeFeed {
  let closed = false;
  const unsubscribe = pglite.listen(KEY_CHANGES_CHANNEL, (payload) => handlers.onChange(payload)).then(
    (stop) => {
      if (!closed) handlers.onUp();
      return stop;
    },
    // A database closed before it could listen (a test's throwaway one): never up, so nothing is cached.
    () => undefined,
  );
  return {
    close: async () => {
      closed = true;
      handlers.onDown();
      await (await unsubscribe)?.().catch(() => {});
    },
  };
}

/**
 * SUBSCRIBE on Redis, for deployments whose database connections cannot LISTEN (a pooler in transaction mode);
 * the app publishes there after each change it commits (announce-key-change.ts).
 */
export function subscribeOnRedis(url: string, handlers: FeedHandlers): KeyChangeFeed {
  let up = false;
  let closed = false;
  const redis = new Redis(url, { connectTimeout: 2_000, autoResubscribe: false, retryStrategy: (times) => Math.min(times * 200, 2_000) });
  const down = () => {
    if (up) handlers.onDown();
    up = false;
  };
  redis.on("error", () => {});
  redis.on("close", down);
  redis.on("ready", () => {
    redis.subscribe(KEY_CHANGES_CHANNEL).then(
      () => {
        if (closed || up) return;
        up = true;
        handlers.onUp();
      },
      () => redis.disconnect(true),
    );
  });
  redis.on("message", (channel: string, payload: string) => {
    if (channel === KEY_CHANGES_CHANNEL) handlers.onChange(payload);
  });
  return {
    close: async () => {
      closed = true;
      down();
      redis.disconnect();
    },
  };
}
