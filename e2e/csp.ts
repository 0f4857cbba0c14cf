import type { Page } from "@playwright/test";

type Watched = Page & { cspViolations?: string[] };

/**
 * Collects every Content-Security-Policy violation the browser reports on a page: the DOM's
 * securitypolicyviolation events (an init script, which CSP does not govern, registers the listener before any
 * page script runs) and Chromium's console messages about refused resources.
 */
export async function watchContentSecurityPolicy(page: Page): Promise<void> {
  const watched = page as Watched;
  if (watched.cspViolations) return;
  const violations: string[] = [];
  watched.cspViolations = violations;
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.documentURI}`);
    });
  });
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy|CSP violation/u.test(text)) violations.push(text);
  });
}

export function cspViolations(page: Page): string[] {
  return (page as Watched).cspViolations ?? [];
}
