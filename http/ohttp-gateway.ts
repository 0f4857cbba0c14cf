// No "server-only" marker: the custom server serves the gateway directly, outside Next.
import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import { now as clockNow } from "@/lib/clock";
import { replayExpiry } from "@/lib/private/key-policy";
import { findGatewayKey } from "@/lib/private/ohttp-keys";
import { replayId } from "@/lib/private/redeem-token";
import { serverName } from "@/lib/private/token-challenge";
import { openRequest, type OpenedRequest } from "@/lib/private/hpke-gateway";
import {
  BhttpError,
  decodeRequest,
  encodeResponse,
  fieldValue,
  OHTTP_REQUEST_MEDIA_TYPE,
  OHTTP_RESPONSE_MEDIA_TYPE,
  OhttpError,
  type BhttpRequest,
} from "@mimi-discovery/msp-kit";
import { getSealingKey, getSpendStore } from "./private-services";
import { privateBuckets, PRIVATE_BUCKETS_PATH } from "./private-buckets";
import { privateEvaluate, PRIVATE_EVALUATE_PATH } from "./private-evaluate";
import { privateLookup, PRIVATE_LOOKUP_PATH } from "./private-lookup";
import { ApiError, problemDocument, problemResponse, toApiError } from "./problem";
import { PROBLEM_DETAILS } from "./problem-details";
import { readBinaryBody } from "./read-json-body";

/**
 * An encapsulated private lookup is about 1 KiB (the kit pads it to that); a full OPRF evaluation batch, with a token
 * per element, about 36 KiB (padded to 64 KiB). This leaves room for that and refuses floods.
 */
export const OHTTP_REQUEST_MAX_BYTES = 80 * 1024;
/** RFC 9458 section 5.3: the problem type for a key id the gateway does not hold. */
const OHTTP_KEY_PROBLEM_TYPE = "https://iana.org/assignments/http-problem-types#ohttp-key";
/** What the inner request may carry: bodies larger than a lookup are refused by the endpoint itself (413). */
const INNER_LIMITS = { maxSectionBytes: OHTTP_REQUEST_MAX_BYTES, maxFields: 32, maxContentBytes: OHTTP_REQUEST_MAX_BYTES };
/** The inner request headers an endpoint sees; everything else the client sent is dropped here. */
const INNER_HEADERS = ["content-type", "authorization"];
/** The inner response headers the client gets back. */
const ANSWER_HEADERS = new Set(["content-type", "cache-control", "www-authenticate", "retry-after"]);
const PRIVATE_ROUTES = new Map([
  [PRIVATE_LOOKUP_PATH, privateLookup],
  [PRIVATE_EVALUATE_PATH, privateEvaluate],
  [PRIVATE_BUCKETS_PATH, privateBuckets],
]);

/**
 * POST /api/v1/ohttp, the Oblivious HTTP gateway (RFC 9458 section 5, protocol section 7). It opens the
 * encapsulated request (node:crypto's HPKE, lib/private/hpke-gateway.ts), refuses a replay of one it has opened (section 6.5), dispatches the Binary HTTP request to
 * the private endpoint it names, in-process, and encapsulates the answer, padded to a power of two so that its size
 * tells the relay little. A request it cannot open gets a plain problem; anything after opening, refusals included,
 * travels encapsulated, so only the client reads it. Nothing about the request or its sender is logged or kept
 * but the replay entry: a hash of the request's one-time `enc`.
 */
export async function ohttpGateway(request: Request): Promise<Response> {
  const env = getEnv();
  const now = clockNow();
  let opened: OpenedRequest;
  try {
    const { body } = await readBinaryBody(request, { [OHTTP_REQUEST_MEDIA_TYPE]: OHTTP_REQUEST_MAX_BYTES });
    const db = getDb();
    const sealing = getSealingKey();
    const keyId = body[0];
    opened = openRequest(body, keyId === undefined ? undefined : await findGatewayKey(db, sealing, keyId, now));
    if (!(await getSpendStore().spend("ohttp", replayId(opened.enc), replayExpiry(now)))) {
      throw new ApiError("replayed_request", PROBLEM_DETAILS.replayedRequest);
    }
  } catch (error) {
    return problemResponse(env.publicOrigin, outerRefusal(error));
  }
  const answer = await dispatch(opened.message, env.publicOrigin);
  const content = new Uint8Array(await answer.arrayBuffer());
  const headers: [string, string][] = [];
  answer.headers.forEach((value, name) => {
    if (ANSWER_HEADERS.has(name)) headers.push([name, value]);
  });
  const inner = encodeResponse({ status: answer.status, headers, content }, { padTo: paddingFor(content.length) });
  return new Response(Buffer.from(opened.sealResponse(inner)), { headers: { "content-type": OHTTP_RESPONSE_MEDIA_TYPE, "cache-control": "no-store" } });
}

function outerRefusal(error: unknown): ApiError {
  if (error instanceof OhttpError) {
    if (error.code === "unknown_key") return new ApiError("ohttp_key_unknown", PROBLEM_DETAILS.ohttpKeyUnknown, {}, { type: OHTTP_KEY_PROBLEM_TYPE });
    return new ApiError("invalid_encapsulation", `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`);
  }
  return toApiError(error);
}

/** Answers sizes in steps of powers of two from 1 KiB, so a relay sees a class of size, not the number of mappings. */
function paddingFor(contentLength: number): number {
  let size = 1024;
  while (size < contentLength + 256) size *= 2;
  return size;
}

async function dispatch(message: Uint8Array, origin: string): Promise<Response> {
  let inner: BhttpRequest;
  try {
    inner = decodeRequest(message, INNER_LIMITS);
  } catch (error) {
    if (!(error instanceof BhttpError)) throw error;
    return innerProblem(origin, new ApiError("invalid_encapsulation", PROBLEM_DETAILS.innerRequestUnreadable(error.message)));
  }
  const target = new URL(origin);
  const path = inner.path.split("?")[0] ?? "";
  const handler = PRIVATE_ROUTES.get(path);
  if (inner.scheme !== target.protocol.slice(0, -1) || (inner.authority !== "" && inner.authority !== serverName(origin) && inner.authority !== target.host)) {
    return innerProblem(origin, new ApiError("misdirected_request", PROBLEM_DETAILS.misdirectedRequest(origin)));
  }
  if (!handler || inner.method !== "POST") return innerProblem(origin, new ApiError("not_found", PROBLEM_DETAILS.notPrivatePath));
  const headers = new Headers();
  for (const name of INNER_HEADERS) {
    const value = fieldValue(inner.headers, name);
    if (value !== undefined) headers.set(name, value);
  }
  headers.set("content-length", String(inner.content.length));
  try {
    return await handler(new Request(new URL(path, origin), { method: "POST", headers, body: inner.content as Uint8Array<ArrayBuffer> }));
  } catch (error) {
    return innerProblem(origin, toApiError(error));
  }
}

function innerProblem(origin: string, error: ApiError): Response {
  const { status, headers, body } = problemDocument(origin, error);
  return new Response(body, { status, headers });
}
