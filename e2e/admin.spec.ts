import { expect, test } from "./fixtures";

test.describe("operator console and the MSP API", () => {
  test("an operator registers an MSP, issues a key that works within its limits, and revokes it", async ({
    page,
    clientIp,
    unique,
    users,
    checkA11y,
    request,
  }) => {
    void clientIp;
    // The server was started with OPERATORS=operator@example.com: whoever proves that address is an operator.
    await users.create({ identifier: "operator@example.com" });
    await page.goto("/admin");
    await expect(page.getByRole("heading", { name: "Messaging services" })).toBeVisible();
    await expect(page.getByRole("cell", { name: /Chatterbox/ })).toBeVisible();
    await checkA11y(page);

    const mspId = `e2e-${unique}.example`;
    await page.getByLabel("MSP id (its domain name)").fill("Not A Domain");
    await page.getByLabel("Display name").fill("E2E Messenger");
    await page.getByRole("button", { name: "Register MSP" }).click();
    await expect(page.locator("#msp-id-error")).toContainText("domain name");

    await page.getByLabel("MSP id (its domain name)").fill(mspId);
    await page.getByLabel("Display name").fill("E2E Messenger");
    await page.getByLabel("Burst (identifiers)").fill("5");
    await page.getByLabel("Refill (identifiers per second)").fill("0.01");
    await page.getByRole("button", { name: "Register MSP" }).click();
    await expect(page.getByRole("heading", { name: "E2E Messenger" })).toBeVisible();
    await checkA11y(page);

    // A telco that runs this messaging service: its port-outs withdraw mappings listing it.
    await page.goto("/admin/csips");
    await page.getByLabel("Name").fill(`E2E Telco ${unique}`);
    await page.getByRole("button", { name: "Register CSIP" }).click();
    await expect(page.getByRole("heading", { name: `E2E Telco ${unique}` })).toBeVisible();
    await checkA11y(page);
    await page.goto(`/admin/msps/${mspId}`);
    await page.getByLabel("Operated by", { exact: true }).selectOption({ label: `E2E Telco ${unique}` });
    await page.getByRole("region", { name: "Operated by a CSIP" }).getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Saved: a port-out by that CSIP withdraws mappings listing this MSP.")).toBeVisible();

    await page.getByLabel("Key name").fill("production");
    await page.getByRole("button", { name: "Issue API key" }).click();
    const key = (await page.getByTestId("issued-key").innerText()).trim();
    expect(key).toMatch(/^mimi_msp_/);

    const lookup = (csis: string[]) =>
      request.post("/api/v1/lookup/batch", { headers: { authorization: `Bearer ${key}` }, data: { csis } });
    const first = await lookup(["a@example.com", "b@example.com", "+33 6 12 34 56 78"]);
    expect(first.status()).toBe(200);
    expect(first.headers()["ratelimit-remaining"]).toBe("2");
    const body = (await first.json()) as { results: { csi: string; result: string }[] };
    expect(body.results.map((item) => item.csi)).toEqual(["mailto:a@example.com", "mailto:b@example.com", "tel:+33612345678"]);
    const spent = await lookup(["c@example.com", "d@example.com", "e@example.com"]);
    expect(spent.status()).toBe(429);
    expect(Number(spent.headers()["retry-after"])).toBeGreaterThan(0);
    expect(spent.headers()["content-type"]).toBe("application/problem+json");

    await page.getByRole("button", { name: "Revoke key production" }).click();
    await expect(page.getByText("The key was revoked.")).toBeVisible();
    expect((await lookup(["a@example.com"])).status()).toBe(401);

    await page.getByRole("link", { name: "Audit log" }).click();
    // The log says it in words, names the MSP and links to it, and names who did it.
    const revoked = page.getByTestId("audit-row").filter({ hasText: "revoked an API key" }).first();
    await expect(revoked).toContainText("An operator (o•••@example.com)");
    await expect(revoked.getByRole("link", { name: "E2E Messenger" })).toHaveAttribute("href", `/admin/msps/${mspId}`);
    await expect(page.getByText("api_key.revoked")).toHaveCount(0);
    await checkA11y(page);
  });

  test("the console does not exist for someone who is not an operator", async ({ page, clientIp, unique, users }) => {
    void clientIp;
    await users.create({ identifier: `visitor.${unique}@example.com` });
    const response = await page.goto("/admin");
    expect(response?.status()).toBe(404);
  });

  test("the metadata and keys are published", async ({ request }) => {
    const metadata = (await (await request.get("/.well-known/mimi-discovery")).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({ rp_id: "localhost", max_batch: 1000, csi_types: ["tel", "mailto"], protocol_versions: [1] });
    const jwks = (await (await request.get(String(metadata.jwks_uri).replace(/^https?:\/\/[^/]+/, ""))).json()) as { keys: { kid: string; d?: string }[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    expect(jwks.keys.every((entry) => entry.kid && entry.d === undefined)).toBe(true);
  });
});

test("the API reference documents every endpoint and error, and is accessible", async ({ page, request, checkA11y }) => {
  await page.goto("/docs/api");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.locator("#error-rate_limited")).toBeAttached();
  await expect(page.getByText("/api/v1/lookup/batch").first()).toBeVisible();
  await checkA11y(page);
  const openapi = (await (await request.get("/api/v1/openapi.json")).json()) as { openapi: string; paths: Record<string, unknown> };
  expect(openapi.openapi).toBe("3.1.0");
  expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(["/api/v1/lookup", "/api/v1/lookup/batch"]));
});
