import { deriveAppKeys } from "@/lib/crypto/app-keys";
import { parseIdentifier } from "@mimi-discovery/msp-kit";
import type { CodeMessage } from "@/lib/otp/request-code";
import { requestCode, type RequestCodeOptions } from "@/lib/otp/request-code";
import type { Database } from "@/db/client";

export const testKeys = deriveAppKeys("test-secret-test-secret-test-secret-0123");

/** Requests codes with a recording deliverer, so tests read the code a person would have received. */
export function createOtpHarness(db: Database) {
  const sent: CodeMessage[] = [];
  let clock = new Date("2026-11-22T10:00:00Z");
  return {
    sent,
    now: () => clock,
    advance: (ms: number) => {
      clock = new Date(clock.getTime() + ms);
    },
    lastCode: () => sent.at(-1)!.code,
    request: (identifier: string, overrides: Partial<RequestCodeOptions> = {}) =>
      requestCode({
        db,
        keys: testKeys,
        csi: parseIdentifier(identifier),
        purpose: "sign_in",
        clientIp: "192.0.2.1",
        phoneRegions: "*",
        now: clock,
        deliver: async (message) => {
          sent.push(message);
        },
        ...overrides,
      }),
  };
}
