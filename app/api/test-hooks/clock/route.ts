import { z } from "zod";
import { getEnv } from "@/env";
import { setClockOffset } from "@/lib/clock";

export const dynamic = "force-dynamic";

const body = z.object({ offsetMs: z.number().int().min(0).max(365 * 24 * 60 * 60_000) }).strict();

/** Moves the app's clock forward, for e2e tests of expiry. Exists only with TEST_HOOKS=1, never in production. */
export async function POST(request: Request) {
  if (!getEnv().testHooks) return new Response("Not found", { status: 404 });
  const parsed = body.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return Response.json({ error: "offsetMs must be a non-negative integer" }, { status: 422 });
  setClockOffset(parsed.data.offsetMs);
  return Response.json({ offsetMs: parsed.data.offsetMs });
}
