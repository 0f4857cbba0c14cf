import type { Sender, VerifiedLookup } from "../client/create-lookup-client.ts";
import { createPrivateLookupClient } from "../client/private-lookup.ts";
import { createTokenClient } from "../client/token-client.ts";
import { fetchDpConfig } from "../client/dp-config.ts";
import { DpError } from "../client/dp-error.ts";
import { privateEndpoints } from "../client/private-config.ts";
import { tokenKeyId } from "../privacy-pass/token.ts";
import type { LookupCliIo } from "./lookup.ts";

type Say = (line?: string) => void;

/**
 * `mimi-lookup --private --relay URL`, step 3: tokens fetched with the key (blinded here), then the lookup through
 * the relay, paid with them: through OPRF-keyed buckets when the DP offers them (the DP learns neither who asks nor
 * which identifier), else one private lookup (the DP sees the identifier, not who asks). Printed so that an operator
 * sees who learns what.
 */
export async function lookUpPrivately(
  plan: { csi: string; sender: Sender; dp: string; key: string; keyName: string; relay: string },
  io: LookupCliIo,
  say: Say,
): Promise<VerifiedLookup> {
  const config = await fetchDpConfig(plan.dp, io.fetch);
  const endpoints = privateEndpoints(config, plan.dp);
  const oprf = endpoints.oprf instanceof DpError ? undefined : endpoints.oprf;
  if (endpoints.oprf instanceof DpError) say(`   OPRF-keyed buckets unusable (${endpoints.oprf.message}): one private lookup instead.`);
  const method = oprf ? "buckets" : "lookup";
  const client = createPrivateLookupClient({ dp: plan.dp, relay: plan.relay, fetch: io.fetch, now: () => io.now ?? new Date() });
  const needed = await client.tokensNeeded([plan.csi], method);
  const tokens = createTokenClient({ dp: plan.dp, apiKey: plan.key, fetch: io.fetch, now: () => io.now ?? new Date() });
  say(`3. Private lookup: Privacy Pass tokens (RFC 9578, type 2), then ${oprf ? "OPRF-keyed buckets (RFC 9497)" : "the lookup"} through the relay (RFC 9458)`);
  const keyId = Array.from(await tokenKeyId(await tokens.tokenKey()), (byte) => byte.toString(16).padStart(2, "0")).join("");
  say(`   tokens: issuer key ${keyId.slice(0, 16)}… from ${endpoints.directory.href}`);
  say(`   POST ${endpoints.tokenRequest.href} with the key ${plan.keyName}: ${needed} blinded request${needed === 1 ? "" : "s"}, charged as ${needed} identifier${needed === 1 ? "" : "s"}`);
  const fetched = await tokens.fetchTokens(needed);
  say("   200: tokens finalised and checked here; the DP signed them blind, so it cannot recognise them when they are spent.");
  say(`   gateway keys from ${endpoints.keysUri.href}; gateway ${endpoints.gateway.href}`);
  if (oprf) {
    say(`   POST ${plan.relay} message/ohttp-req: inside, POST ${oprf.evaluate.href} with the identifier blinded (OPRF key epoch ${oprf.key.epoch}),`);
    say("   the answer's DLEQ proof checked against the published key, then the output finalised here;");
    say(`   POST ${plan.relay} message/ohttp-req: inside, POST ${oprf.buckets.href} for 1 bucket of 2^${oprf.key.bucketBits}: every record in it, padded;`);
    say("   this machine finds its tag, decrypts the record and verifies each mapping. The DP sees a blinded element and a bucket id,");
    say("   never the identifier; the relay sees this machine's address but nothing inside. --sender-msp, --context and --sender stay here.");
  } else {
    say(`   POST ${plan.relay} message/ohttp-req: inside, POST ${endpoints.lookupEndpoint.href} {"csi": "${plan.csi}"} with Authorization: PrivateToken`);
    say("   The relay sees this machine's address but not the request; the DP sees the request but only the relay's address,");
    say("   and no API key: it cannot tell which MSP asks. --sender-msp, --context and --sender stay on this machine.");
  }
  const [answer] = await client.lookup([plan.csi], { tokens: fetched, sender: plan.sender, method });
  const verified = answer as VerifiedLookup;
  say(`   answer: result ${verified.result}, ${verified.mappings.length} mapping${verified.mappings.length === 1 ? "" : "s"}${verified.answerChecks.some((check) => check.id === "record") ? " (the record did not decrypt: not trusted)" : ""}`);
  return verified;
}
