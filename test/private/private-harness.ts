import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createRelay, type RelayOptions } from "@mimi-discovery/msp-kit/relay";
import { freePort, startApiServer } from "@/test/support/api-server";
import { createAppHarness } from "@/test/support/app-harness";

/**
 * The whole private path on loopback: the DP's doors on a real HTTP server (the handlers the custom server runs),
 * and a relay in front of its gateway, as a third party would run it.
 */
export async function createPrivateHarness(overrides: Record<string, string> = {}) {
  const port = await freePort();
  const dp = `http://localhost:${port}`;
  const app = await createAppHarness({ PUBLIC_ORIGIN: dp, ...overrides });
  const api = await startApiServer({ port, origin: dp });
  const relays: Server[] = [];
  const startRelay = async (options: Partial<RelayOptions> = {}) => {
    const relay = createRelay({ gateway: new URL(`${dp}/api/v1/ohttp`), burst: 10_000, refillPerSecond: 1_000, ...options });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    relays.push(relay);
    return `http://127.0.0.1:${(relay.address() as AddressInfo).port}/`;
  };
  return {
    app,
    dp,
    relay: await startRelay(),
    startRelay,
    close: async () => {
      for (const relay of relays) await new Promise<void>((resolve) => relay.close(() => resolve()));
      await api.close();
      await app.close();
    },
  };
}
