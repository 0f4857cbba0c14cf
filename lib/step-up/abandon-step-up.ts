import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { signInStepUps } from "@/db/schema";
import { hashStepUpToken } from "./take-step-up";

/** "Start again": the step-up is gone, and nothing was moved, opened or told. */
export async function abandonStepUp(db: Database, token: string | undefined): Promise<void> {
  if (!token) return;
  await db.delete(signInStepUps).where(eq(signInStepUps.tokenHash, hashStepUpToken(token)));
}
