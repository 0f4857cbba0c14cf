import "server-only";
import { cookies } from "next/headers";
import { getEnv } from "@/env";
import { cookieAttributes, stepUpCookieName } from "@/lib/auth/session-cookie";
import type { NewStepUp } from "@/lib/step-up/start-step-up";

/** The browser's half of a step-up (lib/step-up/): its token, HttpOnly, for as long as the step-up lasts. */
export async function setStepUpCookie(stepUp: NewStepUp): Promise<void> {
  const origin = getEnv().publicOrigin;
  (await cookies()).set(stepUpCookieName(origin), stepUp.token, { ...cookieAttributes(origin), expires: stepUp.expiresAt });
}

export async function readStepUpToken(): Promise<string | undefined> {
  return (await cookies()).get(stepUpCookieName(getEnv().publicOrigin))?.value;
}

export async function clearStepUpCookie(): Promise<void> {
  (await cookies()).delete({ name: stepUpCookieName(getEnv().publicOrigin), path: "/" });
}
