import { ApiError } from "./problem";

/**
 * Reads a JSON body with a hard size limit: refused on the Content-Length header when it says too much, and
 * otherwise counted while streaming, so a lying or missing header cannot make the server buffer more.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;\s*charset=utf-8\s*)?$/iu.test(type.trim())) {
    throw new ApiError("unsupported_media_type", "Send the body as Content-Type: application/json.");
  }
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new ApiError("payload_too_large", `The body may be at most ${maxBytes} bytes.`);
  }
  const reader = request.body?.getReader();
  if (!reader) throw new ApiError("malformed_request", "The request has no body.");
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new ApiError("payload_too_large", `The body may be at most ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ApiError("malformed_request", "The body is not valid UTF-8.");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError("invalid_json", "The body is not valid JSON (NaN, Infinity, comments and trailing commas are not JSON).");
  }
}
