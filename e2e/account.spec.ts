import { enterCode, expect, requestSignInCode, signOut, test } from "./fixtures";

test.describe("account identifiers", () => {
  test("add a second identifier, then sign in with it to the same account", async ({ page, clientIp, unique, outbox, users }) => {
    void clientIp;
    const email = `grace.${unique}@example.com`;
    const phone = `+3361${String(Date.now()).slice(-7)}`; // 06 1…: a block libphonenumber holds valid whatever the clock says
    await users.create({ identifier: email });
    await page.goto("/account");

    await page.getByLabel("New phone number or email address").fill(phone);
    await page.getByRole("button", { name: "Send code" }).click();
    await enterCode(page, await outbox.codeFor(phone), "Add identifier");
    await expect(page.getByText("The identifier was added to your account.")).toBeVisible();
    const list = page.getByRole("region", { name: "Your identifiers" });
    await expect(list.getByRole("listitem")).toHaveCount(2);

    await signOut(page);
    await requestSignInCode(page, phone);
    await enterCode(page, await outbox.codeFor(phone));
    await expect(page).toHaveURL(/\/account/);
    await expect(page.getByRole("region", { name: "Your identifiers" }).getByRole("listitem").filter({ hasText: email })).toHaveCount(1);
  });

  test("removing an identifier needs a fresh confirmation; the last one stays", async ({ page, clientIp, unique, outbox, clock, checkA11y, users }) => {
    void clientIp;
    const first = `hopper.${unique}@example.com`;
    const second = `hopper2.${unique}@example.com`;
    await users.create({ identifier: first });
    await page.goto("/account");
    await page.getByLabel("New phone number or email address").fill(second);
    await page.getByRole("button", { name: "Send code" }).click();
    await enterCode(page, await outbox.codeFor(second), "Add identifier");
    // The clock moves only once the code was taken, or it would expire the code in flight.
    await expect(page.getByText("The identifier was added to your account.")).toBeVisible();

    await clock.advance(11 * 60_000);
    await page.goto("/account");
    await expect(page.getByRole("region", { name: "Confirm it is you" })).toBeVisible();
    await expect(page.getByRole("button", { name: /^Remove/ })).toHaveCount(0);
    await checkA11y(page);

    await page.getByLabel("Send a code to").selectOption({ label: first });
    await page.getByRole("button", { name: "Send code" }).click();
    await enterCode(page, await outbox.codeFor(first), "Confirm");
    await expect(page.getByRole("region", { name: "Add an identifier" })).toBeVisible();

    await page.getByRole("button", { name: `Remove ${second}` }).click();
    await expect(page.getByText("The identifier was removed from your account.")).toBeVisible();
    const list = page.getByRole("region", { name: "Your identifiers" });
    await expect(list.getByRole("listitem")).toHaveCount(1);
    await expect(page.getByRole("button", { name: /^Remove/ })).toHaveCount(0);
  });

  test("the development outbox page is accessible", async ({ page, checkA11y }) => {
    await page.goto("/dev/outbox");
    await expect(page.getByRole("heading", { name: "Development outbox" })).toBeVisible();
    await checkA11y(page);
  });
});
