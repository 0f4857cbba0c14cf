import "server-only";
import { getEnv } from "@/env";
import { ApiError, problemResponse } from "@/http/problem";


const CONTROL = /[\u0000-\u001f\u007f]/u;
// Auth.js reads a callback URL from the query, from a form body (sign-out) and from its callback-url cookie.
const CALLBACK_COOKIE = /(?:^|;\s*)(?:__Secure-)?authjs\.callback-url=([^;]*)/u;

/**
 * Refuses, with a 400 problem document that does not echo it, any request whose query values, form values or
 * callback-url cookie hold a control character: such a value can only be an attempt to split a header or forge a
 * log line, and Auth.js answered it with a 500 that logged it raw.
 */
export function refuseControlCharacters<R extends Request>(handler: (request: R) => Promise<Response>): (request: R) => Promise<Response> {
  return async (request) => {
    if (await carriesControlCharacters(request)) {
      return problemResponse(
        getEnv().publicOrigin,
        new ApiError("malformed_request", "The request carries a control character (such as a line break) in a value, which no valid request has."),
      );
    }
    return handler(request);
  };
}

async function carriesControlCharacters(request: Request): Promise<boolean> {
  const url = new URL(request.url);
  for (const value of url.searchParams.values()) if (CONTROL.test(value)) return true;
  const cookie = CALLBACK_COOKIE.exec(request.headers.get("cookie") ?? "")?.[1];
  if (cookie !== undefined && CONTROL.test(safeDecode(cookie))) return true;
  if (request.method === "POST" && /^application\/x-www-form-urlencoded/iu.test(request.headers.get("content-type") ?? "")) {
    const form = new URLSearchParams(await request.clone().text());
    for (const value of form.values()) if (CONTROL.test(value)) return true;
  }
  return false;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
