import type { Database } from "@/db/client";
import type { OtpChannel } from "@/db/schema";
import type { Csi } from "@mimi-discovery/msp-kit";
import type { DeliverCode } from "@/lib/otp/request-code";
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

export type TextMessage = { csi: Csi; channel: OtpChannel; subject: string; text: string; idempotencyKey: string };

/** Sends any text to an identifier on its channel; a channel with nothing configured goes to the dev outbox. */
export function createTextDeliverer(config: DeliveryConfig): (message: TextMessage) => Promise<void> {
  return async ({ csi, channel, subject, text, idempotencyKey }) => {
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

/** Routes each one-time code to its channel. */
export function createDeliverer(config: DeliveryConfig): DeliverCode {
  const deliverText = createTextDeliverer(config);
  return async ({ channel, csi, code, purpose, idempotencyKey }) => {
    const { subject, text } = composeCodeMessage({ channel, code, purpose, origin: config.origin });
    await deliverText({ csi, channel, subject, text, idempotencyKey });
  };
}
