import { isRecord } from "../verifier/read-proof.ts";
import type { DpRefusal } from "./dp-error.ts";

/** What a DP (or a relay) answered when it refused a request: its problem document (RFC 9457), read defensively. */
export async function readRefusal(response: Response): Promise<Omit<DpRefusal, "statusText">> {
  let problem: unknown;
  try {
    problem = JSON.parse(await response.text());
  } catch {
    problem = undefined;
  }
  return refusalOf(response.status, problem, response.headers);
}

export function refusalOf(status: number, problem: unknown, headers: Headers): Omit<DpRefusal, "statusText"> {
  const text = (member: string) => (isRecord(problem) && typeof problem[member] === "string" ? (problem[member] as string) : undefined);
  return {
    status,
    code: text("code"),
    detail: text("detail") ?? text("title"),
    retryAfter: headers.get("retry-after") ?? undefined,
    rateLimitRemaining: headers.get("ratelimit-remaining") ?? undefined,
  };
}
