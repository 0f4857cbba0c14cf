import { expect, test } from "./fixtures";

test.describe("federation in the operator console", () => {
  test("an operator sees the trusted directory and each peer, with what it is authoritative for and when it last answered", async ({ page, users, unique, checkA11y }) => {
    await users.create({ identifier: `peers.${unique}@example.com`, operator: true });
    await page.goto("/admin");
    await page.getByRole("navigation", { name: "Operator console" }).getByRole("link", { name: "Federation peers" }).click();
    await expect(page.getByRole("heading", { name: "Federation peers", level: 1 })).toBeVisible();
    await expect(page.getByRole("region", { name: "Directory" })).toContainText("Signed by e2e-directory");
    await expect(page.getByRole("region", { name: "Directory" })).toContainText("2 DPs listed");
    const peer = page.getByRole("region", { name: "https://dp-eu.example" });
    await expect(peer).toContainText("+49, eu.example");
    await expect(peer).toContainText("yes: listed in the signed directory");
    await expect(peer.getByText("Last answered us")).toBeVisible();
    await expect(page.getByRole("region", { name: /\(this DP\)$/u })).toBeVisible();
    await checkA11y(page);
  });
});
