import { enterCode, expect, otherCode, requestSignInCode, signOut, test } from "./fixtures";

test.describe("sign-in with a one-time code", () => {
  test("the landing page says what the service is and for whom", async ({ page, checkA11y }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Who it is for" })).toBeVisible();
    await expect(page.getByText("Development mode")).toBeVisible();
    await checkA11y(page);
  });

  test("by email: code from the outbox, signed in, identifier listed, signed out", async ({ page, clientIp, unique, outbox, checkA11y }) => {
    void clientIp;
    const email = `ada.${unique}@example.com`;
    await page.goto("/sign-in");
    await checkA11y(page);
    await requestSignInCode(page, `  Ada.${unique}@EXAMPLE.com `);
    await expect(page.getByText("by email")).toBeVisible();
    await checkA11y(page);
    await enterCode(page, await outbox.codeFor(email));
    await expect(page).toHaveURL(/\/account/);
    await expect(page.getByText("Welcome! Your account is ready.")).toBeVisible();
    await expect(page.getByRole("region", { name: "Your identifiers" }).getByRole("listitem").filter({ hasText: email })).toHaveCount(1);
    await checkA11y(page);
    await signOut(page);
    await page.goto("/account");
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("by phone: a mobile gets a text message, a landline a voice call", async ({ page, clientIp, outbox }) => {
    void clientIp;
    const mobile = `+3361${String(Date.now()).slice(-7)}`; // 06 1…: valid whatever the clock says
    await requestSignInCode(page, `${mobile.slice(0, 3)} ${mobile.slice(3, 4)} ${mobile.slice(4)}`);
    await expect(page.getByText("by text message")).toBeVisible();
    await enterCode(page, await outbox.codeFor(mobile));
    await expect(page).toHaveURL(/\/account/);
    await signOut(page);

    await requestSignInCode(page, "+44 20 7946 0958");
    await expect(page.getByText("by a voice call")).toBeVisible();
  });

  test("a wrong code five times ends the challenge; the right code is then refused", async ({ page, clientIp, unique, outbox }) => {
    void clientIp;
    const email = `eve.${unique}@example.com`;
    await requestSignInCode(page, email);
    const code = await outbox.codeFor(email);
    for (const left of [4, 3, 2, 1]) {
      await enterCode(page, otherCode(code));
      await expect(page.getByText(`That code is not right. ${left} ${left === 1 ? "try" : "tries"} left.`)).toBeVisible();
    }
    await enterCode(page, otherCode(code));
    await expect(page.getByRole("alert").filter({ hasText: "Too many wrong tries" })).toBeVisible();
    await enterCode(page, code);
    await expect(page.getByRole("alert").filter({ hasText: "Too many wrong tries" })).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("an expired code is refused, and a new code works", async ({ page, clientIp, unique, outbox, clock }) => {
    void clientIp;
    const email = `old.${unique}@example.com`;
    await requestSignInCode(page, email);
    const code = await outbox.codeFor(email);
    await clock.advance(10 * 60_000 + 1_000);
    await enterCode(page, code);
    await expect(page.getByRole("alert").filter({ hasText: "This code has expired" })).toBeVisible();
    await page.getByRole("button", { name: "Send a new code" }).click();
    await expect(page.getByText("A new code is on its way")).toBeVisible();
    const fresh = await outbox.codeFor(email);
    await enterCode(page, fresh);
    await expect(page).toHaveURL(/\/account/);
  });

  test("bad identifiers are explained next to the field and nothing is sent", async ({ page, clientIp }) => {
    void clientIp;
    const cases: [string, RegExp][] = [
      ["a@b.com@c.com", /exactly one @/],
      ["Bob <bob@example.com>", /without a name/],
      ["+1 408 FLOWERS", /digits only/],
      ["+1 408 555 1212 ext 7", /without an extension/],
      ["4085551212", /country code/],
      ["+49 30 123456", /does not send codes to numbers in that country/],
    ];
    for (const [input, message] of cases) {
      await page.goto("/sign-in");
      const field = page.getByLabel("Phone number or email address");
      await field.fill(input);
      await page.getByRole("button", { name: "Send code" }).click();
      await expect(page.locator("#sign-in-identifier-error")).toHaveText(message);
      await expect(field).toHaveAttribute("aria-invalid", "true");
      await expect(page.getByRole("textbox", { name: "Code", exact: true })).toHaveCount(0);
    }
  });
});
