import { canonicalize, fetchDpConfig, verifyMapping } from "@mimi-discovery/msp-kit";
import { publishedJwks } from "@/lib/keys/signing-keys";
import type { BenchDatabase } from "./database";
import { createRandom, csiAt } from "./dataset";
import { sendOnce } from "./load";
import type { Published } from "./publish";

export type SampleVerification = { sampled: number; verified: number; failures: { csi: string; problem: string }[] };

/**
 * Checks a random sample of the seeded mappings the way an MSP would: the stored document and proof through
 * the MSP kit's verifyMapping, against the DP's published JWKS, issuer and rpID. Also checks that each stored
 * document is exactly its own RFC 8785 form (the bytes the passkey signed) and that every sampled identifier has
 * exactly one active mapping.
 */
export async function verifySample(database: BenchDatabase, options: { n: number; size: number; seed: number }): Promise<SampleVerification> {
  const now = new Date();
  const issuer = database.state.issuer;
  const verifyOptions = { jwks: await publishedJwks(database.db, now), issuer, rpId: new URL(issuer).hostname, now };
  const random = createRandom(options.seed ^ 0x5eed);
  const size = Math.min(options.size, options.n);
  const failures: SampleVerification["failures"] = [];
  let verified = 0;
  for (let sampled = 0; sampled < size; sampled += 1) {
    const csi = csiAt(Math.floor(random() * options.n));
    const rows = await database.sql<{ document: string; binding: string; assertion: unknown }[]>`
      select document, binding, assertion from mappings where csi = ${csi} and status = 'active'`;
    if (rows.length !== 1) {
      failures.push({ csi, problem: `${rows.length} active mappings, expected 1` });
      continue;
    }
    const row = rows[0]!;
    const document: unknown = JSON.parse(row.document);
    if (canonicalize(document) !== row.document) {
      failures.push({ csi, problem: "the stored document is not in RFC 8785 canonical form" });
      continue;
    }
    const verification = await verifyMapping({ document, proof: { binding: row.binding, assertion: row.assertion } }, verifyOptions);
    if (verification.ok) verified += 1;
    else failures.push({ csi, problem: verification.checks.filter((check) => !check.ok).map((check) => `${check.id}: ${check.detail}`).join(" | ") });
  }
  return { sampled: size, verified, failures };
}

/**
 * After the publish phase: a random sample of the identifiers it published, looked up through the app's lookup
 * API (as an MSP asks, with the benchmark MSP's key) and verified with the MSP kit's verifyMapping against the keys,
 * issuer and rpID the DP publishes in its metadata (fetchDpConfig). Each answer must hold exactly one mapping, the
 * one the publish returned (same id and seq), and it must verify.
 */
export async function verifyPublished(options: {
  base: string;
  issuer: string;
  apiKey: string;
  published: readonly Published[];
  size: number;
  seed: number;
}): Promise<SampleVerification> {
  const config = await fetchDpConfig(options.issuer, fetch);
  if (config.issuer !== options.issuer) throw new Error(`the DP's metadata names the issuer ${config.issuer}, expected ${options.issuer}`);
  const now = new Date();
  const random = createRandom(options.seed ^ 0x9b11);
  const pool = [...options.published];
  const size = Math.min(options.size, pool.length);
  const failures: SampleVerification["failures"] = [];
  let verified = 0;
  for (let sampled = 0; sampled < size; sampled += 1) {
    // Without replacement: swap a random remaining one to the front.
    const pick = sampled + Math.floor(random() * (pool.length - sampled));
    [pool[sampled], pool[pick]] = [pool[pick]!, pool[sampled]!];
    const expected = pool[sampled]!;
    const answer = await sendOnce(`${options.base}/api/v1/lookup`, options.apiKey, JSON.stringify({ csi: expected.csi }));
    if (answer.status !== 200) {
      failures.push({ csi: expected.csi, problem: `the lookup answered HTTP ${answer.status}: ${answer.body.slice(0, 200)}` });
      continue;
    }
    const body = JSON.parse(answer.body) as { csi: string; result: string; mappings: { id: string; document: { seq?: unknown }; proof: unknown }[] };
    const mapping = body.mappings.length === 1 ? body.mappings[0]! : undefined;
    if (body.csi !== expected.csi || !mapping || mapping.id !== expected.mappingId || mapping.document.seq !== expected.seq) {
      failures.push({ csi: expected.csi, problem: `expected mapping ${expected.mappingId} (seq ${expected.seq}), the lookup answered ${answer.body.slice(0, 200)}` });
      continue;
    }
    const verification = await verifyMapping({ document: mapping.document, proof: mapping.proof }, { jwks: config.jwks, issuer: config.issuer, rpId: config.rpId, now });
    if (verification.ok) verified += 1;
    else failures.push({ csi: expected.csi, problem: verification.checks.filter((check) => !check.ok).map((check) => `${check.id}: ${check.detail}`).join(" | ") });
  }
  return { sampled: size, verified, failures };
}
