import { getDb } from "@/db/index";
import { flushUsage } from "@/lib/metrics/usage";
import { hookAnswer } from "./hook-body";

/** Writes the buffered usage counts now, instead of within the server's next 10 seconds, for the dashboard's e2e. */
export async function flushUsageNow(): Promise<Response> {
  return hookAnswer(200, { rows: await flushUsage(getDb()) });
}
