import net from "node:net";

type SocketOptions = { host: string[]; port: number[]; path?: string | false };

/** Whether a postgres:// URL asks for TLS (`sslmode` other than disable, or `ssl`). */
export function wantsTls(url: string): boolean {
  const parsed = new URL(url);
  const mode = parsed.searchParams.get("sslmode") ?? parsed.searchParams.get("ssl");
  return parsed.searchParams.get("sslrootcert") === "system" || (!!mode && mode !== "disable" && mode !== "false");
}

/**
 * Opens postgres.js's plain TCP (or unix socket) connections for it, its `socket` option, for one reason:
 * postgres.js forgets a query it sends on a connection whose socket has failed but not yet closed (Node emits
 * "close" an event-loop turn after "error"), and later resolves it with an empty result when that connection
 * reconnects. Under load that is a request that hangs, then a wrong answer. On these sockets such a write fails
 * the connection again, which makes postgres.js reject the query it just sent.
 *
 * The socket is returned at once, still connecting, as postgres.js's own path does (it writes its startup message
 * ahead, which Node buffers), so postgres.js's connect_timeout and reconnects work as before. Hosts are tried in turn.
 */
export function createSocketFactory(): (options: SocketOptions) => net.Socket {
  let next = 0;
  return (options) => {
    if (options.path) return failWritesAfterError(net.connect(options.path));
    const index = next++ % Math.max(1, options.host.length);
    const host = options.host[index] ?? "localhost";
    const port = options.port[index] ?? options.port[0] ?? 5432;
    return Object.assign(failWritesAfterError(net.connect(port, host)), { host, port });
  };
}

/**
 * A write to a socket that has already failed is reported as a failure of the connection ("error", with a code the
 * DP reads as the database being unreachable) while postgres.js still listens, instead of vanishing. The timing of
 * "close" is left as Node has it: postgres.js must not see a connection closed while a transaction on it is still
 * rolling back.
 */
export function failWritesAfterError<T extends net.Socket>(socket: T): T {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = ((...args: unknown[]) => {
    if (!socket.destroyed) return write(...args);
    process.nextTick(() => {
      if (socket.listenerCount("error") > 0) socket.emit("error", Object.assign(new Error("The database connection had already failed"), { code: "CONNECTION_CLOSED" }));
    });
    return false;
  }) as T["write"];
  return socket;
}
