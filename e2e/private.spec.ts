import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { createTokenClient, fetchDpConfig, privateLookup } from "@mimi-discovery/msp-kit";
import type * as Kit from "@mimi-discovery/msp-kit";
import { createRelay } from "@mimi-discovery/msp-kit/relay";
import { expect, test } from "./fixtures";

test.describe("private lookups in the operator console", () => {
  test("an operator sees tokens issued per MSP, redemptions per key, the current keys, and rotates both", async ({ page, request, clientIp, users, unique, checkA11y, baseURL }) => {
    void clientIp;
    await users.create({ identifier: `ops.${unique}@example.com`, operator: true });

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

    // Each instance writes its usage counts (tokens issued among them) every 10 seconds; the hook writes them now.
    expect((await request.post("/__test/usage", { data: {} })).status()).toBe(200);
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
    await expect(page.getByTestId("audit-row").filter({ hasText: "rotated the token issuer key" }).first().getByRole("link", { name: /issuer key/ })).toHaveAttribute("href", "/admin/private");
    await expect(page.getByTestId("audit-row").filter({ hasText: "rotated the OHTTP gateway key" }).first()).toContainText("OHTTP key id");
  });
});

test("a browser looks up privately with the kit's browser entry, through a relay, and every mapping verifies", async ({ page, clientIp, users, unique, baseURL }) => {
  void clientIp;
  // The MSP's server buys the tokens with its key; the browser only spends them.
  await users.create({ identifier: `ops.${unique}@example.com`, operator: true });
  await page.goto("/admin/msps/chat.example");
  await page.getByLabel("Key name").fill("browser tokens");
  await page.getByRole("button", { name: "Issue API key" }).click();
  const key = (await page.getByTestId("issued-key").innerText()).trim();
  // Two identifiers through OPRF-keyed buckets: two evaluations and one bucket request.
  const tokens = await createTokenClient({ dp: baseURL!, apiKey: key }).fetchTokens(3);
  const relay = createRelay({ gateway: new URL("/api/v1/ohttp", baseURL) });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  try {
    const bundle = await build({ entryPoints: [fileURLToPath(new URL("../packages/msp-kit/src/browser.ts", import.meta.url))], bundle: true, platform: "browser", format: "iife", globalName: "mimiKit", write: false, logLevel: "silent" });
    // The MSP's own web app, on an origin of its own (the DP's pages allow no script but theirs). It got the DP's
    // public documents from its server, so the browser contacts nothing but the relay.
    const mspApp = createServer((req, res) => {
      if (req.url === "/kit.js") res.writeHead(200, { "content-type": "text/javascript" }).end(bundle.outputFiles[0]!.text);
      else res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><html lang="en"><title>MSP</title><script src="/kit.js"></script></html>');
    });
    await new Promise<void>((resolve) => mspApp.listen(0, "127.0.0.1", resolve));
    const config = await fetchDpConfig(baseURL!, fetch);
    const keyConfigs = Buffer.from(await (await fetch(new URL("/.well-known/ohttp-gateway", baseURL))).arrayBuffer()).toString("base64");
    // The fixture's X-Forwarded-For would go to the relay too, and the relay's CORS allows no header but the content type.
    await page.setExtraHTTPHeaders({});
    await page.goto(`http://127.0.0.1:${(mspApp.address() as AddressInfo).port}/`);
    // Listened to from the MSP's page on: the DP's console, left behind, may still prefetch its links until then.
    const dpRequests: string[] = [];
    page.on("request", (request) => {
      if (request.url().startsWith(baseURL!)) dpRequests.push(request.url());
    });
    const answers = await page.evaluate(
      async ({ dp, relayUrl, encoded, preloaded }) => {
        const kit = (window as unknown as { mimiKit: typeof Kit }).mimiKit;
        const bytes = (text: string) => Uint8Array.from(atob(text), (character) => character.charCodeAt(0));
        const slots = await kit.privateLookup(["nobody.browser@example.com", "+33 6 12 34 56 79"], {
          dp,
          relay: relayUrl,
          tokens: encoded.map(bytes),
          preloaded: { config: { ...preloaded.config, metadataUrl: new URL(preloaded.metadataUrl) }, keyConfigs: bytes(preloaded.keyConfigs) },
        });
        return slots.map((slot) => ("error" in slot ? { error: slot.error.code } : { csi: slot.csi, result: slot.result, ok: slot.ok }));
      },
      {
        dp: baseURL!,
        relayUrl: `http://127.0.0.1:${(relay.address() as AddressInfo).port}/`,
        encoded: tokens.map((token) => Buffer.from(token).toString("base64")),
        preloaded: { config: { ...config, metadataUrl: undefined }, metadataUrl: config.metadataUrl.href, keyConfigs },
      },
    );
    await new Promise<void>((resolve) => mspApp.close(() => resolve()));
    expect(dpRequests).toEqual([]);
    expect(answers).toEqual([
      { csi: "mailto:nobody.browser@example.com", result: "none", ok: true },
      { csi: "tel:+33612345679", result: "none", ok: true },
    ]);
  } finally {
    await new Promise<void>((resolve) => relay.close(() => resolve()));
  }
});

test("the API reference documents the private endpoints and their errors", async ({ page, request, checkA11y }) => {
  await page.goto("/docs/api");
  for (const path of ["/api/v1/privacy-pass/token-request", "/api/v1/ohttp", "/.well-known/ohttp-gateway", "/.well-known/private-token-issuer-directory"]) {
    await expect(page.getByText(path, { exact: true }).first()).toBeVisible();
  }
  for (const code of ["invalid_token", "token_spent", "ohttp_key_unknown", "replayed_request", "invalid_encapsulation", "misdirected_request"]) await expect(page.locator(`#error-${code}`)).toBeAttached();
  await checkA11y(page);
  await page.getByText("/api/v1/ohttp", { exact: true }).first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath("docs-ohttp.png") });
  const metadata = (await (await request.get("/.well-known/mimi-discovery")).json()) as { private_lookup: Record<string, unknown> };
  expect(Object.keys(metadata.private_lookup).sort()).toEqual(["lookup_endpoint", "ohttp_gateway", "ohttp_keys_uri", "oprf", "token_challenge", "token_issuer_directory", "token_request_endpoint", "token_type"]);
  const oprf = metadata.private_lookup.oprf as { suite: string; keys: { state: string }[] };
  expect([oprf.suite, oprf.keys[0]?.state]).toEqual(["ristretto255-SHA512", "active"]);
});
