import AxeBuilder from "@axe-core/playwright";
import { cspViolations, watchContentSecurityPolicy } from "./csp";
import { test as base, expect, type APIRequestContext, type BrowserContext, type Page } from "@playwright/test";

let counter = 0;

/** A recipient the `users` fixture made, signed in in the test's page. */
export type TestUser = { userId: string; identifier: string };

/** A hook of the test server (test/hooks/), answering JSON; a refusal fails the test with the hook's own reason. */
async function callHook<T>(request: APIRequestContext, path: string, data: object): Promise<T> {
  const response = await request.post(`/__test/${path}`, { data });
  expect(response.status(), `${path}: ${await response.text()}`).toBe(200);
  return (await response.json()) as T;
}

export type Users = { create: (options?: { identifier?: string; operator?: boolean; context?: BrowserContext }) => Promise<TestUser> };

/** A unique address per test (behind the trusted loopback proxy), unique identifiers, and helpers. */
export const test = base.extend<{
  clientIp: string;
  unique: string;
  outbox: { codeFor: (destination: string) => Promise<string> };
  clock: { advance: (ms: number) => Promise<void> };
  /**
   * Recipients made the way a person becomes one (a code requested and entered, by the server's own lib functions)
   * and signed in in this test's page; deleted after the test. In the style of cal.com's `users` fixture.
   */
  users: Users;
  checkA11y: (page: Page) => Promise<void>;
  /** A CDP virtual authenticator (CTAP2, resident keys, user verification) attached to the page. */
  authenticator: { credentialCount: () => Promise<number>; credentialIds: () => Promise<string[]> };
}>({
  // Every page of every test reports Content-Security-Policy violations, and a test with one fails.
  page: async ({ page }, use) => {
    await watchContentSecurityPolicy(page);
    await use(page);
    expect(cspViolations(page), "the browser reported Content-Security-Policy violations").toEqual([]);
  },
  authenticator: async ({ page }, use) => {
    const client = await page.context().newCDPSession(page);
    await client.send("WebAuthn.enable");
    const { authenticatorId } = await client.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    const credentials = async () => (await client.send("WebAuthn.getCredentials", { authenticatorId })).credentials;
    await use({
      credentialCount: async () => (await credentials()).length,
      // CDP gives ids in standard base64; WebAuthn JSON and mappings carry them in base64url.
      credentialIds: async () => (await credentials()).map((credential) => Buffer.from(credential.credentialId, "base64").toString("base64url")),
    });
    await client.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId });
  },
  clientIp: async ({ page }, use, testInfo) => {
    counter += 1;
    const ip = `198.18.${(testInfo.workerIndex * 50 + counter) % 250}.${(Date.now() % 250) + 1}`;
    await page.setExtraHTTPHeaders({ "x-forwarded-for": ip });
    await use(ip);
  },
  unique: async ({}, use) => {
    await use(`${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`);
  },
  outbox: async ({ request }, use) => {
    await use({
      // From the outbox table, through the test hook: the server holds the embedded database, so only it can read it.
      codeFor: async (destination: string) => {
        const address = destination.replace(/^(mailto:|tel:)/u, "");
        for (let attempt = 0; attempt < 20; attempt += 1) {
          const response = await request.post("/__test/outbox", { data: { destination: address } });
          if (response.ok()) {
            const { text } = (await response.json()) as { text: string };
            // A spoken code is written with commas between its digits.
            const code = /\b(\d{6})\b/u.exec(text.replace(/(\d), (?=\d)/gu, "$1"))?.[1];
            if (code) return code;
          }
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        throw new Error(`no code in the outbox for ${destination}`);
      },
    });
  },
  clock: async ({ request }, use) => {
    await use({ advance: async (ms: number) => void (await callHook(request, "clock", { offsetMs: ms })) });
    await callHook(request, "clock", { offsetMs: 0 });
  },
  users: async ({ page, request, baseURL }, use) => {
    const made: string[] = [];
    await use({
      create: async ({ identifier, operator = false, context = page.context() } = {}) => {
        const wanted = identifier ?? `user.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}@example.com`;
        const user = await callHook<TestUser & { cookie: { name: string; value: string; expires: number } }>(request, "recipient", { identifier: wanted, operator });
        made.push(user.userId);
        await context.addCookies([{ ...user.cookie, url: baseURL!, httpOnly: true, sameSite: "Lax" }]);
        return { userId: user.userId, identifier: user.identifier };
      },
    });
    await callHook(request, "cleanup", { userIds: made });
  },
  checkA11y: async ({}, use) => {
    await use(async (page: Page) => {
      // Next streams metadata after a client-side navigation: wait for the title (asserting there is one).
      await expect(page).toHaveTitle(/\S/);
      const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
      expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target).join(", ")}`)).toEqual([]);
    });
  },
});

export { expect };

/**
 * Signs out and waits until the header says so: a navigation started before the sign-out action has answered can
 * cancel it, and the next page would then still see the session.
 */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" }).first()).toBeVisible();
}

/** Types an identifier on the sign-in page and asks for a code. */
export async function requestSignInCode(page: Page, identifier: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Phone number or email address").fill(identifier);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByRole("textbox", { name: "Code", exact: true })).toBeVisible();
}

export async function enterCode(page: Page, code: string, button = "Sign in"): Promise<void> {
  await page.getByRole("textbox", { name: "Code", exact: true }).fill(code);
  await page.getByRole("button", { name: button }).click();
}

export function otherCode(code: string): string {
  return code === "000000" ? "111111" : "000000";
}

/** Signs in with a fresh email identifier and its code from the outbox. */
export async function signInWithEmail(page: Page, email: string, codeFor: (destination: string) => Promise<string>): Promise<void> {
  await requestSignInCode(page, email);
  await enterCode(page, await codeFor(email));
  await expect(page).toHaveURL(/\/account/);
}
