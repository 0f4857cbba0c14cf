import { createServer, connect, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export type TcpFaultProxy = {
  port: number;
  /** The database vanishes as a killed server does: open connections are reset, new ones refused. */
  cut: () => Promise<void>;
  /** The database stops answering without closing anything, as across a network partition. */
  blackhole: () => void;
  /** Forwarding again, on the same port. */
  restore: () => Promise<void>;
  close: () => Promise<void>;
};

/**
 * A TCP proxy on loopback in front of a real server (PostgreSQL, Redis), for faults a test cannot ask the real
 * server for without stopping it for everyone: a reset and refused port, or a black hole. Everything else is the
 * real server's bytes.
 */
export async function startTcpFaultProxy(target: { host?: string; port: number }, listenPort = 0): Promise<TcpFaultProxy> {
  const sockets = new Set<Socket>();
  let holding = false;
  let server: Server | undefined;
  let port = listenPort;

  const listen = async () => {
    server = createServer((client) => {
      sockets.add(client);
      client.on("close", () => sockets.delete(client));
      client.on("error", () => {});
      if (holding) return;
      const upstream = connect(target.port, target.host ?? "127.0.0.1");
      sockets.add(upstream);
      upstream.on("close", () => {
        sockets.delete(upstream);
        client.destroy();
      });
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
      client.on("data", (chunk: Buffer) => {
        if (!holding) upstream.write(chunk);
      });
      upstream.on("data", (chunk: Buffer) => {
        if (!holding) client.write(chunk);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server!.once("error", reject);
      server!.listen(port, "127.0.0.1", () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  };

  const stopListening = async () => {
    const closing = server;
    server = undefined;
    if (!closing) return;
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  };

  await listen();
  return {
    get port() {
      return port;
    },
    cut: async () => {
      holding = false;
      const closing = stopListening();
      for (const socket of sockets) socket.resetAndDestroy();
      await closing;
    },
    blackhole: () => {
      holding = true;
    },
    restore: async () => {
      holding = false;
      if (!server) await listen();
    },
    close: async () => {
      const closing = stopListening();
      for (const socket of sockets) socket.destroy();
      await closing;
    },
  };
}
