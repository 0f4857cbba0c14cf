import { cleanUp } from "./cleanup";
import { moveClock } from "./clock";
import { readOutbox } from "./outbox";
import { createRecipient } from "./recipient";
import { seedCsip } from "./seed-csip";
import { flushUsageNow } from "./usage";

/**
 * The e2e test hooks, served by the custom server (server.ts) only when TEST_HOOKS=1, which env.ts refuses in
 * production. They live here, outside app/, so that no production build contains them.
 */
export function testHookRoutes(): Map<string, (request: Request) => Promise<Response>> {
  return new Map([
    ["/__test/clock", moveClock],
    ["/__test/csip", seedCsip],
    ["/__test/recipient", createRecipient],
    ["/__test/outbox", readOutbox],
    ["/__test/cleanup", cleanUp],
    ["/__test/usage", flushUsageNow],
  ]);
}
