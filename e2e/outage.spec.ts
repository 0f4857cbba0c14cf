import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { expect, test } from "./fixtures";
import { spawnServer, type SpawnedServer } from "@/test/support/spawn-server";
import { startTcpFaultProxy, type TcpFaultProxy } from "@/test/support/tcp-fault-proxy";

/**
 * A signed-in recipient while PostgreSQL is unreachable: a server of this spec's own, its database behind a TCP
 * proxy the test cuts (connections reset, the port refused), as a killed database looks to the DP.
 */
const databaseUrl = process.env.TEST_DATABASE_URL;
test.skip(!databaseUrl, "needs a PostgreSQL server (TEST_DATABASE_URL) to take away");

let server: SpawnedServer;
let proxy: TcpFaultProxy;
let base: string;
let admin: postgres.Sql;
let direct: postgres.Sql;
let name: string;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function ready(expected: number) {
  await expect
    .poll(async () => (await fetch(`${base}/api/health/ready`).catch(() => ({ status: 0 }))).status, { timeout: 15_000 })
    .toBe(expected);
}

test.beforeAll(async () => {
  admin = postgres(databaseUrl!, { max: 1, onnotice: () => {} });
  name = `mimi_e2e_outage_${randomBytes(6).toString("hex")}`;
  await admin.unsafe(`create database ${name}`);
  const target = new URL(databaseUrl!);
  target.pathname = `/${name}`;
  direct = postgres(target.toString(), { max: 1, onnotice: () => {} });
  proxy = await startTcpFaultProxy({ port: Number(target.port || 5432) });
  const proxied = new URL(target);
  proxied.port = String(proxy.port);
  const port = await freePort();
  base = `http://localhost:${port}`;
  server = spawnServer({
    PORT: String(port),
    HOST: "localhost",
    DATA_DIR: mkdtempSync(path.join(tmpdir(), "mimi-outage-")),
    DATABASE_URL: proxied.toString(),
    TEST_HOOKS: "1",
    TRUSTED_PROXIES: "127.0.0.1,::1",
  });
  await server.waitFor("listening on", 120_000);
  await ready(200);
});

test.afterAll(async () => {
  server?.child.kill("SIGTERM");
  await server?.exited;
  await proxy?.close();
  await direct?.end();
  await admin?.unsafe(`drop database if exists ${name} with (force)`);
  await admin?.end();
});

test("during an outage a signed-in recipient is told it is brief and nothing changed, stays signed in, and a publish is refused cleanly", async ({
  page,
  request,
  authenticator,
  checkA11y,
}) => {
  void authenticator;
  const email = `outage.${Date.now().toString(36)}@example.com`;
  const made = await request.post(`${base}/__test/recipient`, { data: { identifier: email } });
  expect(made.status()).toBe(200);
  const { cookie } = (await made.json()) as { cookie: { name: string; value: string; expires: number } };
  await page.context().addCookies([{ ...cookie, url: base, httpOnly: true, sameSite: "Lax" }]);

  await page.goto(`${base}/account`);
  const passkeys = page.getByRole("region", { name: "Passkeys" });
  await passkeys.getByLabel("Passkey name").fill("Outage laptop");
  await passkeys.getByRole("button", { name: "Register a passkey" }).click();
  await expect(passkeys.getByText("Your passkey is registered.")).toBeVisible();

  // The database goes away: the page says so, in place, and does not send the person to the sign-in page.
  await proxy.cut();
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${base}/mappings`);
    await expect(page).toHaveURL(`${base}/mappings`);
    await expect(page.getByRole("heading", { name: "The service is briefly unavailable" })).toBeVisible();
    await expect(page.getByText("Nothing was changed")).toBeVisible();
    await expect(page.getByText("you are still signed in")).toBeVisible();
    await expect(page.getByRole("link", { name: "Sign in" })).toHaveCount(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: test.info().outputPath(`unavailable-${width}.png`), fullPage: true });
    await checkA11y(page);
  }

  // Back: "Try again" shows the page, still signed in.
  await proxy.restore();
  await ready(200);
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("heading", { name: "Your mappings" })).toBeVisible();
  await page.setViewportSize({ width: 1280, height: 900 });

  // A publish whose signed answer reaches the server during an outage: refused with "nothing changed".
  await page.getByRole("link", { name: /New mapping/ }).click();
  await expect(page.getByRole("heading", { name: "New mapping" })).toBeVisible();
  let actions = 0;
  await page.route(`${base}/mappings/new**`, async (route) => {
    if (route.request().method() === "POST" && route.request().headers()["next-action"]) {
      actions += 1;
      // The second action is the publish (the first prepared the document and its challenge).
      if (actions === 2) await proxy.cut();
    }
    await route.continue();
  });
  await page.getByRole("button", { name: "Sign with your passkey and publish" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "temporarily unavailable" })).toHaveText("The service is temporarily unavailable. Nothing was changed; please try again shortly.");
  await expect(page).toHaveURL(/\/mappings\/new/u);
  const mappingRows = await direct<{ count: string }[]>`select count(*)::text as count from mappings`;
  expect(mappingRows[0]?.count).toBe("0");
  await page.screenshot({ path: test.info().outputPath("publish-refused.png"), fullPage: true });

  await page.unroute(`${base}/mappings/new**`);
  await proxy.restore();
  await ready(200);
  await page.getByRole("button", { name: "Sign with your passkey and publish" }).click();
  await expect(page).toHaveURL(/\/mappings\?published=1/u);

  // Nothing in the log pairs with the person: no identifier, no session token, no hash of one.
  const tokenHash = (await direct<{ token: string }[]>`select session_token as token from sessions`).map((row) => row.token);
  const log = server.output();
  expect(log).toContain("database: unreachable");
  for (const secret of [email, cookie.value, ...tokenHash]) expect(log).not.toContain(secret);
});
