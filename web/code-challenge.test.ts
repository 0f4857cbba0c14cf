import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseIdentifier } from "@mimi-discovery/msp-kit";
import { createAppHarness } from "@/test/support/app-harness";
import { captureLog } from "@/test/support/capture-log";
import { startSmtpSink } from "@/test/support/smtp-sink";
import { startCodeChallenge } from "./code-challenge";

// Next's request context does not exist outside a request: the cookie jar and the headers are the only stand-ins.
vi.mock("next/headers", () => ({
  cookies: async () => ({ set: () => {}, get: () => undefined, delete: () => {} }),
  headers: async () => new Headers({ "x-mimi-client-ip": "192.0.2.77" }),
}));

const RECIPIENT = "grace.hopper@example.com";
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let app: Awaited<ReturnType<typeof createAppHarness>>;

beforeAll(async () => {
  sink = await startSmtpSink({
    onRcptTo(address, _session, callback) {
      callback(Object.assign(new Error(`550 ${address.address}: no such mailbox`), { responseCode: 550 }));
    },
  });
  app = await createAppHarness({ SMTP_URL: `smtp://127.0.0.1:${sink.port}` });
});
afterAll(async () => {
  await app.close();
  await sink.close();
});

/** Security rules: logs hold no plaintext identifier, error paths included. */
describe("a code that cannot be delivered", () => {
  it("tells the person to try again and logs the failure without the address", async () => {
    const printed: unknown[][] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void printed.push(args));
    const warn = vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void printed.push(args));
    const log = captureLog();
    try {
      const state = await startCodeChallenge({ csi: parseIdentifier(RECIPIENT), purpose: "sign_in", field: "identifier" });
      expect(state).toMatchObject({ tone: "error", message: expect.stringMatching(/could not be sent/u) });
    } finally {
      spy.mockRestore();
      warn.mockRestore();
      log.restore();
    }
    expect(log.count).toBeGreaterThan(0);
    const logged = [log.text(), ...printed.map((args) => args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg) ?? String(arg))).join(" "))].join("\n");
    expect(logged).toContain("code delivery");
    expect(logged).not.toMatch(/grace|hopper/iu);
  });
});
