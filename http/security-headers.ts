/**
 * The response headers every answer carries, through either door: Next's (next.config.ts applies them to every
 * route and page) and the custom server's, which serves the lookup routes without Next. One list, so the two
 * doors cannot drift apart.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "permissions-policy": "camera=(), microphone=(), geolocation=()",
};
