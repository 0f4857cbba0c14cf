import { expect, test } from "./fixtures";

/**
 * Every page of the portal and the consoles, visited by one person who is a recipient, an operator and a CSIP
 * admin at once. The fixture fails the test on any Content-Security-Policy violation the browser reports.
 */
test("every page answers with a strict Content-Security-Policy, and the browser reports no violation", async ({ page, request, users, unique, clientIp }) => {
  void clientIp;
  // The server was started with OPERATORS=operator@example.com.
  await users.create({ identifier: "operator@example.com" });
  const seeded = await request.post("/__test/csip", {
    data: { name: `Every Page Telco ${unique}`, claims: [{ kind: "email_domain", value: `every-${unique}.example` }], memberEmail: "operator@example.com" },
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
