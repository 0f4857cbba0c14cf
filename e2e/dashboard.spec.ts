import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/** The figure in the row of the dashboard table `tableName`, for the column `column`, summed over every period. */
async function tableTotal(page: Page, tableName: string, column: string): Promise<number> {
  const table = page.getByRole("table", { name: tableName });
  const headers = await table.locator("thead th").allInnerTexts();
  const index = headers.findIndex((header) => header.trim() === column);
  expect(index, `${tableName} has a column ${column}: ${headers.join(", ")}`).toBeGreaterThan(0);
  const cells = await table.locator(`tbody tr > :nth-child(${index + 1})`).allInnerTexts();
  return cells.reduce((sum, cell) => sum + Number(cell.replace(/,/gu, "")), 0);
}

/** Opens every chart's table that is not open yet (a client-side navigation keeps the ones already open). */
async function openTables(page: Page): Promise<void> {
  const closed = page.locator("details:not([open]) > summary", { hasText: "The figures as a table" });
  for (let left = await closed.count(); left > 0; left -= 1) {
    await closed.first().focus();
    await page.keyboard.press("Enter");
    await expect(closed).toHaveCount(left - 1);
  }
}

test("the dashboard shows what a scripted run did: an MSP's lookups, its 429s and a published mapping", async ({ page, request, users, unique, clientIp, authenticator, checkA11y }) => {
  void clientIp;
  void authenticator;
  await users.create({ identifier: "operator@example.com" });

  // An MSP of its own, so that its series holds this run's lookups and nothing else.
  const mspId = `dash-${unique}.example`;
  const name = `Dash ${unique}`;
  await page.goto("/admin");
  await page.getByLabel("MSP id (its domain name)").fill(mspId);
  await page.getByLabel("Display name").fill(name);
  await page.getByLabel("Burst (identifiers)").fill("4");
  await page.getByLabel("Refill (identifiers per second)").fill("0.01");
  await page.getByRole("button", { name: "Register MSP" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await page.getByLabel("Key name").fill("dashboard");
  await page.getByRole("button", { name: "Issue API key" }).click();
  const key = (await page.getByTestId("issued-key").innerText()).trim();
  const lookup = (csis: string[]) => request.post("/api/v1/lookup/batch", { headers: { authorization: `Bearer ${key}` }, data: { csis } });
  expect((await lookup(["a@example.com", "b@example.com", "c@example.com"])).status()).toBe(200);
  expect((await request.post("/api/v1/lookup", { headers: { authorization: `Bearer ${key}` }, data: { csi: "d@example.com" } })).status()).toBe(200);
  expect((await lookup(["e@example.com", "f@example.com"])).status()).toBe(429);
  expect((await lookup(["g@example.com"])).status()).toBe(429);

  // A recipient publishes a mapping.
  const recipient = `dash.${unique}@example.com`;
  await users.create({ identifier: recipient });
  await page.goto("/account");
  const passkeys = page.getByRole("region", { name: "Passkeys" });
  await passkeys.getByLabel("Passkey name").fill("Laptop");
  await passkeys.getByRole("button", { name: "Register a passkey" }).click();
  await expect(passkeys.getByText("Your passkey is registered.")).toBeVisible();
  await page.goto("/mappings/new");
  await page.getByTestId("mapping-entry").nth(0).getByLabel("Messaging service").selectOption("chat.example");
  await page.getByRole("button", { name: "Sign with your passkey and publish" }).click();
  await expect(page.getByText("Your mapping is signed and published.")).toBeVisible();

  // The operator again; the server writes usage every 10 seconds, the hook now.
  await users.create({ identifier: "operator@example.com" });
  const flushed = await request.post("/__test/usage", { data: {} });
  expect(flushed.status()).toBe(200);

  await page.goto("/admin");
  await page.getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Last 24 hours" })).toHaveAttribute("aria-current", "page");
  for (const chart of ["lookups", "refusals", "tokens", "published", "removed", "expiring"]) {
    await expect(page.getByTestId(`chart-${chart}`).locator("rect").first()).toBeAttached();
  }
  // The figures, read from the tables every chart carries (opened as a keyboard user would).
  await openTables(page);
  expect(await tableTotal(page, "Identifiers looked up per hour", name)).toBe(4);
  expect(await tableTotal(page, "Refused requests per hour", "Rate limited (429)")).toBeGreaterThanOrEqual(2);
  expect(await tableTotal(page, "Mappings published per hour", "Published")).toBeGreaterThanOrEqual(1);
  expect(await tableTotal(page, "Mappings expiring per day, next 30 days", "Expiring")).toBeGreaterThanOrEqual(0);
  await checkA11y(page);
  await page.screenshot({ path: test.info().outputPath("dashboard-day.png"), fullPage: true });

  await page.getByRole("link", { name: "Last 30 days" }).click();
  await expect(page.getByRole("link", { name: "Last 30 days" })).toHaveAttribute("aria-current", "page");
  await openTables(page);
  expect(await tableTotal(page, "Identifiers looked up per day", name)).toBe(4);
  await checkA11y(page);
});
