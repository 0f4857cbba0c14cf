import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeGateway, type GatewayRequest } from "@/test/support/fake-gateway";
import { GatewayError, sendPhoneCode, type PhoneMessage } from "./send-phone-code";

type Gateway = Awaited<ReturnType<typeof startFakeGateway>>;
type Responder = Parameters<typeof startFakeGateway>[0];

const TOKEN = "test-gateway-token-7f3a";
const MESSAGE: PhoneMessage = {
  to: "+33612345678",
  channel: "sms",
  text: "394817 is your code to sign in to discovery.example.org. It expires in 10 minutes. Never share it.",
  idempotencyKey: "otp-challenge-0b9d2c1e",
};
// A short backoff keeps the suite fast (production: 250 ms). The timeout stays generous (production: 5 s) so that
// a cold first fetch on a busy machine is not taken for a timeout; the timeout tests set their own.
const FAST = { timeoutMs: 2_000, backoffMs: 10, maxAttempts: 3 };

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function startGateway(respond?: Responder): Promise<Gateway> {
  gateway = await startFakeGateway(respond);
  return gateway;
}

/** What the caller handed over, exactly and only: a retry must repeat it byte for byte. */
function expectSameMessage(request: GatewayRequest | undefined, message: PhoneMessage = MESSAGE) {
  expect(request?.body).toStrictEqual({ to: message.to, channel: message.channel, text: message.text });
  expect(request?.headers["idempotency-key"]).toBe(message.idempotencyKey);
  expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable("the send should have failed"),
    (error: unknown) => error,
  );
}

describe("sendPhoneCode", () => {
  it("posts one JSON request {to, channel, text} with a Bearer token and an Idempotency-Key", async () => {
    const { url, requests } = await startGateway();
    await sendPhoneCode({ url, token: TOKEN }, MESSAGE, FAST);
    expect(requests).toHaveLength(1);
    expectSameMessage(requests[0]);
    expect(requests[0]?.headers["content-type"]).toBe("application/json");
  });

  it("passes the voice channel through", async () => {
    const { url, requests } = await startGateway();
    const voice: PhoneMessage = { ...MESSAGE, to: "+442079460958", channel: "voice", text: "Your code is: 3, 9, 4, 8, 1, 7." };
    await sendPhoneCode({ url, token: TOKEN }, voice, FAST);
    expect(requests).toHaveLength(1);
    expectSameMessage(requests[0], voice);
  });

  it("after a 503, retries with the same Idempotency-Key and the same body, so no second code is ever sent", async () => {
    const { url, requests } = await startGateway((_request, index) => ({ status: index === 0 ? 503 : 202 }));
    await sendPhoneCode({ url, token: TOKEN }, MESSAGE, FAST);
    expect(requests).toHaveLength(2);
    expectSameMessage(requests[0]);
    expectSameMessage(requests[1]);
    expect(requests[1]?.body).toStrictEqual(requests[0]?.body);
  });

  it.each([408, 425, 429, 500, 502, 503, 504])("retries after %i", async (status) => {
    const { url, requests } = await startGateway((_request, index) => ({ status: index === 0 ? status : 200 }));
    await sendPhoneCode({ url, token: TOKEN }, MESSAGE, FAST);
    expect(requests).toHaveLength(2);
    expectSameMessage(requests[1]);
  });

  it("gives up on an answer slower than timeoutMs and retries with the same key and body", async () => {
    const { url, requests } = await startGateway((_request, index) => (index === 0 ? { status: 202, delayMs: 5_000 } : { status: 202 }));
    const started = performance.now();
    await sendPhoneCode({ url, token: TOKEN }, MESSAGE, { ...FAST, timeoutMs: 400 });
    // It did not wait for the slow answer.
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(requests).toHaveLength(2);
    expectSameMessage(requests[0]);
    expectSameMessage(requests[1]);
  });

  it.each([400, 401, 403, 404, 409, 422])("does not retry a %i and throws a GatewayError with that status", async (status) => {
    const { url, requests } = await startGateway(() => ({ status }));
    const error = await rejectionOf(sendPhoneCode({ url, token: TOKEN }, MESSAGE, FAST));
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(status);
    expect(requests).toHaveLength(1);
  });

  it("throws a GatewayError after maxAttempts failures, every attempt the same message", async () => {
    const { url, requests } = await startGateway(() => ({ status: 503 }));
    const error = await rejectionOf(sendPhoneCode({ url, token: TOKEN }, MESSAGE, { ...FAST, maxAttempts: 4 }));
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).message).toMatch(/4 attempts/u);
    const cause = (error as GatewayError).cause;
    expect(cause).toBeInstanceOf(GatewayError);
    expect((cause as GatewayError).status).toBe(503);
    expect(requests).toHaveLength(4);
    for (const request of requests) expectSameMessage(request);
  });

  it("throws a GatewayError after maxAttempts timeouts", async () => {
    const { url, requests } = await startGateway(() => ({ status: 202, delayMs: 3_000 }));
    const error = await rejectionOf(sendPhoneCode({ url, token: TOKEN }, MESSAGE, { ...FAST, timeoutMs: 100, maxAttempts: 2 }));
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).cause).toMatchObject({ name: "TimeoutError" });
    expect(requests).toHaveLength(2);
    for (const request of requests) expectSameMessage(request);
  });

  it("throws a GatewayError, not a raw network error, when the gateway cannot be reached", async () => {
    const closed = await startFakeGateway();
    await closed.close();
    const error = await rejectionOf(sendPhoneCode({ url: closed.url, token: TOKEN }, MESSAGE, FAST));
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).message).toMatch(/3 attempts/u);
  });

  it("waits longer before each retry (exponential backoff)", async () => {
    const arrivals: number[] = [];
    const { url } = await startGateway((_request, index) => {
      arrivals.push(performance.now());
      return { status: index < 2 ? 503 : 202 };
    });
    await sendPhoneCode({ url, token: TOKEN }, MESSAGE, { ...FAST, backoffMs: 100 });
    expect(arrivals).toHaveLength(3);
    const [first = 0, second = 0, third = 0] = arrivals;
    // Lower bounds only (a busy machine is slower, never faster); 5 ms of slack for timer granularity.
    expect(second - first).toBeGreaterThanOrEqual(95);
    expect(third - second).toBeGreaterThanOrEqual(195);
  });
});
