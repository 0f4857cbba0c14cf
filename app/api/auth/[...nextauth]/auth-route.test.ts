import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAppHarness } from "@/test/support/app-harness";
import { GET, POST } from "./route";

let app: Awaited<ReturnType<typeof createAppHarness>>;
beforeAll(async () => {
  app = await createAppHarness();
});
afterAll(async () => {
  await app.close();
});

const request = (path: string, init: RequestInit = {}) => new NextRequest(new URL(path, "http://localhost:3000"), init as never);

async function logsOf(run: () => Promise<Response>): Promise<{ response: Response; logged: string }> {
  const lines: unknown[][] = [];
  const spies = (["error", "warn", "log"] as const).map((level) => vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args)));
  try {
    const response = await run();
    return { response, logged: lines.map((args) => args.map(String).join(" ")).join("\n") };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** A CR/LF in Auth.js's callbackUrl was a 500 that wrote the raw bytes to the log: a 400 now, and nothing raw logged. */
describe("Auth.js's endpoints refuse control characters", () => {
  it.each([
    ["in the query", () => GET(request("/api/auth/signin?callbackUrl=%2F%0D%0ASet-Cookie%3A%20stolen%3D1"))],
    ["in the callback-url cookie", () => GET(request("/api/auth/session", { headers: { cookie: "authjs.callback-url=%2F%0D%0Ainjected" } }))],
    [
      "in a sign-out form",
      () =>
        POST(
          request("/api/auth/signout", {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: "csrfToken=x&callbackUrl=%2F%0AX-Injected%3A%201",
          }),
        ),
    ],
  ])("%s", async (_where, send) => {
    const { response, logged } = await logsOf(send);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = await response.text();
    expect(body).toContain('"code":"malformed_request"');
    expect(body).not.toMatch(/Set-Cookie|injected|X-Injected/iu);
    expect(logged).not.toMatch(/[\r\n]|Set-Cookie|injected/iu);
  });

  it("lets an ordinary request through to Auth.js", async () => {
    const response = await GET(request("/api/auth/session"));
    expect(response.status).toBe(200);
  });
});
