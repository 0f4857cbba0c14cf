import { describe, expect, it } from "vitest";
import { closeRawClient, openRawClient, wrapClient } from "@/db/client";
import { isDatabaseUnavailable } from "@/db/errors";
import { createOtpHarness } from "@/test/support/otp-harness";

describe("with the database down", () => {
  it("a code request fails closed: a database-unavailable error and nothing sent", async () => {
    // Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
    const raw = openRawClient({ url: "postgres://postgres@127.0.0.1:9/none" });
    const otp = createOtpHarness(wrapClient(raw));
    const error = await otp.request("ada@example.com").catch((caught: unknown) => caught);
    await closeRawClient(raw);
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(otp.sent).toHaveLength(0);
  });

  it("a closed embedded database is reported the same way", async () => {
    const raw = openRawClient({ memory: true });
    await closeRawClient(raw);
    const otp = createOtpHarness(wrapClient(raw));
    const error = await otp.request("ada@example.com").catch((caught: unknown) => caught);
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(otp.sent).toHaveLength(0);
  });
});
