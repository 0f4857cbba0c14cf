import "server-only";
import { headers } from "next/headers";
import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import { now } from "@/lib/clock";
import { deriveAppKeys, type AppKeys } from "@/lib/crypto/app-keys";
import { createDeliverer, createTextDeliverer, type TextMessage } from "@/lib/delivery/create-deliverer";
import type { DeliverCode } from "@/lib/otp/request-code";
import { CLIENT_IP_HEADER } from "@/http/client-ip";
import { relyingPartyFor, type RelyingParty } from "@/lib/passkeys/relying-party";

let keys: AppKeys | undefined;

/** Keys derived from AUTH_SECRET; derived once, since HKDF on every request is waste. */
export function getAppKeys(): AppKeys {
  keys ??= deriveAppKeys(getEnv().authSecret);
  return keys;
}

function deliveryConfig() {
  const env = getEnv();
  return { db: getDb(), origin: env.publicOrigin, smtp: env.smtp, smsGateway: env.smsGateway, now };
}

export function getDeliverer(): DeliverCode {
  return createDeliverer(deliveryConfig());
}

/** For notices that are not codes (a withdrawn mapping, a released number, an expiry ahead). */
export function getTextDeliverer(): (message: TextMessage) => Promise<void> {
  return createTextDeliverer(deliveryConfig());
}

/**
 * The client's IP address as the custom server established it. Without that server in front (which never
 * happens in `npm start`), every client shares one value, which makes per-IP limits stricter, never looser.
 */
export async function getClientIp(): Promise<string> {
  return (await headers()).get(CLIENT_IP_HEADER) ?? "unknown";
}

export function getRelyingParty(): RelyingParty {
  return relyingPartyFor(getEnv().publicOrigin);
}
