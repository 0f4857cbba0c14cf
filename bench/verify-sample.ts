import { canonicalize, verifyMapping } from "@mimi-discovery/msp-kit";
import { publishedJwks } from "@/lib/keys/signing-keys";
import type { BenchDatabase } from "./database";
import { createRandom, csiAt } from "./dataset";

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
