import { parseCommandLine, UsageError } from "../cli/args.ts";
import { createRelay, parseGatewayUrl } from "./create-relay.ts";

export function relayUsage(program = "mimi-relay"): string {
  return `Usage: ${program} --gateway URL [--port 8787] [--host 127.0.0.1] [--path /] [--burst 60] [--refill 1]

Runs an Oblivious HTTP relay (RFC 9458) for one gateway: clients POST message/ohttp-req to --path, and the relay
forwards the body, with no header of theirs but the content type, to --gateway and the answer back. It keeps no
log of client addresses; per address it allows --burst requests at once, refilled at --refill per second.

  --gateway URL   the DP's gateway, such as https://dp.example/api/v1/ohttp (https, or http to this machine)
  --port N        where to listen (default 8787)
  --host H        the interface to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --path P        the path clients post to (default /)
  --burst N       requests per address at once (default 60)
  --refill R      requests per address per second, refilled continuously (default 1)`;
}

function positiveNumber(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} must be a positive number`);
  return value;
}

/** `mimi-relay` and `npm run relay`: runs until SIGINT or SIGTERM. */
export async function runRelayProcess(program?: string): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(process.argv.slice(2), ["gateway", "port", "host", "path", "burst", "refill"]);
    if (parsed.help) {
      console.log(relayUsage(program));
      return 0;
    }
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument ${parsed.positionals[0]}`);
    const gatewayText = parsed.values.get("gateway");
    if (!gatewayText) throw new UsageError("--gateway is required");
    const gateway = parseGatewayUrl(gatewayText);
    const port = positiveNumber(parsed.values.get("port"), 8787, "--port");
    const host = parsed.values.get("host") ?? "127.0.0.1";
    const path = parsed.values.get("path") ?? "/";
    if (!path.startsWith("/")) throw new UsageError("--path must start with /");
    const server = createRelay({ gateway, path, burst: positiveNumber(parsed.values.get("burst"), 60, "--burst"), refillPerSecond: positiveNumber(parsed.values.get("refill"), 1, "--refill") });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, resolve);
    });
    console.log(`relay: forwarding POST http://${host}:${port}${path} to ${gateway.href}`);
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    return 0;
  } catch (error) {
    console.error(`relay: ${(error as Error).message}${error instanceof UsageError ? `\n\n${relayUsage(program)}` : ""}`);
    return 2;
  }
}
