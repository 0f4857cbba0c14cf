/**
 * The route a request path belongs to, as a template ("/csip/:csipId/removals"), for logs and nothing else. A log line
 * names the template, never the path: a path is whatever the client typed, and an unknown one may hold an
 * identifier ("/alice@example.com"), so anything that is not one of ours is "(unmatched)". Every page and route of
 * app/ is listed here (http/route-template.test.ts checks), with the custom server's own doors.
 */
const TEMPLATES = [
  "/",
  "/account",
  "/admin",
  "/admin/audit",
  "/admin/csips",
  "/admin/csips/:id",
  "/admin/dashboard",
  "/admin/msps/:id",
  "/admin/private",
  "/admin/peers",
  "/csip",
  "/csip/:csipId",
  "/csip/:csipId/keys",
  "/csip/:csipId/locks",
  "/csip/:csipId/ports",
  "/csip/:csipId/removals",
  "/csip/:csipId/removals/upload",
  "/mappings",
  "/mappings/:id/json",
  "/mappings/new",
  "/mappings/preview/:identifierId",
  "/mappings/preview/:identifierId/json",
  "/sign-in",
  "/sign-in/confirm",
  "/.well-known/jwks.json",
  "/.well-known/mimi-discovery",
  "/.well-known/mimi-directory",
  "/.well-known/ohttp-gateway",
  "/.well-known/private-token-issuer-directory",
  "/api/auth/*",
  "/api/health",
  "/api/health/live",
  "/api/health/ready",
  "/api/v1/csip/removals",
  "/api/v1/federation/lookup",
  "/api/v1/federation/invalidations",
  "/api/v1/lookup",
  "/api/v1/lookup/batch",
  "/api/v1/ohttp",
  "/api/v1/privacy-pass/token-request",
  "/api/v1/openapi.json",
  "/dev/outbox",
  "/docs/api",
  // Next's own files, and the custom server's doors.
  "/_next/*",
  "/favicon.ico",
  "/metrics",
  "/__test/*",
] as const;

export const ROUTE_TEMPLATES: readonly string[] = TEMPLATES;

const SEGMENT = /^[A-Za-z0-9._~-]{1,200}$/u;

const matchers = TEMPLATES.map((template) => {
  const parts = template.split("/").slice(1);
  return { template, parts, rest: parts.at(-1) === "*" };
});

export function routeTemplate(url: string | undefined): string {
  const path = (url ?? "/").split(/[?#]/u)[0] ?? "/";
  const segments = path === "/" ? [""] : path.split("/").slice(1);
  for (const { template, parts, rest } of matchers) {
    if (rest ? segments.length < parts.length : segments.length !== parts.length) continue;
    const fits = parts.every((part, index) => {
      const segment = segments[index]!;
      if (part === "*") return true;
      if (part.startsWith(":")) return SEGMENT.test(segment);
      return part === segment;
    });
    if (fits) return template;
  }
  return "(unmatched)";
}
