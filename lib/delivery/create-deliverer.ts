import type { Database } from "../../db/client";
import type { DeliverCode } from "../otp/request-code";
import { composeCodeMessage } from "./compose-message";
import { writeToDevOutbox } from "./dev-outbox";
import { sendEmail, type SmtpConfig } from "./send-email";
import { sendPhoneCode, type GatewayConfig } from "./send-phone-code";

export type DeliveryConfig = {
  db: Database;
  origin: string;
  smtp: SmtpConfig | undefined;
  smsGateway: GatewayConfig | undefined;
  now: () => Date;
};

/** Routes each code to its channel's transport; a channel with nothing configured goes to the dev outbox. */
export function createDeliverer(config: DeliveryConfig): DeliverCode {
  return async ({ channel, csi, code, purpose, idempotencyKey }) => {
    const { subject, text } = composeCodeMessage({ channel, code, purpose, origin: config.origin });
    const destination = csi.kind === "mailto" ? csi.address : csi.e164;
    if (channel === "email" && config.smtp) {
      await sendEmail(config.smtp, { to: destination, subject, text });
    } else if (channel !== "email" && config.smsGateway) {
      await sendPhoneCode(config.smsGateway, { to: destination, channel, text, idempotencyKey });
    } else {
      await writeToDevOutbox(config.db, { channel, destination, text, now: config.now() });
    }
  };
}
