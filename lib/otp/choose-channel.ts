import type { OtpChannel } from "@/db/schema";
import type { Csi } from "@mimi-discovery/msp-kit";
import { OtpError } from "./otp-error";

/**
 * Landlines get a voice call, not an SMS; numbers that cannot receive a code to their owner (premium rate,
 * shared cost, pagers, ...) are refused before anything is sent, since they are also the favourite targets of
 * SMS pumping fraud.
 */
export function chooseChannel(csi: Csi, phoneRegions: "*" | Set<string>): OtpChannel {
  if (csi.kind === "mailto") return "email";
  if (phoneRegions !== "*" && (!csi.region || !phoneRegions.has(csi.region))) {
    throw new OtpError("region_not_served", "This service does not send codes to numbers in that country.");
  }
  switch (csi.lineType) {
    case "fixed_line":
      return "voice";
    case "mobile":
    case "fixed_line_or_mobile":
    case "voip":
    case "personal_number":
    case "unknown":
      return "sms";
    default:
      throw new OtpError("unsupported_line_type", "Codes cannot be sent to this kind of number. Use a mobile or landline number.");
  }
}
