import type { IncomingMessage, ServerResponse } from "node:http";
import { readAtMost } from "@/lib/streams/read-at-most";
import { ApiError } from "./problem";
import { PROBLEM_DETAILS } from "./problem-details";
import { SECURITY_HEADERS } from "./security-headers";

/**
 * What an API handler reads of a request, whichever door it came in by: Next's Fetch `Request`, or node:http's
 * request on the custom server's hot path. Header names are lower case.
 */
export type ApiInput = {
  headers: { get: (name: string) => string | null };
  /** The body, at most `maxBytes` (refused on a Content-Length that says more, else counted as it arrives). */
  readBody: (maxBytes: number) => Promise<Uint8Array>;
};

/** What a handler answers, as plain data, so that either door writes it without converting a Fetch Response. */
export type ApiAnswer = { status: number; headers: Record<string, string>; body: string | Uint8Array };

export function fetchInput(request: Request): ApiInput {
  return {
    headers: request.headers,
    async readBody(maxBytes) {
      refuseDeclaredLength(request.headers.get("content-length"), maxBytes);
      if (!request.body) throw new ApiError("malformed_request", PROBLEM_DETAILS.noBody);
      const body = await readAtMost(request.body, maxBytes);
      if (!body) throw new ApiError("payload_too_large", PROBLEM_DETAILS.bodyTooLarge(maxBytes));
      return body;
    },
  };
}

/** node:http's request as an ApiInput. `tooLarge` is set when the body was refused unread: the connection must close. */
export function nodeInput(req: IncomingMessage): ApiInput & { readonly tooLarge: boolean } {
  let tooLarge = false;
  return {
    headers: {
      get(name) {
        const value = req.headers[name];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
    },
    async readBody(maxBytes) {
      try {
        refuseDeclaredLength(req.headers["content-length"] ?? null, maxBytes);
      } catch (error) {
        tooLarge = true;
        throw error;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.byteLength;
        if (size > maxBytes) {
          // Not read further: the rest of the body is left on a connection that closes after the answer.
          tooLarge = true;
          throw new ApiError("payload_too_large", PROBLEM_DETAILS.bodyTooLarge(maxBytes));
        }
        chunks.push(chunk);
      }
      return Buffer.concat(chunks);
    },
    get tooLarge() {
      return tooLarge;
    },
  };
}

function refuseDeclaredLength(header: string | null, maxBytes: number): void {
  const declared = Number(header);
  if (header !== null && Number.isFinite(declared) && declared > maxBytes) {
    throw new ApiError("payload_too_large", PROBLEM_DETAILS.bodyTooLarge(maxBytes));
  }
}

export function answerAsResponse(answer: ApiAnswer): Response {
  return new Response(answer.body as BodyInit, { status: answer.status, headers: answer.headers });
}

export function writeAnswer(res: ServerResponse, answer: ApiAnswer, options: { close?: boolean } = {}): void {
  const headers: Record<string, string> = { ...SECURITY_HEADERS, ...answer.headers };
  if (options.close) headers.connection = "close";
  res.writeHead(answer.status, headers).end(answer.body);
}

/** A handler that still answers with a Fetch Response (binary routes), as plain data. */
export async function responseAsAnswer(response: Response): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  return { status: response.status, headers, body: response.body ? Buffer.from(await response.arrayBuffer()) : "" };
}
