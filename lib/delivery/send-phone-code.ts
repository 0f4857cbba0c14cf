export type GatewayConfig = { url: string; token: string };

export type PhoneMessage = {
  to: string; // E.164
  channel: "sms" | "voice";
  text: string;
  idempotencyKey: string;
};

export type GatewayOptions = {
  timeoutMs?: number;
  maxAttempts?: number;
  backoffMs?: number;
};

export class GatewayError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "GatewayError";
  }
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * Sends an SMS or a voice call through the configured HTTP gateway (request format in README, "SMS and voice
 * gateway"). Every attempt of one message carries the same Idempotency-Key and the same text, so a timeout
 * followed by a retry can never make the gateway send a second, different code.
 */
export async function sendPhoneCode(config: GatewayConfig, message: PhoneMessage, options: GatewayOptions = {}): Promise<void> {
  const { timeoutMs = 5_000, maxAttempts = 3, backoffMs = 250 } = options;
  const body = JSON.stringify({ to: message.to, channel: message.channel, text: message.text });
  let lastError: unknown;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    let retryAfterMs = backoffMs * 2 ** (attempt - 1);
    try {
      const response = await fetch(config.url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${config.token}`,
          "content-type": "application/json",
          "idempotency-key": message.idempotencyKey,
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error",
      });
      await response.body?.cancel();
      if (response.ok) return;
      lastError = new GatewayError(`gateway answered ${response.status}`, response.status);
      if (!RETRYABLE_STATUS.has(response.status)) throw lastError;
      const retryAfter = Number(response.headers.get("retry-after"));
      if (Number.isFinite(retryAfter) && retryAfter > 0) retryAfterMs = Math.min(retryAfter * 1000, 5_000);
    } catch (error) {
      if (error instanceof GatewayError && !RETRYABLE_STATUS.has(error.status ?? 0)) throw error;
      lastError = error;
    }
    if (attempt < maxAttempts) await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
  }
  throw new GatewayError(`gateway failed after ${maxAttempts} attempts`, undefined, { cause: lastError });
}
