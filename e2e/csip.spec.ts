import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./fixtures";

/** A CSIP with approved claims whose admin is the account holding `memberEmail`, through the test hook. */
async function seedCsip(
  request: APIRequestContext,
  data: { name: string; claims: { kind: "e164_prefix" | "email_domain"; value: string }[]; memberEmail: string },
): Promise<string> {
  const response = await request.post("/__test/csip", { data });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { csipId: string }).csipId;
}

test.describe("CSIP console", () => {
  test("a CSIP admin uploads a removal CSV: a result per row, the good row applied, bad rows and bad files change nothing", async ({
    page,
    browser,
    baseURL,
    clientIp,
    unique,
    users,
    authenticator,
    checkA11y,
    request,
  }) => {
    void clientIp;
    void authenticator;
    // A range of its own per run (inside +3369), so a rerun against a server still running does not meet the last one's claim.
    const block = String(Date.now()).slice(-6);
    const prefix = `+33695${block.slice(0, 3)}`;
    const number = `${prefix}${block.slice(3)}`;
    const spaced = `+33 6 95 ${block.slice(0, 2)} ${block.slice(2, 4)} ${block.slice(4)}`;
    const domain = `csip-e2e-${unique}.example`;

    // The recipient: proves the number, registers a passkey, publishes a mapping for it.
    await users.create({ identifier: number });
    await page.goto("/account");
    const passkeys = page.getByRole("region", { name: "Passkeys" });
    await passkeys.getByLabel("Passkey name").fill("E2E phone");
    await passkeys.getByRole("button", { name: "Register a passkey" }).click();
    await expect(passkeys.getByText("Your passkey is registered.")).toBeVisible();
    await page.goto("/mappings");
    await page.getByRole("link", { name: /New mapping/ }).click();
    const entry = page.getByTestId("mapping-entry").nth(0);
    await entry.getByLabel("Messaging service").selectOption("chat.example");
    await entry.getByRole("button", { name: "Personal" }).click();
    await page.getByRole("button", { name: "Sign with your passkey and publish" }).click();
    await expect(page).toHaveURL(/\/mappings\?published=1/);

    // The CSIP admin, in a browser of their own.
    const adminContext = await browser.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": `198.19.${Number(block.slice(0, 2)) % 250}.${(Number(block.slice(2, 4)) % 250) + 1}` } });
    const admin = await adminContext.newPage();
    const adminEmail = `csip-admin.${unique}@example.com`;
    await users.create({ identifier: adminEmail, context: adminContext });
    const csipId = await seedCsip(request, {
      name: `E2E Telco ${unique}`,
      claims: [
        { kind: "e164_prefix", value: prefix },
        { kind: "email_domain", value: domain },
      ],
      memberEmail: adminEmail,
    });

    await admin.goto("/csip");
    await expect(admin).toHaveURL(new RegExp(`/csip/${csipId}$`));
    await expect(admin.getByRole("heading", { level: 1, name: `E2E Telco ${unique}` })).toBeVisible();
    await expect(admin.getByTestId("claim-row").filter({ hasText: prefix })).toContainText("Approved");
    await expect(admin.getByTestId("claim-row").filter({ hasText: domain })).toContainText("Approved");
    await checkA11y(admin);

    // A claim: refused beside its field, then filed as awaiting approval.
    await admin.getByLabel("What you claim").selectOption("e164_prefix");
    await admin.getByLabel("Prefix or domain").fill("33 6 98");
    await admin.getByRole("button", { name: "File claim" }).click();
    await expect(admin.locator("#claim-value-error")).toContainText("Start with +");
    await admin.getByLabel("Prefix or domain").fill(`${prefix}0`);
    await admin.getByRole("button", { name: "File claim" }).click();
    await expect(admin.locator("#claim-value-error")).toContainText("lies inside your claim");
    await admin.getByLabel("What you claim").selectOption("email_domain");
    await admin.getByLabel("Prefix or domain").fill(`Mail.${domain}`);
    await admin.getByRole("button", { name: "File claim" }).click();
    await expect(admin.getByText(`Your claim on mail.${domain} is filed`)).toBeVisible();
    await expect(admin.getByTestId("claim-row").filter({ hasText: `mail.${domain}` })).toContainText("Awaiting approval");

    // The upload: one good row, one outside the range, one malformed, one with a bad reason.
    await admin.getByRole("link", { name: "Removals" }).click();
    await expect(admin.getByRole("heading", { level: 1, name: "Removals" })).toBeVisible();
    await checkA11y(admin);
    const file = [
      "csi,reason",
      `${spaced},other`,
      "+33 6 98 76 54 32,other",
      `"${prefix}111"x,other`,
      `${prefix}222,deleted`,
    ].join("\r\n");
    await admin.getByLabel("CSV file", { exact: true }).setInputFiles({ name: "removals.csv", mimeType: "text/csv", buffer: Buffer.from(file, "utf8") });
    await admin.getByRole("button", { name: "Upload and apply" }).click();
    await expect(admin.getByTestId("upload-summary")).toHaveText(
      "1 row of 4 applied; 1 mapping removed. 3 rows not applied, and nothing was changed for them: correct those rows and upload just them again.",
    );
    const row = (line: number) => admin.locator(`[data-testid="row-result"][data-line="${line}"]`);
    await expect(row(2)).toHaveAttribute("data-outcome", "removed");
    await expect(row(2)).toContainText(spaced);
    await expect(row(2)).toContainText("Removed 1 mapping.");
    await expect(row(3)).toHaveAttribute("data-outcome", "refused");
    await expect(row(3)).toContainText("outside your approved number ranges");
    await expect(row(4)).toHaveAttribute("data-outcome", "invalid");
    await expect(row(4)).toContainText("closing quote");
    await expect(row(5)).toHaveAttribute("data-outcome", "invalid");
    await expect(row(5)).toContainText("The reason must be one of released, reassigned, ported_out, other.");
    await expect(admin.getByRole("heading", { name: "Results for removals.csv" })).toBeFocused();
    await checkA11y(admin);

    // A Latin-1 file is refused as a whole, beside the field.
    await admin.getByLabel("CSV file", { exact: true }).setInputFiles({
      name: "latin1.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(`csi,reason\nrené@${domain},released\n`, "latin1"),
    });
    await admin.getByRole("button", { name: "Upload and apply" }).click();
    await expect(admin.getByRole("alert").filter({ hasText: "not UTF-8 text (it may be Latin-1" })).toBeVisible();
    await expect(admin.getByLabel("CSV file", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await checkA11y(admin);

    // Too many rows, and too many bytes even when the page's own check is bypassed: refused as a whole.
    const manyRows = `csi,reason\n${Array.from({ length: 10_001 }, (_, index) => `${prefix}${String(index % 1000).padStart(3, "0")},other`).join("\n")}\n`;
    await admin.getByLabel("CSV file", { exact: true }).setInputFiles({ name: "many.csv", mimeType: "text/csv", buffer: Buffer.from(manyRows) });
    await admin.getByRole("button", { name: "Upload and apply" }).click();
    await expect(admin.getByRole("alert").filter({ hasText: "more than 10,000 rows" })).toBeVisible();
    const uploadUrl = `/csip/${csipId}/removals/upload`;
    const tooBig = await admin.request.post(uploadUrl, {
      headers: { "content-type": "text/csv", origin: new URL(admin.url()).origin },
      data: Buffer.alloc(2 * 1024 * 1024 + 1, "a"),
    });
    expect(tooBig.status()).toBe(413);
    expect(tooBig.headers()["content-type"]).toBe("application/problem+json");
    const problem = (await tooBig.json()) as { code: string; detail: string };
    expect(problem.code).toBe("payload_too_large");
    expect(problem.detail).toContain("larger than 2 MB");
    // A long file's answer streams progress before its result (what the page's progress bar shows).
    const longFile = `csi,reason\n${Array.from({ length: 2_000 }, (_, index) => `row${index}@elsewhere.example,other`).join("\n")}\n`;
    const streamed = await admin.request.post(uploadUrl, { headers: { "content-type": "text/csv", origin: new URL(admin.url()).origin }, data: longFile });
    expect(streamed.headers()["content-type"]).toBe("application/x-ndjson");
    const lines = (await streamed.text()).trim().split("\n").map((line) => JSON.parse(line) as { progress?: { done: number; total: number }; result?: { summary: { rows: number } } });
    const progress = lines.filter((line) => line.progress).map((line) => line.progress!);
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.every((step, index) => step.total === 2_000 && (index === 0 || step.done > progress[index - 1]!.done))).toBe(true);
    expect(lines.at(-1)!.result!.summary.rows).toBe(2_000);
    const crossSite = await admin.request.post(uploadUrl, { headers: { "content-type": "text/csv", origin: "https://evil.example" }, data: file });
    expect(crossSite.status()).toBe(403);
    expect(((await crossSite.json()) as { code: string }).code).toBe("forbidden");

    // One identifier by hand: outside the CSIP's domains is refused beside the field.
    await admin.getByLabel("Phone number or email address").fill("someone@elsewhere.example");
    await admin.getByLabel("Reason", { exact: true }).selectOption("other");
    await admin.getByRole("button", { name: "Remove", exact: true }).click();
    await expect(admin.locator("#remove-csi-error")).toContainText("outside your approved");

    // The recipient sees the mapping removed, and a lookup returns nothing.
    await page.goto("/mappings");
    await expect(page.getByText("No active mapping for this identifier.")).toBeVisible();
    await page.getByText("Earlier mappings (1)").click();
    await expect(page.getByTestId("mapping-item").first().getByText("Removed", { exact: true })).toBeVisible();
    await expect(page.getByText("nothing: no mapping exists for it")).toBeVisible();

    // Ported numbers: an address cannot be ported; a number in range can.
    await admin.getByRole("link", { name: "Ported numbers" }).click();
    await expect(admin.getByRole("heading", { level: 1, name: "Ported numbers" })).toBeVisible();
    await expect(admin.getByText("No numbers ported in or out yet.")).toBeVisible();
    await checkA11y(admin);
    await admin.getByLabel("Phone number", { exact: true }).fill(`ann@${domain}`);
    await admin.getByRole("button", { name: "Report ported out" }).click();
    await expect(admin.locator("#port-csi-error")).toContainText("Only phone numbers are ported");
    await admin.getByLabel("Phone number", { exact: true }).fill(`${prefix}333`);
    await admin.getByLabel("Receiving provider").selectOption({ label: "Not registered here, or not known" });
    await admin.getByRole("button", { name: "Report ported out" }).click();
    await expect(admin.getByText("Reported as ported out; the holder's mappings stay.")).toBeVisible();
    await expect(admin.getByTestId("port-row")).toHaveCount(1);
    await expect(admin.getByTestId("port-row")).toContainText("Ported out");

    // API keys: shown once, accepted by the removal API, refused once revoked.
    await admin.getByRole("link", { name: "API keys" }).click();
    await expect(admin.getByText("No keys yet.")).toBeVisible();
    await checkA11y(admin);
    await admin.getByLabel("Key name").fill("billing");
    await admin.getByRole("button", { name: "Issue API key" }).click();
    const key = (await admin.getByTestId("issued-key").innerText()).trim();
    expect(key).toMatch(/^mimi_csip_/);
    const removal = () =>
      request.post("/api/v1/csip/removals", { headers: { authorization: `Bearer ${key}` }, data: { items: [{ csi: "+33 6 98 76 54 32", reason: "other" }] } });
    expect((await removal()).status()).toBe(403);
    await checkA11y(admin);
    await admin.getByRole("button", { name: "Revoke key billing" }).click();
    await expect(admin.getByText("The key was revoked.")).toBeVisible();
    expect((await removal()).status()).toBe(401);

    // An admin of two CSIPs chooses one; each keeps its own claims.
    await seedCsip(request, { name: `E2E Mail ${unique}`, claims: [], memberEmail: adminEmail });
    await admin.reload();
    await admin.getByRole("link", { name: "Switch CSIP" }).click();
    await expect(admin.getByRole("heading", { level: 1, name: "CSIP console" })).toBeVisible();
    await checkA11y(admin);
    await admin.getByRole("link", { name: `E2E Mail ${unique}` }).click();
    await expect(admin.getByText("No claims yet.")).toBeVisible();
    await checkA11y(admin);

    await adminContext.close();
  });

  test("someone who administers no CSIP is told what the console is, and no CSIP's pages exist for them", async ({ page, clientIp, unique, users, checkA11y }) => {
    void clientIp;
    await users.create({ identifier: `not-a-csip.${unique}@example.com` });
    await page.goto("/account");
    expect((await page.goto("/csip"))?.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "For telcos and email providers" })).toBeVisible();
    await expect(page.getByText("ask the operator of this Discovery Provider to register your company")).toBeVisible();
    await checkA11y(page);
    expect((await page.goto("/csip/123e4567-e89b-42d3-a456-426614174000/removals"))?.status()).toBe(404);
    const upload = await page.request.post("/csip/123e4567-e89b-42d3-a456-426614174000/removals/upload", {
      headers: { "content-type": "text/csv", origin: new URL(page.url()).origin },
      data: "csi,reason\n+33695000000,other\n",
    });
    expect(upload.status()).toBe(404);
  });
});
