import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { otpChannels, otpPurposes } from "@/db/schema";
import { composeCodeMessage } from "./compose-message";

const ORIGIN = "https://discovery.example.org";
const digits = fc.stringMatching(/^\d{6}$/u);

describe("composeCodeMessage", () => {
  it.each(otpPurposes)("email (%s): plain text with the code and the origin, no HTML", (purpose) => {
    const { subject, text } = composeCodeMessage({ channel: "email", code: "394817", purpose, origin: ORIGIN });
    expect(text).toContain("394817");
    expect(text).toContain(ORIGIN); // "Enter it only at <origin>": the whole origin, scheme included
    expect(text).toContain("discovery.example.org");
    expect(text).toContain("10 minutes");
    expect(`${subject}\n${text}`).not.toMatch(/[<>]|&[a-z]+;|&#/iu);
    expect(subject).not.toContain("394817");
  });

  it.each(otpPurposes)("sms (%s): the code first, then the host it is for", (purpose) => {
    const { text } = composeCodeMessage({ channel: "sms", code: "394817", purpose, origin: ORIGIN });
    expect(text.startsWith("394817 ")).toBe(true);
    expect(text).toContain("discovery.example.org");
    expect(text).not.toMatch(/[<>]/u);
  });

  it("says what the code is for", () => {
    const texts = otpPurposes.map((purpose) => composeCodeMessage({ channel: "email", code: "111111", purpose, origin: ORIGIN }).text);
    expect(new Set(texts).size).toBe(otpPurposes.length);
    expect(texts[0]).toContain("sign in to");
  });

  it("voice spells the digits one by one, twice", () => {
    const { text } = composeCodeMessage({ channel: "voice", code: "394817", purpose: "sign_in", origin: ORIGIN });
    expect(text).toContain("3, 9, 4, 8, 1, 7");
    expect(text.split("3, 9, 4, 8, 1, 7")).toHaveLength(3);
    expect(text).not.toContain("394817");
  });

  it("nothing but the code varies between messages: no other user-provided content can reach the text", () => {
    // For every channel and purpose, replacing the code by a placeholder leaves one fixed template.
    const spokenForm = (code: string) => code.split("").join(", ");
    for (const channel of otpChannels) {
      for (const purpose of otpPurposes) {
        const templates = new Set<string>();
        fc.assert(
          fc.property(digits, (code) => {
            const { subject, text } = composeCodeMessage({ channel, code, purpose, origin: ORIGIN });
            const shown = channel === "voice" ? spokenForm(code) : code;
            templates.add(`${subject}\n${text}`.replaceAll(shown, "{code}"));
          }),
          { numRuns: 20 },
        );
        expect(templates.size, `${channel}/${purpose}`).toBe(1);
        expect([...templates][0]).toContain("{code}");
      }
    }
  });

  it("ignores anything passed besides channel, code, purpose and origin", () => {
    const hostile = "<a href=\"https://evil.example\">Bob</a>";
    const options = { channel: "email", code: "394817", purpose: "sign_in", origin: ORIGIN, to: hostile, name: hostile, identifier: hostile };
    const { subject, text } = composeCodeMessage(options as Parameters<typeof composeCodeMessage>[0]);
    expect(`${subject}\n${text}`).not.toContain("evil");
    expect(`${subject}\n${text}`).not.toContain("Bob");
  });
});
