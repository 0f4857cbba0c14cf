import { randomUUID } from "node:crypto";
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
  /** An attempt to listen (or a heartbeat) failed; another follows. */
  onAttemptFailed?: () => void;
};

export type KeyChangeFeed = { close: () => Promise<void> };

/** How often a listening connection proves it is still there: a silent dead connection would hear nothing. */
const HEARTBEAT_MS = 5_000;
const HEARTBEAT_TIMEOUT_MS = 2_000;
const RETRY_MS = 500;

/**
 * LISTEN on a connection of its own (postgres.js's own `listen` gives up for good when a reconnect fails). The feed
 * is up only once a notification it sent itself has come back on that connection, and every HEARTBEAT_MS it proves
 * so again: a connection that is closed, wedged, or that answers queries but hears nothing (a pooler in transaction
 * mode hands LISTEN to a server connection it then gives to someone else) is down, and the cache stops answering.
 */
export function listenOnPostgres(url: string, handlers: FeedHandlers): KeyChangeFeed {
  let closed = false;
  let up = false;
  let retry: NodeJS.Timeout | undefined;
  let current: postgres.Sql | undefined;
  const waiting = new Map<string, () => void>();

  const down = (client: postgres.Sql | undefined) => {
    // Only the client of the moment counts: an old one closing late says nothing about the new one.
    if (client !== current) return;
    current = undefined;
    if (up) handlers.onDown();
    up = false;
    if (client) void client.end({ timeout: 0 }).catch(() => {});
    handlers.onAttemptFailed?.();
    if (!closed && !retry) retry = setTimeout(() => void connect(), RETRY_MS);
  };
  const open = () => {
    const client: postgres.Sql = postgres(
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
          if (channel !== KEY_CHANGES_CHANNEL) return;
          // Pings (ours or another instance's) prove the path; they change nothing.
          if (payload.startsWith("ping:")) return waiting.get(payload)?.();
          handlers.onChange(payload);
        },
        onclose: () => down(client),
      }),
    );
    return client;
  };
  const withTimeout = <T>(promise: Promise<T>) =>
    Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no answer")), HEARTBEAT_TIMEOUT_MS).unref())]);
  // Pings go out on another connection: a session hears its own NOTIFY at its own commit, which would prove nothing
  // about what it hears from others (and a pooler may even give both the same server connection: then it fails).
  const sender = postgres(url, Object.assign(wantsTls(url) ? {} : { socket: createSocketFactory() }, { max: 1, connect_timeout: 2, fetch_types: false, onnotice: () => {}, connection: { application_name: "mimi-discovery key changes ping" } }));
  /** Sends a notification from the other connection and waits for it to arrive on the listening one. */
  const ping = async () => {
    const payload = `ping:${randomUUID()}`;
    const heard = new Promise<void>((resolve) => waiting.set(payload, resolve));
    try {
      await withTimeout(Promise.all([sender.unsafe("select pg_notify($1, $2)", [KEY_CHANGES_CHANNEL, payload]), heard]));
    } finally {
      waiting.delete(payload);
    }
  };

  async function connect() {
    retry = undefined;
    if (closed) return;
    const client = (current = open());
    try {
      await withTimeout(client.unsafe(`listen "${KEY_CHANGES_CHANNEL}"`));
      await ping();
      if (closed || client !== current) return;
      if (!up) {
        up = true;
        handlers.onUp();
      }
    } catch {
      down(client);
    }
  }
  const heartbeat = setInterval(() => {
    const client = current;
    if (!up || closed || !client) return;
    ping().catch(() => down(client));
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
      const client = current;
      current = undefined;
      await Promise.all([client?.end({ timeout: 0 }).catch(() => {}), sender.end({ timeout: 0 }).catch(() => {})]);
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
