import { exportJWK, generateKeyPair, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { authoritativeDp, DirectoryError, signDirectory, verifyDirectory, type Directory } from "./index.ts";

const now = new Date("2026-12-01T12:00:00Z");
const seconds = Math.floor(now.getTime() / 1000);

function dp(issuer: string, prefixes: string[], domains: string[] = []) {
  return {
    issuer,
    rp_id: new URL(issuer).hostname,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    endpoints: { metadata: `${issuer}/.well-known/mimi-discovery`, federation_lookup: `${issuer}/api/v1/federation/lookup`, invalidation: `${issuer}/api/v1/federation/invalidations` },
    region: "test",
    authoritative_for: { e164_prefixes: prefixes, email_domains: domains },
  };
}

const directory: Directory = {
  v: 1,
  iss: "directory.example",
  iat: seconds - 60,
  exp: seconds + 3600,
  dps: [dp("https://dp-us.example", ["+1"]), dp("https://dp-eu.example", ["+33", "+49"]), dp("https://dp-mail.example", [], ["mail.example"])],
};

async function operatorKey(kid: string): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  return { privateJwk: { ...(await exportJWK(privateKey)), kid }, publicJwk: { ...(await exportJWK(publicKey)), kid } };
}

async function refusal(promise: Promise<unknown>): Promise<DirectoryError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DirectoryError)) throw new Error(`expected a DirectoryError, got ${String(error)}`);
  return error;
}

describe("the signed directory (protocol section 8)", () => {
  it("verifies under the configured key and gives back what was signed", async () => {
    const key = await operatorKey("op-1");
    const jws = await signDirectory(directory, key.privateJwk);
    expect(await verifyDirectory(jws, [key.publicJwk], now)).toEqual(directory);
  });

  it("refuses a directory signed by another key, with a tampered payload, or expired", async () => {
    const key = await operatorKey("op-1");
    const other = await operatorKey("op-1");
    const jws = await signDirectory(directory, key.privateJwk);
    expect((await refusal(verifyDirectory(jws, [other.publicJwk], now))).code).toBe("bad_signature");

    const [header, , signature] = jws.split(".");
    const forged = Buffer.from(JSON.stringify({ ...directory, dps: [dp("https://evil.example", ["+33"])] })).toString("base64url");
    expect((await refusal(verifyDirectory(`${header}.${forged}.${signature}`, [key.publicJwk], now))).code).toBe("bad_signature");

    const expired = await signDirectory({ ...directory, iat: seconds - 7200, exp: seconds - 1 }, key.privateJwk);
    const error = await refusal(verifyDirectory(expired, [key.publicJwk], now));
    expect(error.code).toBe("expired");
    expect(error.message).toMatch(/expired at/u);
  });

  it("refuses a key it was not configured with by kid, and a JWS that is not a directory", async () => {
    const key = await operatorKey("op-1");
    const jws = await signDirectory(directory, key.privateJwk);
    expect((await refusal(verifyDirectory(jws, [{ ...key.publicJwk, kid: "op-2" }], now))).code).toBe("unknown_key");
    expect((await refusal(verifyDirectory("not a jws", [key.publicJwk], now))).code).toBe("malformed");
  });

  it("refuses to sign two DPs authoritative for the same prefix", async () => {
    const key = await operatorKey("op-1");
    await expect(signDirectory({ ...directory, dps: [...directory.dps, dp("https://dp-fr.example", ["+33"])] }, key.privateJwk)).rejects.toThrow(/claimed by both/u);
  });

  it("names the DP with the longest matching prefix, or the email domain's DP", () => {
    const nested = { dps: [dp("https://dp-nanp.example", ["+1"]), dp("https://dp-ca.example", ["+1604"])] };
    expect(authoritativeDp(nested, "tel:+16045551234")?.issuer).toBe("https://dp-ca.example");
    expect(authoritativeDp(nested, "tel:+14085551212")?.issuer).toBe("https://dp-nanp.example");
    expect(authoritativeDp(directory, "mailto:bob@mail.example")?.issuer).toBe("https://dp-mail.example");
    expect(authoritativeDp(directory, "mailto:bob@sub.mail.example")).toBeUndefined();
    expect(authoritativeDp(directory, "tel:+441234567890")).toBeUndefined();
  });
});
