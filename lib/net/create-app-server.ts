import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { BlockList } from "node:net";
import { CLIENT_IP_HEADER, resolveClientIp } from "./client-ip";

/**
 * The HTTP server in front of Next's request handler. Whatever a client sent under CLIENT_IP_HEADER is
 * overwritten with the address established from the socket (and trusted proxies only).
 */
export function createAppServer(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void,
  trustedProxies: BlockList,
): Server {
  return createServer((req, res) => {
    req.headers[CLIENT_IP_HEADER] = resolveClientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"], trustedProxies);
    void handle(req, res);
  });
}
