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
 * postgres.js forgets a query sent on a connection whose socket has failed but not yet closed, and later resolves
 * it with an empty result when that connection reconnects. Under load that is a request that hangs, then a wrong
 * answer. Node emits a socket's "close" an event-loop turn after its "error"; these sockets emit "close" at once
 * after "error", so the driver takes the connection out of the pool before anything else is sent on it.
 *
 * The socket is returned at once, still connecting, as postgres.js's own path does (it writes its startup message
 * ahead, which Node buffers), so postgres.js's connect_timeout and reconnects work as before. Hosts are tried in turn.
 */
export function createSocketFactory(): (options: SocketOptions) => net.Socket {
  let next = 0;
  return (options) => {
    if (options.path) return closeOnError(net.connect(options.path));
    const index = next++ % Math.max(1, options.host.length);
    const host = options.host[index] ?? "localhost";
    const port = options.port[index] ?? options.port[0] ?? 5432;
    return Object.assign(closeOnError(net.connect(port, host)), { host, port });
  };
}

/** Makes "close" follow "error" in the same tick, and the late "close" from Node a no-op. */
export function closeOnError<T extends net.Socket>(socket: T): T {
  const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
  let closed = false;
  socket.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === "close") {
      if (closed) return false;
      closed = true;
      return emit("close", ...args);
    }
    const handled = emit(event, ...args);
    if (event === "error" && !closed) {
      closed = true;
      emit("close", true);
    }
    return handled;
  }) as T["emit"];
  return socket;
}
