import { z } from "zod";
import { setClockOffset } from "@/lib/clock";
import { hookAnswer, readHookBody } from "./hook-body";

const body = z.strictObject({ offsetMs: z.number().int().min(0).max(365 * 24 * 60 * 60_000) });

/** Moves the app's clock forward, for e2e tests of expiry. */
export async function moveClock(request: Request): Promise<Response> {
  const parsed = await readHookBody(request, body);
  if (!parsed.ok) return parsed.response;
  setClockOffset(parsed.data.offsetMs);
  return hookAnswer(200, { offsetMs: parsed.data.offsetMs });
}
