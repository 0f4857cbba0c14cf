import { Agent, request } from "node:http";

/**
 * A small closed-loop load generator: `concurrency` connections (keep-alive, one request in flight each) send
 * requests back to back. A warm-up runs first and is thrown away; then the measured phase runs for a fixed time.
 * No request starts after the deadline; the ones in flight are awaited (each bounded by a timeout) and counted.
 * Everything is bounded: time, connections, and the latency histogram's size.
 */

/** Latencies in a log-bucketed histogram (0.5 % wide buckets from 1 µs): bounded memory however long the run. */
export class LatencyHistogram {
  static readonly #base = 1.005;
  static readonly #logBase = Math.log(LatencyHistogram.#base);
  readonly #counts = new Map<number, number>();
  count = 0;
  #sum = 0;
  #min = Infinity;
  #max = 0;

  record(ms: number): void {
    const micros = Math.max(1, ms * 1000);
    const bucket = Math.floor(Math.log(micros) / LatencyHistogram.#logBase);
    this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + 1);
    this.count += 1;
    this.#sum += ms;
    this.#min = Math.min(this.#min, ms);
    this.#max = Math.max(this.#max, ms);
  }

  /** The latency under which `p` of the requests finished, in ms (the upper edge of its bucket, capped by max). */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.ceil(p * this.count);
    let seen = 0;
    for (const bucket of [...this.#counts.keys()].sort((a, b) => a - b)) {
      seen += this.#counts.get(bucket)!;
      if (seen >= rank) return Math.min(this.#max, LatencyHistogram.#base ** (bucket + 1) / 1000);
    }
    return this.#max;
  }

  summary() {
    return {
      count: this.count,
      minMs: this.count ? this.#min : NaN,
      meanMs: this.count ? this.#sum / this.count : NaN,
      p50Ms: this.percentile(0.5),
      p90Ms: this.percentile(0.9),
      p99Ms: this.percentile(0.99),
      maxMs: this.count ? this.#max : NaN,
    };
  }
}

export type LoadRequest = { body: string; /** Checks a 200 answer's body; returns a problem or undefined. */ check?: (body: string) => string | undefined };

export type LoadResult = {
  target: string;
  concurrency: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Seconds from the measured phase's start until its last response arrived. */
  elapsedSeconds: number;
  requests: number;
  ok: number;
  /** Answers other than 200, by status. */
  statusErrors: Record<string, number>;
  /** 200 answers whose body was not what the request should get. */
  wrongAnswers: number;
  /** Connection errors and timeouts, by message. */
  networkErrors: Record<string, number>;
  errors: number;
  requestsPerSecond: number;
  /** Successful requests per second. */
  okPerSecond: number;
  latency: ReturnType<LatencyHistogram["summary"]>;
  bytesReceived: number;
  /** The first few error bodies and messages, as the server sent them. */
  errorSamples: string[];
  /** The unmeasured warm-up: its errors are reported too, never hidden. */
  warmup: { requests: number; errors: number; errorSamples: string[] };
};

const REQUEST_TIMEOUT_MS = 30_000;
const MAX_ERROR_SAMPLES = 5;

type Outcome = { status: number; body: string } | { error: string };

function send(agent: Agent, url: URL, headers: Record<string, string>, body: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const payload = Buffer.from(body);
    const req = request(
      url,
      { method: "POST", agent, headers: { ...headers, "content-type": "application/json", "content-length": String(payload.length) }, timeout: REQUEST_TIMEOUT_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", (error) => resolve({ error: error.message }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.on("error", (error) => resolve({ error: error.message }));
    req.end(payload);
  });
}

async function phase(options: {
  url: URL;
  headers: Record<string, string>;
  agent: Agent;
  concurrency: number;
  seconds: number;
  next: () => LoadRequest;
}) {
  const histogram = new LatencyHistogram();
  const statusErrors: Record<string, number> = {};
  const networkErrors: Record<string, number> = {};
  const errorSamples: string[] = [];
  let requests = 0;
  let ok = 0;
  let wrongAnswers = 0;
  let bytesReceived = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  let lastEnd = started;

  const sample = (text: string) => {
    if (errorSamples.length < MAX_ERROR_SAMPLES) errorSamples.push(text.slice(0, 500));
  };

  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < deadline) {
        const { body, check } = options.next();
        const sentAt = performance.now();
        const outcome = await send(options.agent, options.url, options.headers, body);
        const receivedAt = performance.now();
        lastEnd = Math.max(lastEnd, receivedAt);
        requests += 1;
        if ("error" in outcome) {
          networkErrors[outcome.error] = (networkErrors[outcome.error] ?? 0) + 1;
          sample(`network: ${outcome.error}`);
          continue;
        }
        bytesReceived += outcome.body.length;
        histogram.record(receivedAt - sentAt);
        if (outcome.status !== 200) {
          statusErrors[outcome.status] = (statusErrors[outcome.status] ?? 0) + 1;
          sample(`HTTP ${outcome.status}: ${outcome.body}`);
          continue;
        }
        const problem = check?.(outcome.body);
        if (problem) {
          wrongAnswers += 1;
          sample(`wrong answer: ${problem}`);
          continue;
        }
        ok += 1;
      }
    }),
  );
  const elapsedSeconds = (lastEnd - started) / 1000;
  const statusErrorCount = Object.values(statusErrors).reduce((sum, value) => sum + value, 0);
  const networkErrorCount = Object.values(networkErrors).reduce((sum, value) => sum + value, 0);
  return {
    elapsedSeconds,
    requests,
    ok,
    statusErrors,
    wrongAnswers,
    networkErrors,
    errors: statusErrorCount + networkErrorCount + wrongAnswers,
    requestsPerSecond: requests / elapsedSeconds,
    okPerSecond: ok / elapsedSeconds,
    latency: histogram.summary(),
    bytesReceived,
    errorSamples,
  };
}

/** Warm-up, then the measured phase, over one pool of keep-alive connections. */
export async function runLoad(options: {
  target: string;
  url: string;
  apiKey: string;
  concurrency: number;
  warmupSeconds: number;
  durationSeconds: number;
  next: () => LoadRequest;
  /** Called right before and right after the measured phase (not the warm-up): the CPU accounting's window. */
  window?: { open: () => void; close: () => void };
}): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency, maxFreeSockets: options.concurrency });
  const url = new URL(options.url);
  const headers = { authorization: `Bearer ${options.apiKey}` };
  try {
    const common = { url, headers, agent, concurrency: options.concurrency, next: options.next };
    const warmup = options.warmupSeconds > 0 ? await phase({ ...common, seconds: options.warmupSeconds }) : undefined;
    options.window?.open();
    const measured = await phase({ ...common, seconds: options.durationSeconds });
    options.window?.close();
    return {
      target: options.target,
      concurrency: options.concurrency,
      warmupSeconds: options.warmupSeconds,
      durationSeconds: options.durationSeconds,
      ...measured,
      warmup: { requests: warmup?.requests ?? 0, errors: warmup?.errors ?? 0, errorSamples: warmup?.errorSamples ?? [] },
    };
  } finally {
    agent.destroy();
  }
}

/** Sends one request outside any measurement (for the response equivalence check). */
export async function sendOnce(url: string, apiKey: string, body: string): Promise<{ status: number; body: string }> {
  const agent = new Agent({ keepAlive: false });
  try {
    const outcome = await send(agent, new URL(url), { authorization: `Bearer ${apiKey}` }, body);
    if ("error" in outcome) throw new Error(`${url}: ${outcome.error}`);
    return outcome;
  } finally {
    agent.destroy();
  }
}
