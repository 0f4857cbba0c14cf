import { randomBytes } from "node:crypto";

/** A fresh nonce per page answer (CSP Level 3: at least 128 bits, base64). */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * The pages' Content-Security-Policy. Scripts run only with this answer's nonce, which Next puts on every script
 * it writes when it finds the nonce in the request's own Content-Security-Policy header (the custom server sets
 * both), and 'strict-dynamic' lets those scripts load Next's chunks. Nothing inline otherwise: no eval and no inline
 * styles (Next's dev mode alone needs them, for React Refresh and hot CSS), no plugins, no framing by any site,
 * forms post only to this origin.
 */
export function pageContentSecurityPolicy(nonce: string, options: { development: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    // Dev mode injects its stylesheets inline for hot reloading (a nonce would make browsers ignore 'unsafe-inline').
    options.development ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    // Dev mode's hot reloading talks over a WebSocket to this origin.
    `connect-src 'self'${options.development ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** Machine answers (JSON, problem documents) load nothing and are framed by nobody. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";
