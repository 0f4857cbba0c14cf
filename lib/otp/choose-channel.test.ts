import { describe, expect, it } from "vitest";
import { parseIdentifier } from "@mimi-discovery/msp-kit";
import { chooseChannel } from "./choose-channel";
import { OtpError } from "./otp-error";

const csi = (text: string) => parseIdentifier(text);

describe("chooseChannel", () => {
  it("emails an email address, wherever codes to numbers are limited", () => {
    expect(chooseChannel(csi("bob@example.com"), new Set(["FR"]))).toBe("email");
  });

  it.each([
    ["a mobile", "+33 6 12 34 56 78", "sms"],
    ["a landline", "+33 1 42 68 53 00", "voice"],
    ["a number that may be either", "+1 408 555 1212", "sms"],
  ])("sends to %s by %s", (_name, number, channel) => {
    expect(chooseChannel(csi(number), "*")).toBe(channel);
  });

  it.each([
    ["VoIP", "voip"],
    ["personal", "personal_number"],
    ["unknown", "unknown"],
    ["fixed or mobile", "fixed_line_or_mobile"],
  ])("texts a %s number", (_name, lineType) => {
    expect(chooseChannel({ ...csi("+33 6 12 34 56 78"), lineType } as never, "*")).toBe("sms");
  });

  it.each([["premium_rate"], ["shared_cost"], ["toll_free"], ["pager"], ["uan"]])("refuses a %s number before anything is sent", (lineType) => {
    const error = (() => {
      try {
        chooseChannel({ ...csi("+33 6 12 34 56 78"), lineType } as never, "*");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(OtpError);
    expect(error).toMatchObject({ code: "unsupported_line_type", message: "Codes cannot be sent to this kind of number. Use a mobile or landline number." });
  });

  it("serves only the listed countries, and refuses a number whose country is not known", () => {
    expect(chooseChannel(csi("+33 6 12 34 56 78"), new Set(["FR"]))).toBe("sms");
    for (const refused of [csi("+44 7400 123456"), { ...csi("+33 6 12 34 56 78"), region: undefined }]) {
      expect(() => chooseChannel(refused as never, new Set(["FR"]))).toThrow(
        expect.objectContaining({ code: "region_not_served", message: "This service does not send codes to numbers in that country." }),
      );
    }
  });
});
