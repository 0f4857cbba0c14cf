import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Page } from "@playwright/test";
import { expect, signOut, test } from "./fixtures";

const run = promisify(execFile);

async function verifyWithCli(json: string, baseURL: string) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "mimi-e2e-")), "mapping.json");
  writeFileSync(file, json);
  return run("npx", ["tsx", "scripts/verify.ts", file, "--dp", baseURL]).then(
    (result) => ({ code: 0, output: result.stdout }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: `${error.stdout}${error.stderr}` }),
  );
}

test.describe("passkeys and signed mappings", () => {
  test("register a passkey, sign in with it, publish a two-MSP mapping and verify it with the CLI", async ({
    page,
    clientIp,
    unique,
    users,
    authenticator,
    checkA11y,
    baseURL,
  }) => {
    void clientIp;
    const email = `bob.${unique}@example.com`;
    await users.create({ identifier: email });
    await page.goto("/account");

    const passkeys = page.getByRole("region", { name: "Passkeys" });
    await expect(passkeys.getByText("No passkey yet")).toBeVisible();
    await passkeys.getByLabel("Passkey name").fill("E2E laptop");
    await passkeys.getByRole("button", { name: "Register a passkey" }).click();
    await expect(passkeys.getByText("Your passkey is registered.")).toBeVisible();
    await expect(passkeys.getByRole("listitem").filter({ hasText: "E2E laptop" })).toBeVisible();
    expect(await authenticator.credentialCount()).toBe(1);
    await checkA11y(page);

    await signOut(page);
    await page.goto("/sign-in");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await expect(page).toHaveURL(/\/account/);
    await expect(page.getByRole("region", { name: "Your identifiers" }).getByText(email)).toBeVisible();

    await page.getByRole("link", { name: "Mappings" }).click();
    await expect(page.getByText("No active mapping for this identifier.")).toBeVisible();
    await checkA11y(page);
    await page.getByRole("link", { name: /New mapping/ }).click();
    await expect(page.getByRole("heading", { name: "New mapping" })).toBeVisible();
    await checkA11y(page);

    // Choice 1: Chatterbox, only for two particular people (a per-sender rule).
    const first = page.getByTestId("mapping-entry").nth(0);
    await first.getByLabel("Messaging service").selectOption("chat.example");
    await first.getByRole("button", { name: "Personal" }).click();
    await first.getByLabel("Who reaches you here").selectOption("senders");
    await first.getByLabel("Their phone numbers or email addresses, one per line").fill("+1 (650) 253-0000\nAlice@Example.com");
    // The list exists only in the browser: the recipient can keep a copy of it.
    const download = page.waitForEvent("download");
    await first.getByRole("button", { name: /Save a copy of this list/ }).click();
    const saved = await download;
    expect(saved.suggestedFilename()).toBe("senders-1.txt");
    // Choice 2: Workwire, for senders who declare Business.
    await page.getByRole("button", { name: "Add a messaging service" }).click();
    const second = page.getByTestId("mapping-entry").nth(1);
    await second.getByLabel("Messaging service").selectOption("work.example");
    await second.getByRole("button", { name: "Business" }).click();
    await second.getByLabel("Who reaches you here").selectOption("context");
    await expect(second.getByLabel("Contexts, comma-separated")).toHaveValue("Business");

    const preview = page.getByTestId("mapping-preview");
    await expect(preview).toContainText("2 particular");
    await expect(preview).toContainText("Business");
    const preference = page.getByTestId("mapping-preference");
    await expect(preference.getByRole("listitem").nth(0)).toContainText("Chatterbox (chat.example), for 2 particular senders, tagged Default, Personal");
    await expect(preference.getByRole("listitem").nth(1)).toContainText("Workwire (work.example), for senders who declare Business, tagged Business");
    await expect(page.getByRole("heading", { name: "In plain words: “Personal”" })).toBeVisible();
    await page.getByRole("button", { name: "Sign with your passkey and publish" }).click();
    await expect(page).toHaveURL(/\/mappings\?published=1/);
    await expect(page.getByText("Your mapping is signed and published.")).toBeVisible();
    const item = page.getByTestId("mapping-item").first();
    await expect(item.getByText("Active", { exact: true })).toBeVisible();
    await expect(item.getByText("version 1", { exact: true })).toBeVisible();

    const href = await item.getByRole("link", { name: /Download the signed mapping/ }).getAttribute("href");
    const downloaded = await page.request.get(href!);
    expect(downloaded.ok()).toBeTruthy();
    const json = await downloaded.text();
    const served = JSON.parse(json) as { document: { csi: string; entries: { msp: string; audience: { kind: string; selectors?: string[] } }[] } };
    expect(served.document.csi).toBe(`mailto:${email}`);
    expect(served.document.entries.map((entry) => entry.msp)).toEqual(["chat.example", "work.example"]);
    expect(served.document.entries[0]!.audience.selectors).toHaveLength(2);
    expect(json).not.toContain("alice@example.com");
    expect(json).not.toContain("6502530000");

    const verified = await verifyWithCli(json, baseURL!);
    expect(verified.output).toContain("✓");
    expect(verified.code).toBe(0);
    const tampered = await verifyWithCli(json.replace('"work.example"', '"evil.example"'), baseURL!);
    expect(tampered.code).toBe(1);
    expect(tampered.output).toContain("✗");

    // What a lookup returns, as a page: each mapping verified, and the service a described sender would pick,
    // worked out in the browser (the sender's number is never sent).
    await page.getByRole("link", { name: /See exactly what a lookup returns/ }).first().click();
    await expect(page.getByRole("heading", { name: `What a lookup of ${email} returns` })).toBeVisible();
    await expect(page.getByTestId("verified-mapping")).toContainText("verifies");
    const resolution = page.getByTestId("resolution");
    await page.getByLabel("Context they declare").fill("Business");
    await expect(resolution).toContainText("They would message you on work.example.");
    await page.getByLabel("Their number or address").fill("+1 (650) 253-0000");
    await expect(resolution).toContainText("They would message you on chat.example.");
    await checkA11y(page);
    const raw = await page.request.get((await page.getByRole("link", { name: "Open the raw JSON" }).getAttribute("href"))!);
    expect(((await raw.json()) as { result: string }).result).toBe("found");
    await page.goto("/mappings");

    // The recipient removes it, confirming with the passkey: the next lookup no longer returns it.
    await item.getByRole("button", { name: "Remove “Personal”" }).click();
    await page.getByRole("group", { name: "Confirm removal" }).getByRole("button", { name: "Confirm with your passkey" }).click();
    await expect(page.getByText("The mapping is removed.")).toBeVisible();
    await expect(page.getByText("No active mapping for this identifier.")).toBeVisible();
    await page.getByText(/Earlier mappings \(1\)/).click();
    await expect(page.getByTestId("mapping-item").first().getByText("Removed", { exact: true })).toBeVisible();
    await expect(page.getByText("Removed a mapping")).toBeVisible();
    await expect(page.getByText(`“Personal” of ${email}`).first()).toBeVisible();
    await page.getByRole("link", { name: /See exactly what a lookup returns/ }).first().click();
    await expect(page.getByText("Result: none: no mapping exists")).toBeVisible();
    await checkA11y(page);
  });

  test("an identifier's mappings signed with a passkey of its own, which no other identifier shares", async ({ page, users, unique, authenticator, checkA11y }) => {
    const email = `own-key.${unique}@example.com`;
    await users.create({ identifier: email });
    await page.goto("/account");
    const passkeys = page.getByRole("region", { name: "Passkeys" });
    await passkeys.getByLabel("Passkey name").fill("Laptop");
    await passkeys.getByRole("button", { name: "Register a passkey" }).click();
    await expect(passkeys.getByText("Your passkey is registered.")).toBeVisible();
    await expect(passkeys.getByLabel("Passkey name")).toHaveValue("");
    const [accountKey] = await authenticator.credentialIds();

    await page.goto("/mappings/new");
    const signing = page.getByRole("region", { name: "Signed with" });
    await expect(signing).toContainText("Your account's passkey, “Laptop”");
    await signing.getByText(`Give ${email} a passkey of its own`).click();
    await expect(signing).toContainText("cannot tell from their signatures that they are all yours");
    await checkA11y(page);
    await signing.getByRole("button", { name: "Create its passkey" }).click();
    await expect(signing).toContainText(`This identifier's own passkey, “${email} only”`);
    const ownKey = (await authenticator.credentialIds()).find((id) => id !== accountKey);
    expect(ownKey).toBeDefined();
    await page.screenshot({ path: test.info().outputPath("own-passkey-editor.png"), fullPage: true });

    await page.getByTestId("mapping-entry").nth(0).getByLabel("Messaging service").selectOption("chat.example");
    await page.getByRole("button", { name: "Sign with your passkey and publish" }).click();
    await expect(page).toHaveURL(/\/mappings\?published=1/);
    const href = await page.getByTestId("mapping-item").first().getByRole("link", { name: /Download the signed mapping/ }).getAttribute("href");
    const served = (await (await page.request.get(href!)).json()) as { proof: { assertion: { credential_id: string } } };
    expect(served.proof.assertion.credential_id).toBe(ownKey);

    await page.goto("/account");
    await expect(page.getByRole("region", { name: "Passkeys" }).getByText(`Signs the mappings of ${email} only`)).toBeVisible();
  });
});

test.describe("publishing from the mapping editor", () => {
  async function registerPasskey(page: Page, name: string) {
    await page.goto("/account");
    const passkeys = page.getByRole("region", { name: "Passkeys" });
    await passkeys.getByLabel("Passkey name").fill(name);
    await passkeys.getByRole("button", { name: "Register a passkey" }).click();
    await expect(passkeys.getByText("Your passkey is registered.")).toBeVisible();
  }

  async function lookupResult(page: Page): Promise<{ result: string; mappings: { document: { label: string; entries: unknown[] } }[] }> {
    const href = await page.getByRole("link", { name: /See exactly what a lookup returns/ }).getAttribute("href");
    return (await (await page.request.get(href!)).json()) as never;
  }

  async function publish(page: Page, options: { label: string; msp?: string; fresh?: boolean }) {
    await page.goto("/mappings/new");
    await page.getByLabel("Label").fill(options.label);
    if (options.msp) {
      await page.getByTestId("mapping-entry").nth(0).getByLabel("Messaging service").selectOption(options.msp);
    } else {
      await page.getByRole("button", { name: "Remove choice 1" }).click();
      await expect(page.getByText(/No messaging service listed: publishing this says you opted out/)).toBeVisible();
    }
    if (options.fresh) await page.getByLabel(/Start fresh/).check();
    await page.getByRole("button", { name: "Sign with your passkey and publish" }).click();
    await expect(page).toHaveURL(/\/mappings\?published=/);
  }

  test("an opt-out, a label published again, and Start fresh, each as lookups then see it", async ({ page, users, unique, authenticator, checkA11y }) => {
    void authenticator;
    await users.create({ identifier: `editor.${unique}@example.com` });
    await registerPasskey(page, "Editor key");

    await publish(page, { label: "Quiet" });
    await expect(page.getByText(/an opt-out: mappings exist and list no messaging service/)).toBeVisible();
    expect(await lookupResult(page)).toMatchObject({ result: "opted_out", mappings: [{ document: { label: "Quiet", entries: [] } }] });
    await checkA11y(page);

    // The same label again replaces that mapping: the opt-out becomes an earlier, superseded one.
    await publish(page, { label: "Quiet", msp: "chat.example" });
    const active = page.getByRole("list", { name: /^Active mappings of/ }).getByTestId("mapping-item");
    await expect(active).toHaveCount(1);
    await expect(active.first().getByText("version 2", { exact: true })).toBeVisible();
    await page.getByText(/Earlier mappings \(1\)/).click();
    await expect(page.getByText("Superseded", { exact: true })).toBeVisible();
    expect(await lookupResult(page)).toMatchObject({ result: "found", mappings: [{ document: { label: "Quiet" } }] });

    // Another label sits beside it; then Start fresh de-lists every earlier mapping.
    await publish(page, { label: "Work", msp: "work.example" });
    expect((await lookupResult(page)).mappings.map((mapping) => mapping.document.label)).toEqual(["Quiet", "Work"]);
    await publish(page, { label: "Everything", msp: "chat.example", fresh: true });
    await expect(active).toHaveCount(1);
    await expect(active.first().getByText("· fresh (de-listed earlier mappings)")).toBeVisible();
    await page.getByText(/Earlier mappings \(3\)/).click();
    await expect(page.getByText("De-listed", { exact: true })).toHaveCount(2);
    expect((await lookupResult(page)).mappings.map((mapping) => mapping.document.label)).toEqual(["Everything"]);
    await checkA11y(page);
  });

  test("a removed passkey can no longer sign in, and the sign-in page says so", async ({ page, users, unique, authenticator, checkA11y }) => {
    const email = `removed-key.${unique}@example.com`;
    await users.create({ identifier: email });
    await registerPasskey(page, "Old phone");
    expect(await authenticator.credentialCount()).toBe(1);

    const passkeys = page.getByRole("region", { name: "Passkeys" });
    await passkeys.getByRole("button", { name: "Remove passkey Old phone" }).click();
    await expect(page.getByText("The passkey was removed. It can no longer sign in or sign mappings.")).toBeVisible();
    await expect(passkeys.getByText("No passkey yet")).toBeVisible();

    // The device still offers the credential; the DP no longer knows it.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.goto("/sign-in");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "This passkey is not registered here." })).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in/);
    await checkA11y(page);
    await page.goto("/account");
    await expect(page).toHaveURL(/\/sign-in/);
  });
});
