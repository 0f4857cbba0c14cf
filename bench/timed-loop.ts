import { LatencyHistogram } from "./load";

export type TimedResult = {
  target: string;
  concurrency: number;
  durationSeconds: number;
  elapsedSeconds: number;
  operations: number;
  ok: number;
  errors: number;
  okPerSecond: number;
  latency: ReturnType<LatencyHistogram["summary"]>;
  errorSamples: string[];
  /** Set when the phase ended before its time (the token pool ran dry). */
  stoppedEarly?: string;
};

/**
 * A closed loop of `concurrency` workers, each running `op` back to back until the deadline (or until `op` says
 * "stop": the token pool ran dry). An op resolves to a problem or undefined; a throw counts as a problem. Used by the private
 * phases and the publish phase, whose operations are more than one HTTP request each.
 */
export async function timedLoop(options: {
  target: string;
  concurrency: number;
  seconds: number;
  /** `worker` is the loop running it (0 .. concurrency - 1), for ops that keep per-loop state. */
  op: (worker: number) => Promise<string | undefined> | "stop";
}): Promise<TimedResult> {
  const histogram = new LatencyHistogram();
  const errorSamples: string[] = [];
  let operations = 0;
  let ok = 0;
  let errors = 0;
  let stoppedEarly: string | undefined;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  let lastEnd = started;
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, worker) => {
      while (performance.now() < deadline && !stoppedEarly) {
        const sentAt = performance.now();
        const running = options.op(worker);
        if (running === "stop") {
          stoppedEarly = "the token pool ran dry";
          break;
        }
        let problem: string | undefined;
        try {
          problem = await running;
        } catch (error) {
          problem = `${(error as Error).name}: ${(error as Error).message}`;
        }
        const receivedAt = performance.now();
        lastEnd = Math.max(lastEnd, receivedAt);
        operations += 1;
        histogram.record(receivedAt - sentAt);
        if (problem) {
          errors += 1;
          if (errorSamples.length < 5) errorSamples.push(problem.slice(0, 300));
        } else {
          ok += 1;
        }
      }
    }),
  );
  const elapsedSeconds = (lastEnd - started) / 1000;
  return {
    target: options.target,
    concurrency: options.concurrency,
    durationSeconds: options.seconds,
    elapsedSeconds,
    operations,
    ok,
    errors,
    okPerSecond: ok / elapsedSeconds,
    latency: histogram.summary(),
    errorSamples,
    ...(stoppedEarly && { stoppedEarly }),
  };
}
