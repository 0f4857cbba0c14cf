import { describe, expect, it } from "vitest";
import { createTestDp, NOW, sampleDocument, signMapping } from "../testing/signed-mapping-fixture.ts";
import { SoftwareAuthenticator } from "../testing/software-authenticator.ts";
import { createDirectoryVerifier } from "./directory-verifier.ts";
import type { Directory, DirectoryDp } from "./directory-schema.ts";
import { verifyFederatedAnswer } from "./verify-federated-answer.ts";

function entry(issuer: string, e164: string[]): DirectoryDp {
  return {
    issuer,
    rp_id: "localhost",
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    endpoints: { metadata: `${issuer}/m`, federation_lookup: `${issuer}/l`, invalidation: `${issuer}/i` },
    region: "test",
    authoritative_for: { e164_prefixes: e164, email_domains: [] },
  };
}

/** Two DPs, each with its own key, serving their JWKS through a fetch that knows only them. */
async function twoDps() {
  const us = await createTestDp({ issuer: "http://localhost:3001", kid: "us-key" });
  const eu = await createTestDp({ issuer: "http://localhost:3002", kid: "eu-key" });
  const directory: Directory = { v: 1, iss: "d", iat: 0, exp: 4_000_000_000, dps: [entry(us.issuer, ["+1"]), entry(eu.issuer, ["+33"])] };
  const fetch = (async (url: string | URL) => {
    const dp = [us, eu].find((candidate) => String(url) === `${candidate.issuer}/.well-known/jwks.json`);
    return dp ? Response.json(dp.options.jwks) : new Response("no", { status: 404 });
  }) as typeof globalThis.fetch;
  const verifier = createDirectoryVerifier({ directory, fetch, now: () => NOW });
  return { us, eu, directory, verifier };
}

describe("a federated lookup answer, verified with the directory as the list of trusted DPs", () => {
  it("accepts a mapping of the authoritative DP under that DP's keys, whichever DP served the answer", async () => {
    const { eu, directory, verifier } = await twoDps();
    const authenticator = await SoftwareAuthenticator.create();
    const mapping = await signMapping({ dp: eu, authenticator, document: sampleDocument({ dp: eu.issuer, csi: "tel:+33612345678" }) });
    const answer = { csi: "tel:+33612345678", result: "found", mappings: [{ id: "00000000-0000-4000-8000-000000000001", ...mapping }] };
    const verified = await verifyFederatedAnswer(answer, "tel:+33612345678", { directory, verifier, now: NOW });
    expect(verified.ok).toBe(true);
    expect(verified.usable).toHaveLength(1);
  });

  it("refuses a genuine mapping from a DP that is not authoritative for the CSI, and one from a DP not in the directory", async () => {
    const { us, directory, verifier } = await twoDps();
    const authenticator = await SoftwareAuthenticator.create();
    const wrongDp = await signMapping({ dp: us, authenticator, document: sampleDocument({ dp: us.issuer, csi: "tel:+33612345678" }) });
    const stranger = await createTestDp({ issuer: "http://localhost:3999", kid: "x" });
    const unlisted = await signMapping({ dp: stranger, authenticator, document: sampleDocument({ dp: stranger.issuer, csi: "tel:+33612345678", seq: 8 }) });
    const answer = {
      csi: "tel:+33612345678",
      result: "found",
      mappings: [
        { id: "00000000-0000-4000-8000-000000000002", ...wrongDp },
        { id: "00000000-0000-4000-8000-000000000003", ...unlisted },
      ],
    };
    const verified = await verifyFederatedAnswer(answer, "tel:+33612345678", { directory, verifier, now: NOW });
    expect(verified.ok).toBe(false);
    expect(verified.usable).toEqual([]);
    expect(verified.mappings.map((item) => item.verification.checks[0]!.detail)).toEqual([
      expect.stringMatching(/not authoritative for tel:\+33612345678; http:\/\/localhost:3002 is/u),
      expect.stringMatching(/not a DP of the directory/u),
    ]);
  });

  it("refuses a mapping signed with another DP's key than the one its document names", async () => {
    const { us, eu, directory, verifier } = await twoDps();
    const authenticator = await SoftwareAuthenticator.create();
    // Claims to be dp-eu's, but its binding is dp-us's.
    const forged = await signMapping({ dp: eu, authenticator, document: sampleDocument({ dp: eu.issuer, csi: "tel:+33612345678" }), binding: await us.signBinding({ iss: eu.issuer, sub: "tel:+33612345678", cnf: { jwk: authenticator.publicKeyJwk() } }) });
    const verified = await verifyFederatedAnswer({ csi: "tel:+33612345678", result: "found", mappings: [{ id: "00000000-0000-4000-8000-000000000004", ...forged }] }, "tel:+33612345678", { directory, verifier, now: NOW });
    expect(verified.ok).toBe(false);
    expect(verified.mappings[0]!.verification.checks.find((check) => check.id === "binding")).toMatchObject({ ok: false });
  });
});
