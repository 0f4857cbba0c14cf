import cluster from "node:cluster";
import { AggregatorRegistry, type Registry } from "prom-client";

const REQUEST = "mimi:metrics-request";
const ANSWER = "mimi:metrics-answer";
/** prom-client's primary gives up on a worker after 5 s; a worker waits a little longer for the primary's answer. */
const WAIT_MS = 6_000;

type Request = { type: typeof REQUEST; id: number };
type Answer = { type: typeof ANSWER; id: number; body?: string; error?: string };

const isRequest = (message: unknown): message is Request => (message as Request | null)?.type === REQUEST;
const isAnswer = (message: unknown): message is Answer => (message as Answer | null)?.type === ANSWER;

/**
 * The primary's side. A scraper reaches whichever worker the kernel hands its connection to, and one worker's
 * counters are a fraction of the instance's: the worker asks the primary, which asks every worker for its registry
 * (prom-client's AggregatorRegistry, over the cluster's IPC channel) and answers with the sum.
 */
export function aggregateWorkerMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on("message", (worker, message: unknown) => {
    if (!isRequest(message)) return;
    aggregator.clusterMetrics().then(
      (body) => worker.isConnected() && worker.send({ type: ANSWER, id: message.id, body } satisfies Answer),
      (error: unknown) => worker.isConnected() && worker.send({ type: ANSWER, id: message.id, error: error instanceof Error ? error.message : "failed" } satisfies Answer),
    );
  });
}

let shared = false;
let nextId = 0;
const waiting = new Map<number, (answer: Answer) => void>();

/** A worker's side: it answers the primary's collection with `registry`, and can ask for the whole instance's text. */
export function shareWorkerMetrics(registry: Registry): void {
  shared = true;
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one adds prom-client's listener that answers the primary's collection requests.
  new AggregatorRegistry();
  process.on("message", (message: unknown) => {
    if (!isAnswer(message)) return;
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  });
}

/** Every worker's metrics summed, through the primary; rejects when it does not answer in time. */
export function instanceMetrics(): Promise<string> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error("the cluster primary did not answer with the workers' metrics in time"));
    }, WAIT_MS);
    waiting.set(id, (answer) => {
      clearTimeout(timer);
      if (answer.body !== undefined) resolve(answer.body);
      else reject(new Error(`collecting the workers' metrics failed: ${answer.error ?? "unknown"}`));
    });
    process.send?.({ type: REQUEST, id } satisfies Request);
  });
}

/** Whether this process is a worker whose primary sums the metrics: shareWorkerMetrics was called. */
export const metricsAreShared = (): boolean => shared;
