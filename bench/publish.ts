import { Agent } from "node:http";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { draftAt } from "./dataset";
import type { Publisher } from "./publishers";
import { callAction, type ActionCall } from "./server-actions";
import { timedLoop, type TimedResult } from "./timed-loop";

/**
 * The publish phase: signed-in recipients publishing mappings back to back through the same two HTTP requests the
 * portal's mapping editor sends (app/(portal)/mappings/new/_components/mapping-editor.tsx through
 * web/run-passkey-assertion.ts): the prepareMappingAction server action with the draft, which answers the exact
 * document and a WebAuthn challenge over it (stored by the server); the software passkey's genuine assertion over
 * that challenge; the publishMappingAction server action with the challenge id and the assertion, which verifies it,
 * signs the binding, checks the whole proof with the MSP kit's verifier and stores the mapping. One loop is one
 * recipient in one browser (its own keep-alive connection and session), cycling through its identifiers; after
 * the first round a publish replaces that identifier's mapping of the same label, as the editor does.
 */
export const EDITOR_PAGE = "/mappings/new";
export const EDITOR_ACTIONS = { file: "app/(portal)/mappings/actions.ts", page: "app/(portal)/mappings/new/page", prepare: "prepareMappingAction", publish: "publishMappingAction" } as const;

export type Published = { csi: string; mappingId: string; seq: number };

type Prepared = { ok: true; challengeId: string; options: PublicKeyCredentialRequestOptionsJSON };

/** A failed action as one line: its status, or the message and field errors the editor would show. */
function describeFailure(step: string, call: ActionCall): string {
  if (call.problem) return `${step}: ${call.problem}`;
  const result = call.result as { message?: string; errors?: Record<string, string> } | undefined;
  return `${step}: ${result?.message ?? "no result"}${result?.errors ? ` ${JSON.stringify(result.errors)}` : ""}`;
}

export async function measurePublishing(options: {
  /** Where the requests go: the balancer, or the one instance. */
  base: string;
  /** The DP's public origin: the page's Origin, and the WebAuthn origin the passkey signs for. */
  issuer: string;
  publishers: Publisher[];
  actionIds: { prepare: string; publish: string };
  warmupSeconds: number;
  seconds: number;
  /** Opened and closed around the measured loop (bench/cpu-usage.ts). */
  window?: { open: () => void; close: () => void };
}): Promise<{ result: TimedResult; published: Map<string, Published>; warmup: { operations: number; errors: number; errorSamples: string[] } }> {
  const rpId = new URL(options.issuer).hostname;
  // The latest publish of each identifier: the mapping a lookup must now answer.
  const published = new Map<string, Published>();
  const agents = options.publishers.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  const cursors = options.publishers.map(() => 0);

  const op = async (worker: number): Promise<string | undefined> => {
    const publisher = options.publishers[worker]!;
    const slot = cursors[worker]!;
    cursors[worker] = (slot + 1) % publisher.identifiers.length;
    const identifier = publisher.identifiers[slot]!;
    const call = (actionId: string, args: unknown[]) => callAction({ agent: agents[worker]!, base: options.base, origin: options.issuer, page: EDITOR_PAGE, actionId, cookie: publisher.cookie, args });

    // The same draft shapes the seed signs (one or two demo MSPs, four kinds of audience, one in twenty opted out).
    const prepared = await call(options.actionIds.prepare, [{ identifierId: identifier.id, ...draftAt(slot) }]);
    const preparedResult = prepared.result as Prepared | { ok: false } | undefined;
    if (!preparedResult?.ok) return describeFailure("prepare", prepared);
    const response = await publisher.authenticator.authenticate({ challenge: preparedResult.options.challenge, rpId, origin: options.issuer });
    const done = await call(options.actionIds.publish, [{ challengeId: preparedResult.challengeId, response }]);
    const doneResult = done.result as { ok: true; mappingId: string; seq: number } | { ok: false } | undefined;
    if (!doneResult?.ok) return describeFailure("publish", done);
    published.set(identifier.csi, { csi: identifier.csi, mappingId: doneResult.mappingId, seq: doneResult.seq });
    return undefined;
  };

  try {
    const concurrency = options.publishers.length;
    const warmup = options.warmupSeconds > 0 ? await timedLoop({ target: "publish warm-up", concurrency, seconds: options.warmupSeconds, op }) : undefined;
    options.window?.open();
    const result = await timedLoop({ target: "app publish (prepare + passkey + publish)", concurrency, seconds: options.seconds, op });
    options.window?.close();
    return { result, published, warmup: { operations: warmup?.operations ?? 0, errors: warmup?.errors ?? 0, errorSamples: warmup?.errorSamples ?? [] } };
  } finally {
    for (const agent of agents) agent.destroy();
  }
}
