import { afterEach, describe, expect, it, vi } from "vitest";
import { startSmtpSink } from "@/test/support/smtp-sink";
import { sendEmail } from "@/lib/delivery/send-email";
import { captureLog } from "@/test/support/capture-log";
import { describeError, logFailure } from "./log-failure";

const RECIPIENT = "ada.lovelace@example.com";

afterEach(() => vi.restoreAllMocks());

/** A real SMTP refusal, whose message names the recipient, as nodemailer reports it. */
async function refusedDelivery(): Promise<unknown> {
  const sink = await startSmtpSink({
    onRcptTo(address, _session, callback) {
      callback(Object.assign(new Error(`550 mailbox ${address.address} unavailable`), { responseCode: 550 }));
    },
  });
  try {
    await sendEmail({ url: `smtp://127.0.0.1:${sink.port}`, from: "dp <dp@localhost>" }, { to: RECIPIENT, subject: "Code", text: "123456" });
  } catch (error) {
    return error;
  } finally {
    await sink.close();
  }
  throw new Error("the delivery was expected to fail");
}

describe("describeError", () => {
  it("gives the classes and codes of a real SMTP refusal, never the recipient its message names", async () => {
    const error = await refusedDelivery();
    expect(`${(error as Error).message} ${JSON.stringify(error)}`).toContain(RECIPIENT);
    const described = describeError(new Error("wrapped", { cause: error }));
    expect(described).toMatch(/^Error <- Error\(E[A-Z]+\)$/u);
    expect(described).not.toContain("ada");
  });

  it("follows the cause chain, and drops a code that is free text", () => {
    const inner = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:5432"), { code: "ECONNREFUSED" });
    const outer = Object.assign(new TypeError("fetch failed for bob@example.com", { cause: inner }), { code: "not a code: bob@example.com" });
    expect(describeError(outer)).toBe("TypeError <- Error(ECONNREFUSED)");
    expect(describeError("bob@example.com")).toBe("string");
    expect(describeError(undefined)).toBe("nothing");
  });

  it("logs one line with the event and that account only", () => {
    const log = captureLog();
    try {
      logFailure("code delivery", Object.assign(new Error(`no route to ${RECIPIENT}`), { code: "EENVELOPE" }));
    } finally {
      log.restore();
    }
    expect(log.lines()).toEqual([{ level: 50, time: expect.any(String), event: "code delivery", error: "Error(EENVELOPE)", msg: "code delivery failed" }]);
  });
});
