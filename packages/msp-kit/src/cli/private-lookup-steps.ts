import type { Sender, VerifiedLookup } from "../client/create-lookup-client.ts";
import { privateLookup } from "../client/private-lookup.ts";
import { createTokenClient } from "../client/token-client.ts";
import { fetchDpConfig } from "../client/dp-config.ts";
import { privateEndpoints } from "../client/private-config.ts";
import { tokenKeyId } from "../privacy-pass/token.ts";
import type { LookupCliIo } from "./lookup.ts";

type Say = (line?: string) => void;

/**
 * `mimi-lookup --private --relay URL`, step 3: one token fetched with the key (blinded here), then the lookup
 * encapsulated to the gateway's key and sent through the relay, paid with the token. Printed so that an operator
 * sees who learns what.
 */
export async function lookUpPrivately(
  plan: { csi: string; sender: Sender; dp: string; key: string; keyName: string; relay: string },
  io: LookupCliIo,
  say: Say,
): Promise<VerifiedLookup> {
  const endpoints = privateEndpoints(await fetchDpConfig(plan.dp, io.fetch), plan.dp);
  const tokens = createTokenClient({ dp: plan.dp, apiKey: plan.key, fetch: io.fetch, now: () => io.now ?? new Date() });
  say("3. Private lookup: a Privacy Pass token (RFC 9578, type 2), then the lookup through the relay (RFC 9458)");
  const keyId = Array.from(await tokenKeyId(await tokens.tokenKey()), (byte) => byte.toString(16).padStart(2, "0")).join("");
  say(`   token: issuer key ${keyId.slice(0, 16)}… from ${endpoints.directory.href}`);
  say(`   POST ${endpoints.tokenRequest.href} with the key ${plan.keyName}: one blinded request, charged as one identifier`);
  const [token] = await tokens.fetchTokens(1);
  say("   200: token finalised and checked here; the DP signed it blind, so it cannot recognise it when it is spent.");
  say(`   lookup: gateway keys from ${endpoints.keysUri.href}; gateway ${endpoints.gateway.href}`);
  say(`   POST ${plan.relay} message/ohttp-req: inside, POST ${endpoints.lookupEndpoint.href} {"csi": "${plan.csi}"} with Authorization: PrivateToken`);
  say("   The relay sees this machine's address but not the request; the DP sees the request but only the relay's address,");
  say("   and no API key: it cannot tell which MSP asks. --sender-msp, --context and --sender stay on this machine.");
  const [answer] = await privateLookup([plan.csi], { dp: plan.dp, relay: plan.relay, tokens: [token!], sender: plan.sender, fetch: io.fetch, now: () => io.now ?? new Date() });
  const verified = answer as VerifiedLookup;
  say(`   200 inside the encapsulated answer: result ${verified.result}, ${verified.mappings.length} mapping${verified.mappings.length === 1 ? "" : "s"}`);
  return verified;
}
