import type { AddressInfo } from "node:net";
import { createTokenClient, privateLookup } from "@mimi-discovery/msp-kit";
import { createRelay } from "@mimi-discovery/msp-kit/relay";
import { expect, test } from "./fixtures";

test.describe("private lookups in the operator console", () => {
  test("an operator sees tokens issued per MSP, redemptions per key, the current keys, and rotates both", async ({ page, clientIp, users, checkA11y, baseURL }) => {
    void clientIp;
    await users.create({ identifier: "operator@example.com" });

    // An MSP key, issued in the console, buys two tokens and spends one through a relay.
    await page.goto("/admin/msps/chat.example");
    await page.getByLabel("Key name").fill("private lookups");
    await page.getByRole("button", { name: "Issue API key" }).click();
    const key = (await page.getByTestId("issued-key").innerText()).trim();
    const relay = createRelay({ gateway: new URL("/api/v1/ohttp", baseURL) });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    try {
      const tokens = await createTokenClient({ dp: baseURL!, apiKey: key }).fetchTokens(2);
      const [answer] = await privateLookup(["nobody.private@example.com"], { dp: baseURL!, relay: `http://127.0.0.1:${(relay.address() as AddressInfo).port}/`, tokens });
      expect(answer).toMatchObject({ csi: "mailto:nobody.private@example.com", result: "none", ok: true });
    } finally {
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    }

    await page.goto("/admin/private");
    await expect(page.getByRole("heading", { name: "Private lookups" })).toBeVisible();
    const issuance = page.getByRole("region", { name: "Tokens issued per MSP" });
    await expect(issuance.getByRole("row", { name: /Chatterbox/ })).toContainText("2");
    const issuer = page.getByRole("region", { name: "Token issuer keys" });
    await expect(issuer.getByText("Issuing", { exact: true })).toBeVisible();
    await expect(issuer.getByRole("listitem").first()).toContainText(/Redemptions \(all MSPs\)[1-9]/u);
    const gateway = page.getByRole("region", { name: "OHTTP gateway keys" });
    await expect(gateway.getByText("Active", { exact: true })).toBeVisible();
    await checkA11y(page);

    // A rotation needs the word; without it, the error stands beside the field and nothing changes.
    await issuer.getByRole("button", { name: "Rotate the issuer key" }).click();
    await expect(issuer.locator("#issuer-confirm-error")).toContainText("Type rotate to confirm.");
    await expect(issuer.getByText("Redeemed only", { exact: true })).toHaveCount(0);
    await issuer.getByLabel("Type rotate to confirm").fill("rotate");
    await issuer.getByRole("button", { name: "Rotate the issuer key" }).click();
    await expect(issuer.getByText(/issues tokens from now on/u)).toBeVisible();
    await expect(issuer.getByText("Redeemed only", { exact: true })).toHaveCount(1);

    await gateway.getByLabel("Type rotate to confirm").fill("rotate");
    await gateway.getByRole("button", { name: "Rotate the OHTTP key" }).click();
    await expect(gateway.getByText(/is now active/u)).toBeVisible();
    await expect(gateway.getByText("Retired", { exact: true })).toHaveCount(1);
    await checkA11y(page);
    await page.screenshot({ path: test.info().outputPath("private-1280.png"), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await checkA11y(page);
    await page.screenshot({ path: test.info().outputPath("private-390.png"), fullPage: true });

    // The audit log names both rotations.
    await page.goto("/admin/audit");
    await expect(page.getByRole("cell", { name: "issuer_key.rotated" })).toBeVisible();
    await expect(page.getByRole("cell", { name: "ohttp_key.rotated" })).toBeVisible();
  });
});
