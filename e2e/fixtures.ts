import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";

let counter = 0;

/** A unique address per test (behind the trusted loopback proxy), unique identifiers, and helpers. */
export const test = base.extend<{
  clientIp: string;
  unique: string;
  outbox: { codeFor: (destination: string) => Promise<string> };
  clock: { advance: (ms: number) => Promise<void> };
  checkA11y: (page: Page) => Promise<void>;
  /** A CDP virtual authenticator (CTAP2, resident keys, user verification) attached to the page. */
  authenticator: { credentialCount: () => Promise<number> };
}>({
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
    await use({
      credentialCount: async () => (await client.send("WebAuthn.getCredentials", { authenticatorId })).credentials.length,
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
  outbox: async ({ browser }, use) => {
    await use({
      codeFor: async (destination: string) => {
        const reader = await browser.newPage();
        try {
          for (let attempt = 0; attempt < 20; attempt += 1) {
            await reader.goto("/dev/outbox");
            const message = reader.getByTestId("outbox-message").filter({ hasText: destination }).first();
            if (await message.count()) {
              const body = await message.getByTestId("outbox-body").innerText();
              const code = /\b(\d{6})\b/.exec(body.replace(/(\d), (?=\d)/g, "$1"))?.[1];
              if (code) return code;
            }
            await reader.waitForTimeout(250);
          }
          throw new Error(`no code in the outbox for ${destination}`);
        } finally {
          await reader.close();
        }
      },
    });
  },
  clock: async ({ request }, use) => {
    await use({
      advance: async (ms: number) => {
        const response = await request.post("/api/test-hooks/clock", { data: { offsetMs: ms } });
        expect(response.ok()).toBeTruthy();
      },
    });
    await request.post("/api/test-hooks/clock", { data: { offsetMs: 0 } });
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
