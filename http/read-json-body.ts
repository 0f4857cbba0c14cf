import { fetchInput, type ApiInput } from "./api-exchange";
import { ApiError } from "./problem";
import { PROBLEM_DETAILS } from "./problem-details";

/**
 * Reads a JSON body with a hard size limit: refused on the Content-Length header when it says too much, and
 * otherwise counted while streaming, so a lying or missing header cannot make the server buffer more.
 */
export async function readJsonBody(request: Request | ApiInput, maxBytes: number): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;\s*charset=utf-8\s*)?$/iu.test(type.trim())) {
    throw new ApiError("unsupported_media_type", PROBLEM_DETAILS.unsupportedMediaType);
  }
  const bytes = await readBodyBytes(request, maxBytes);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError("malformed_request", PROBLEM_DETAILS.notUtf8);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError("invalid_json", PROBLEM_DETAILS.invalidJson);
  }
}

/** The body as bytes, at most `maxBytes`, refused early on a Content-Length that says more. */
export async function readBodyBytes(request: Request | ApiInput, maxBytes: number): Promise<Uint8Array> {
  return ("readBody" in request ? request : fetchInput(request)).readBody(maxBytes);
}

/** A binary body of one of `mediaTypes` (no parameters), at most that type's bytes; says which type it was. */
export async function readBinaryBody<Type extends string>(request: Request | ApiInput, mediaTypes: Record<Type, number>): Promise<{ mediaType: Type; body: Uint8Array }> {
  const type = (request.headers.get("content-type") ?? "").trim().toLowerCase() as Type;
  if (!Object.hasOwn(mediaTypes, type)) throw new ApiError("unsupported_media_type", PROBLEM_DETAILS.binaryMediaType(Object.keys(mediaTypes)));
  return { mediaType: type, body: await readBodyBytes(request, mediaTypes[type]) };
}
