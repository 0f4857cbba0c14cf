import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { GET as publishedDirectory } from "./route";
import { installEnv, parseEnv, type FederationConfig } from "@/env";
import { DirectoryError, signDirectory, type Directory } from "@mimi-discovery/msp-kit";
import { forgetDirectories, loadDirectory } from "@/lib/federation/load-directory";

const now = new Date();
const seconds = Math.floor(now.getTime() / 1000);
const dp = {
  issuer: "https://dp-eu.example",
  rp_id: "dp-eu.example",
  jwks_uri: "https://dp-eu.example/.well-known/jwks.json",
  endpoints: { metadata: "https://dp-eu.example/.well-known/mimi-discovery", federation_lookup: "https://dp-eu.example/api/v1/federation/lookup", invalidation: "https://dp-eu.example/api/v1/federation/invalidations" },
  region: "EU",
  authoritative_for: { e164_prefixes: ["+33"], email_domains: [] },
};

async function operator() {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
}

function writeDirectory(jws: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "mimi-dir-")), "directory.jws");
  writeFileSync(file, jws);
  return file;
}

function configFor(file: string, keys: JWK[]): FederationConfig {
  return parseEnv({ DIRECTORY_FILE: file, DIRECTORY_KEYS: JSON.stringify({ keys }), FEDERATION_MODE: "hierarchical", DATA_DIR: mkdtempSync(path.join(tmpdir(), "mimi-env-")) }).federation;
}

const directory = (overrides: Partial<Directory> = {}): Directory => ({ v: 1, iss: "directory.test", iat: seconds - 60, exp: seconds + 600, dps: [dp], ...overrides });

afterEach(() => forgetDirectories());

describe("the directory a DP trusts", () => {
  it("is read, checked against DIRECTORY_KEYS and kept until it expires", async () => {
    const key = await operator();
    const file = writeDirectory(await signDirectory(directory(), key.privateJwk));
    const config = configFor(file, [key.publicJwk]);
    expect((await loadDirectory(config, now))?.directory.dps[0]!.issuer).toBe(dp.issuer);
    // Replaced on disk by something unsigned: the cached, verified one is still the one trusted until it expires.
    writeFileSync(file, "garbage");
    expect((await loadDirectory(config, now))?.directory.dps).toHaveLength(1);
    await expect(loadDirectory(config, new Date((seconds + 601) * 1000))).rejects.toMatchObject({ code: "malformed" });
  });

  it("is refused when signed by another key or expired, and nothing of it is used", async () => {
    const key = await operator();
    const other = await operator();
    const forged = writeDirectory(await signDirectory(directory(), other.privateJwk));
    await expect(loadDirectory(configFor(forged, [key.publicJwk]), now)).rejects.toMatchObject({ code: "bad_signature" });
    const expired = writeDirectory(await signDirectory(directory({ iat: seconds - 7200, exp: seconds - 60 }), key.privateJwk));
    const error = await loadDirectory(configFor(expired, [key.publicJwk]), now).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DirectoryError);
    expect((error as DirectoryError).message).toMatch(/expired at/u);
  });

  it("is published at /.well-known/mimi-directory only while valid, as the JWS the operator signed", async () => {
    const key = await operator();
    const jws = await signDirectory(directory(), key.privateJwk);
    const valid = parseEnv({ DIRECTORY_FILE: writeDirectory(jws), DIRECTORY_KEYS: JSON.stringify(key.publicJwk), DATA_DIR: mkdtempSync(path.join(tmpdir(), "mimi-env-")) });
    installEnv(valid);
    const served = await publishedDirectory();
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("application/jose");
    expect(await served.text()).toBe(jws);

    forgetDirectories();
    const other = await operator();
    installEnv({ ...valid, federation: { ...valid.federation, directoryKeys: [other.publicJwk as never] } });
    const refused = await publishedDirectory();
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/signature does not verify/u);
  });

  it("must come with the operator's public key, never a private one", () => {
    expect(() => parseEnv({ DIRECTORY_URL: "https://dir.example/d.jws", DATA_DIR: mkdtempSync(path.join(tmpdir(), "mimi-env-")) })).toThrow(/DIRECTORY_KEYS: required/u);
    expect(() => parseEnv({ DIRECTORY_URL: "https://dir.example/d.jws", DIRECTORY_KEYS: JSON.stringify({ kty: "EC", crv: "P-256", x: "a", y: "b", d: "c" }), DATA_DIR: mkdtempSync(path.join(tmpdir(), "mimi-env-")) })).toThrow(/private key/u);
    expect(() => parseEnv({ FEDERATION_MODE: "federated", DATA_DIR: mkdtempSync(path.join(tmpdir(), "mimi-env-")) })).toThrow(/needs a directory/u);
  });
});
