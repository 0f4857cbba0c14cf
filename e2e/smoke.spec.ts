import { enterCode, expect, requestSignInCode, test } from "./fixtures";

/** The embedded database, as `npm start` runs it with no set-up: sign in by code, see the account, look a number up. */
test.describe("on the embedded database", () => {
  test("a newcomer signs in with a code, sees their identifier, and the API answers", async ({ page, clientIp, unique, outbox, request }) => {
    void clientIp;
    const email = `newcomer.${unique}@example.com`;
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await requestSignInCode(page, email);
    await enterCode(page, await outbox.codeFor(email));
    await expect(page).toHaveURL(/\/account/);
    await expect(page.getByRole("region", { name: "Your identifiers" }).getByText(email)).toBeVisible();
    expect((await request.get("/api/health")).status()).toBe(200);
    const metadata = (await (await request.get("/.well-known/mimi-discovery")).json()) as { issuer: string };
    expect(metadata.issuer).toBe(new URL(page.url()).origin);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("link", { name: "Sign in" }).first()).toBeVisible();
    await page.goto("/account");
    await expect(page).toHaveURL(/\/sign-in/);
  });
});
