import type { APIRequestContext } from "@playwright/test";
import { expect, test, type Users } from "./fixtures";

/**
 * Every page of the portal and the consoles, visited by one person who is a recipient, an operator and a CSIP
 * admin at once. The fixture fails the test on any Content-Security-Policy violation the browser reports.
 */
/** One person who is a recipient, an operator and a CSIP admin at once, and every page they can open. */
async function everyPage({ request, users, unique }: { request: APIRequestContext; users: Users; unique: string }): Promise<string[]> {
  // An operator of its own: the per-identifier code limits would refuse one address signed in by every test.
  await users.create({ identifier: `ops.${unique}@example.com`, operator: true });
  const seeded = await request.post("/__test/csip", {
    data: { name: `Every Page Telco ${unique}`, claims: [{ kind: "email_domain", value: `every-${unique}.example` }], memberEmail: `ops.${unique}@example.com` },
  });
  expect(seeded.status(), await seeded.text()).toBe(200);
  const { csipId } = (await seeded.json()) as { csipId: string };
  const pages = [
    "/",
    "/sign-in",
    "/account",
    "/mappings",
    "/mappings/new",
    "/admin",
    "/admin/dashboard",
    "/admin/private",
    "/admin/peers",
    "/admin/audit",
    "/admin/csips",
    `/admin/csips/${csipId}`,
    "/admin/msps/chat.example",
    "/csip",
    `/csip/${csipId}`,
    `/csip/${csipId}/removals`,
    `/csip/${csipId}/ports`,
    `/csip/${csipId}/locks`,
    `/csip/${csipId}/keys`,
    "/docs/api",
    "/dev/outbox",
  ];
  return pages;
}

test("every page answers with a strict Content-Security-Policy, and the browser reports no violation", async ({ page, request, users, unique, clientIp }) => {
  void clientIp;
  const pages = await everyPage({ request, users, unique });
  for (const path of pages) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBeLessThan(400);
    const policy = response!.headers()["content-security-policy"] ?? "";
    expect(policy, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{22,}' 'strict-dynamic'/u);
    expect(policy, path).toContain("frame-ancestors 'none'");
    expect(policy, path).toContain("form-action 'self'");
    expect(policy, path).not.toContain("unsafe-eval");
    expect(policy, path).not.toContain("unsafe-inline");
    // Next wrote its scripts with this answer's nonce, so they ran: the page is interactive.
    await expect(page.locator("body")).toBeVisible();
    const nonce = /'nonce-([^']+)'/u.exec(policy)![1]!;
    expect(await page.locator(`script[nonce]`).count(), path).toBeGreaterThan(0);
    expect(await page.evaluate((expected) => [...document.scripts].filter((script) => !script.src && script.nonce !== expected).length, nonce), path).toBe(0);
  }
  const api = await request.get("/.well-known/mimi-discovery");
  expect(api.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
});

/**
 * Every page at a 1280-pixel desktop and a 390-pixel phone: never wider than the screen (no sideways scrolling),
 * no axe violation, and a full-page screenshot of each attached to the report, to be looked at.
 */
for (const viewport of [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
]) {
  test(`every page fits a ${viewport.width}-pixel ${viewport.name} screen and passes axe`, async ({ page, request, users, unique, clientIp, checkA11y }) => {
    void clientIp;
    // Two dozen pages, each loaded, measured, checked by axe and photographed: more than one test's default minute.
    test.setTimeout(150_000);
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    const pages = await everyPage({ request, users, unique });
    await page.goto("/mappings");
    const preview = await page.getByRole("link", { name: /See exactly what a lookup returns/ }).first().getAttribute("href");
    for (const path of [...pages, preview!]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBeLessThan(400);
      await page.waitForLoadState("networkidle");
      const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
      expect(widths.page, `${path} is ${widths.page} px wide on a ${widths.screen}-pixel screen`).toBeLessThanOrEqual(widths.screen);
      await checkA11y(page);
      const name = `${viewport.name}${path.replace(/[^a-z0-9]+/giu, "-").replace(/-$/u, "") || "-home"}.png`;
      await test.info().attach(name, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
    }
  });
}
