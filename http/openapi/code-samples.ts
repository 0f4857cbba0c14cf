import type { CodeSample } from "@/http/openapi/types";

/**
 * Requests to copy (x-codeSamples, as Redocly and others render them). The key comes from an environment variable,
 * never the command line's history; http/openapi.test.ts checks that the route accepts each body.
 */
export function curlPost(origin: string, path: string, body: unknown, options: { keyVariable: string; headers?: Record<string, string> }): CodeSample[] {
  const source = [
    `curl -sS -X POST '${origin}${path}' \\`,
    `  -H "Authorization: Bearer $${options.keyVariable}" \\`,
    `  -H 'Content-Type: application/json' \\`,
    ...Object.entries(options.headers ?? {}).map(([name, value]) => `  -H '${name}: ${value}' \\`),
    `  --data '${JSON.stringify(body)}'`,
  ].join("\n");
  return [{ lang: "Shell", label: "curl", source }];
}

export function curlGet(origin: string, path: string): CodeSample[] {
  return [{ lang: "Shell", label: "curl", source: `curl -sS '${origin}${path}'` }];
}
