/** One answer a load loop got: its status (0 when the request itself failed or timed out) and how long it took. */
export type Answer = { status: number; ms: number; contentType: string | null; retryAfter: string | null; code?: string; error?: string };

/**
 * Sends `send()` from `concurrency` loops at once for `durationMs`, each answer timed. A request that gets no answer
 * within `timeoutMs` is recorded as status 0, so a hang shows up as an answer instead of stalling the test.
 */
export async function hammer(options: {
  concurrency: number;
  durationMs: number;
  timeoutMs?: number;
  send: (signal: AbortSignal) => Promise<Response>;
}): Promise<Answer[]> {
  const answers: Answer[] = [];
  const until = performance.now() + options.durationMs;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < until) answers.push(await timed(options.send, options.timeoutMs ?? 10_000));
    }),
  );
  return answers;
}

export async function timed(send: (signal: AbortSignal) => Promise<Response>, timeoutMs = 10_000): Promise<Answer> {
  const started = performance.now();
  try {
    const response = await send(AbortSignal.timeout(timeoutMs));
    const text = await response.text();
    const contentType = response.headers.get("content-type");
    let code: string | undefined;
    if (contentType === "application/problem+json") code = (JSON.parse(text) as { code?: string }).code;
    return { status: response.status, ms: performance.now() - started, contentType, retryAfter: response.headers.get("retry-after"), ...(code ? { code } : {}) };
  } catch (error) {
    return { status: 0, ms: performance.now() - started, contentType: null, retryAfter: null, error: (error as Error).name };
  }
}

/** The answers grouped by status, for a failure message that shows what happened at a glance. */
export function summarize(answers: Answer[]): Record<string, { count: number; maxMs: number }> {
  const out: Record<string, { count: number; maxMs: number }> = {};
  for (const answer of answers) {
    const key = `${answer.status}${answer.code ? ` ${answer.code}` : ""}${answer.error ? ` ${answer.error}` : ""}`;
    const entry = (out[key] ??= { count: 0, maxMs: 0 });
    entry.count += 1;
    entry.maxMs = Math.max(entry.maxMs, Math.round(answer.ms));
  }
  return out;
}
