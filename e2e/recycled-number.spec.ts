import type { APIRequestContext, Browser, BrowserContext, Page } from "@playwright/test";
import { enterCode, expect, requestSignInCode, signOut, test } from "./fixtures";

const DAY = 24 * 60 * 60_000;

/**
 * A French mobile number of the test's own. It starts 06 1, a block libphonenumber holds valid: the clock's last
 * eight digits alone made numbers such as 06 39 ... for days at a time, which are not valid French mobiles.
 */
function freshMobile(): { e164: string; display: string } {
  const digits = `1${String(Date.now()).slice(-7)}`;
  return { e164: `+336${digits}`, display: `+33 6 ${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4, 6)} ${digits.slice(6)}` };
}

/** A CDP virtual authenticator for a page of another browser context (the fixture's covers only `page`). */
async function addAuthenticator(page: Page): Promise<void> {
  const client = await page.context().newCDPSession(page);
  await client.send("WebAuthn.enable");
  await client.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
}

/** The newest message the development outbox holds for an address, through the test hook ("" when there is none). */
async function lastMessageTo(request: APIRequestContext, destination: string): Promise<string> {
  const response = await request.post("/__test/outbox", { data: { destination } });
  if (response.status() === 404) return "";
  expect(response.status()).toBe(200);
  return ((await response.json()) as { text: string }).text;
}

async function registerPasskey(page: Page, name: string): Promise<void> {
  await page.goto("/account");
  const passkeys = page.getByRole("region", { name: "Passkeys" });
  await passkeys.getByLabel("Passkey name").fill(name);
  await passkeys.getByRole("button", { name: "Register a passkey" }).click();
  await expect(passkeys.getByText("Your passkey is registered.")).toBeVisible();
}

async function addIdentifier(page: Page, identifier: string, codeFor: (destination: string) => Promise<string>): Promise<void> {
  await page.goto("/account");
  await page.getByLabel("New phone number or email address").fill(identifier);
  await page.getByRole("button", { name: "Send code" }).click();
  await enterCode(page, await codeFor(identifier), "Add identifier");
  await expect(page.getByText("The identifier was added to your account.")).toBeVisible();
}

/**
 * The previous holder, in a browser of their own: an email, the number, a passkey, and a published mapping of the
 * number. Returns their page.
 */
async function previousHolder(
  browser: Browser,
  baseURL: string,
  options: { email: string; phone: string; ip: string; users: { create: (o: { identifier: string; context: BrowserContext }) => Promise<unknown> }; codeFor: (d: string) => Promise<string>; publish?: boolean },
): Promise<Page> {
  const context = await browser.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": options.ip } });
  const page = await context.newPage();
  await addAuthenticator(page);
  await options.users.create({ identifier: options.email, context });
  await addIdentifier(page, options.phone, options.codeFor);
  await registerPasskey(page, "Holder's phone");
  if (options.publish) {
    await page.goto("/mappings");
    await page.getByRole("link", { name: /New mapping for \+33/u }).click();
    const entry = page.getByTestId("mapping-entry").nth(0);
    await entry.getByLabel("Messaging service").selectOption("chat.example");
    await entry.getByRole("button", { name: "Personal" }).click();
    await page.getByRole("button", { name: "Sign with your passkey and publish" }).click();
    await expect(page).toHaveURL(/\/mappings\?published=1/u);
  }
  return page;
}

async function atStepUp(page: Page, phone: string, codeFor: (destination: string) => Promise<string>): Promise<void> {
  await requestSignInCode(page, phone);
  await enterCode(page, await codeFor(phone));
  await expect(page).toHaveURL(/\/sign-in\/confirm$/u);
  await expect(page.getByRole("heading", { level: 1, name: "Is this your account?" })).toBeVisible();
}

test.describe("a recycled number never opens the previous holder's account", () => {
  test("the holder's code stops at a step-up; their passkey opens the account, and so does a code to their email", async ({
    page,
    clientIp,
    unique,
    users,
    outbox,
    authenticator,
    checkA11y,
  }) => {
    void clientIp;
    void authenticator;
    const email = `holder.${unique}@example.com`;
    const phone = freshMobile();
    await users.create({ identifier: email });
    await addIdentifier(page, phone.e164, outbox.codeFor);
    await registerPasskey(page, "E2E laptop");
    await signOut(page);

    await atStepUp(page, phone.e164, outbox.codeFor);
    // Nothing of the account: not its email, not its passkey's name.
    await expect(page.getByText(email)).toHaveCount(0);
    await expect(page.getByText("E2E laptop")).toHaveCount(0);
    await expect(page.getByText("protected by a passkey")).toBeVisible();
    await checkA11y(page);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByRole("button", { name: "Use your passkey" }).click();
    await expect(page).toHaveURL(/\/account$/u);
    await expect(page.getByRole("region", { name: "Your identifiers" }).getByRole("listitem")).toHaveCount(2);
    await signOut(page);

    // The other way in: a code to another identifier, typed in full.
    await atStepUp(page, phone.e164, outbox.codeFor);
    const other = page.getByLabel("Another phone number or email address of this account");
    await other.fill(phone.display);
    await page.getByRole("button", { name: "Send code" }).click();
    await expect(page.locator("#step-up-identifier-error")).toContainText("not the one you just signed in with");
    await other.fill(email.toUpperCase());
    await page.getByRole("button", { name: "Send code" }).click();
    await expect(page.getByText(/If .* is on this account, we sent it a 6-digit code by email/u)).toBeVisible();
    await checkA11y(page);
    await enterCode(page, await outbox.codeFor(email), "Confirm");
    await expect(page).toHaveURL(/\/account$/u);
    await expect(page.getByRole("region", { name: "Your identifiers" }).getByRole("listitem").filter({ hasText: email })).toHaveCount(1);
  });

  test("another account's passkey is refused, and leaving half way moves nothing", async ({ page, browser, baseURL, clientIp, unique, users, outbox, authenticator, checkA11y }) => {
    void clientIp;
    void authenticator;
    const email = `kept.${unique}@example.com`;
    const phone = freshMobile();
    const holder = await previousHolder(browser, baseURL!, { email, phone: phone.e164, ip: "198.19.1.1", users, codeFor: outbox.codeFor });

    // Mallory has a passkey of her own here, in this browser.
    await users.create({ identifier: `mallory.${unique}@example.com` });
    await registerPasskey(page, "Mallory's key");
    await signOut(page);

    await atStepUp(page, phone.e164, outbox.codeFor);
    await page.getByRole("button", { name: "Use your passkey" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "That passkey is not one of this account's. Nothing was changed" })).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in\/confirm$/u);

    // Half way into "new holder", then back out, then away.
    await page.getByRole("button", { name: "I am the new holder of this number" }).click();
    await expect(page.getByRole("group", { name: /Move .* to a new account of your own\?/u })).toBeVisible();
    await page.getByRole("button", { name: "Go back" }).click();
    await page.getByRole("button", { name: "Start again" }).click();
    await expect(page).toHaveURL(/\/sign-in$/u);
    await expect(page.getByLabel("Phone number or email address")).toBeVisible();
    await page.goto("/sign-in/confirm");
    await expect(page.getByRole("region", { name: "This step has ended" })).toContainText("Nothing was changed.");
    await checkA11y(page);

    await holder.goto("/account");
    await expect(holder.getByRole("region", { name: "Your identifiers" }).getByRole("listitem")).toHaveCount(2);
    await holder.goto("/mappings");
    await expect(holder.getByRole("region", { name: "Messages for you" })).toHaveCount(0);
    expect(await lastMessageTo(page.request, email)).not.toContain("left your account");
    await holder.context().close();
  });

  test("the new holder takes the number: a new account, the previous mappings de-listed, the previous holder told", async ({
    page,
    browser,
    baseURL,
    clientIp,
    unique,
    users,
    outbox,
    checkA11y,
  }) => {
    void clientIp;
    const email = `previous.${unique}@example.com`;
    const phone = freshMobile();
    const holder = await previousHolder(browser, baseURL!, { email, phone: phone.e164, ip: "198.19.2.1", users, codeFor: outbox.codeFor, publish: true });

    await atStepUp(page, phone.e164, outbox.codeFor);
    await page.getByRole("button", { name: "I am the new holder of this number" }).click();
    const confirm = page.getByRole("group", { name: /Move .* to a new account of your own\?/u });
    await expect(confirm).toBeVisible();
    await expect(confirm.getByText(/^Move/u).first()).toBeFocused();
    await checkA11y(page);
    await confirm.getByRole("button", { name: "Move it to a new account" }).click();

    await expect(page).toHaveURL(/\/account\?welcome=1&moved=1$/u);
    await expect(page.getByText("It is yours alone now")).toBeVisible();
    const list = page.getByRole("region", { name: "Your identifiers" }).getByRole("listitem");
    await expect(list).toHaveCount(1);
    await expect(list).toContainText(phone.display);
    await expect(page.getByText(email)).toHaveCount(0);
    await checkA11y(page);
    // The previous holder's mapping of the number is no longer served.
    await page.getByRole("link", { name: "Mappings" }).click();
    await expect(page.getByRole("region", { name: phone.display })).toContainText("A lookup returns nothing: no mapping exists for it");
    await expect(page.getByTestId("mapping-item")).toHaveCount(0);

    // The previous holder is told at their email, and their account no longer has the number.
    const notice = await lastMessageTo(page.request, email);
    expect(notice).toContain("so it moved to their account and its mappings were removed");
    expect(notice).not.toContain(phone.e164.slice(1));
    await holder.goto("/account");
    await expect(holder.getByRole("region", { name: "Your identifiers" }).getByRole("listitem")).toHaveCount(1);
    await holder.goto("/mappings");
    await expect(holder.getByRole("region", { name: "Messages for you" })).toContainText("Someone proved ownership");
    await holder.context().close();
  });

  test("after a long absence the holder's own word opens a code-only account, but not while a CSIP lock refuses the new holder", async ({
    page,
    browser,
    baseURL,
    clientIp,
    unique,
    users,
    outbox,
    clock,
    checkA11y,
    request,
  }) => {
    void clientIp;
    const phone = freshMobile();
    const prefix = phone.e164.slice(0, 9);
    // The holder: only the number (no passkey, no other identifier).
    const holderContext = await browser.newContext({ baseURL });
    await users.create({ identifier: phone.e164, context: holderContext });
    await holderContext.close();

    // The number's CSIP locks it, in its console.
    const adminContext = await browser.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": "198.19.3.1" } });
    const admin = await adminContext.newPage();
    const adminEmail = `csip-admin.${unique}@example.com`;
    await users.create({ identifier: adminEmail, context: adminContext });
    const seeded = await request.post("/__test/csip", { data: { name: `Lock Telco ${unique}`, claims: [{ kind: "e164_prefix", value: prefix }], memberEmail: adminEmail } });
    expect(seeded.status(), await seeded.text()).toBe(200);
    const { csipId } = (await seeded.json()) as { csipId: string };
    await admin.goto(`/csip/${csipId}/locks`);
    await expect(admin.getByRole("heading", { level: 1, name: "Locked identifiers" })).toBeVisible();
    await expect(admin.getByText("No identifier is locked.")).toBeVisible();
    await checkA11y(admin);
    await admin.getByLabel("Phone number or email address").fill("+1 408 555 1212");
    await admin.getByRole("button", { name: "Lock" }).click();
    await expect(admin.locator("#lock-csi-error")).toContainText("outside your approved number ranges");
    await admin.getByLabel("Phone number or email address").fill(phone.display);
    await admin.getByLabel("Reason").selectOption({ label: "Suspected fraud (SIM swap)" });
    await admin.getByRole("button", { name: "Lock" }).click();
    await expect(admin.getByText(`${phone.display} is locked`)).toBeVisible();
    await expect(admin.getByTestId("lock-row").filter({ hasText: phone.display })).toContainText("Suspected fraud");
    await checkA11y(admin);
    await admin.setViewportSize({ width: 390, height: 844 });
    expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await clock.advance(46 * DAY);
    await atStepUp(page, phone.e164, outbox.codeFor);
    await expect(page.getByText("Nobody has signed in here with this number for more than 45 days")).toBeVisible();
    await checkA11y(page);
    await page.getByRole("button", { name: "I am the new holder of this number" }).click();
    await page.getByRole("button", { name: "Move it to a new account" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "has locked it against a change of holder, because it is being checked for fraud, such as a SIM swap" })).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in\/confirm$/u);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });

    // The holder's own choice still opens their account, and the next sign-in is direct again.
    await page.getByRole("button", { name: "Yes, it is my account" }).click();
    await expect(page).toHaveURL(/\/account$/u);
    await expect(page.getByRole("region", { name: "Your identifiers" }).getByRole("listitem")).toContainText(phone.display);
    await signOut(page);
    await requestSignInCode(page, phone.e164);
    await enterCode(page, await outbox.codeFor(phone.e164));
    await expect(page).toHaveURL(/\/account$/u);
    await adminContext.close();
  });
});
