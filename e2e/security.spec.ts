import { expect, requestSignInCode, test } from "./fixtures";

/** A server action answers only its own site, whatever a client says its host is. */
test("a cross-site server action is refused even when the client sets X-Forwarded-Host to its own site", async ({ page, request, clientIp, unique }) => {
  void clientIp;
  // The browser's own request for the code form's action, to replay it as another site would send it.
  const sent = page.waitForRequest((candidate) => candidate.method() === "POST" && candidate.headers()["next-action"] !== undefined);
  await requestSignInCode(page, `cross-site.${unique}@example.com`);
  const action = await sent;
  const replay = (headers: Record<string, string>) =>
    request.post(action.url(), {
      headers: { "next-action": action.headers()["next-action"]!, "content-type": action.headers()["content-type"]!, accept: "text/x-component", ...headers },
      data: action.postDataBuffer() ?? "",
      maxRedirects: 0,
    });
  const sameSite = await replay({ origin: new URL(page.url()).origin });
  expect(sameSite.status()).toBeLessThan(400);
  const crossSite = await replay({ origin: "https://evil.example", "x-forwarded-host": "evil.example" });
  expect(crossSite.status()).toBeGreaterThanOrEqual(400);
});
