/** The reference's overview (info.description), in the CommonMark subset the reference page renders. */
export const INTRO = `The lookup API lets a messaging service provider (MSP) find out where the owner of a phone number or email address wants to be reached. It answers with the mappings the owner published at this Discovery Provider (DP); each is signed with the owner's passkey and can be verified offline against the DP's published keys. The CSIP removal API lets the providers of those numbers and addresses (CSIPs: telcos, email providers) remove the mappings of identifiers they released, reassigned or ported out. This is version 1 of the discovery protocol for IETF MIMI.

## Authentication

Every lookup carries an MSP API key: \`Authorization: Bearer mimi_msp_…\`; every removal a CSIP API key: \`Authorization: Bearer mimi_csip_…\`. The operator of this DP issues keys to registered MSPs and CSIPs; a key is shown once and can be revoked at any time. A missing, unknown or revoked key is 401; a key of the other kind is 403. API keys travel only over HTTPS: a request over plain HTTP is 403 with code https_required. The metadata and the key set are public.

## Rate limits

Each MSP has a budget of tokens that refills continuously, and every identifier looked up costs one: a batch of 500 costs 500. An identifier repeated in one batch is answered in every slot but counted once, and an invalid identifier costs nothing. Successful answers carry \`RateLimit-Limit\`, \`RateLimit-Remaining\`, \`RateLimit-Reset\` and \`RateLimit-Policy\`. Once the budget is spent the answer is 429 with \`Retry-After\`; a single request that costs more than the whole budget is 429 without \`Retry-After\`: split it.

## Privacy

Nothing in a lookup identifies the sender person. The body names the identifier looked up and, optionally, the sender's MSP and a declared context, which the DP neither uses nor stores. No lookup is logged. Which entry of a mapping applies to a particular sender is worked out by the querying MSP, from the mapping it received.

## CSIP removals

A CSIP acts only on identifiers inside the number ranges and email domains the operator approved for it; after a port, the receiving CSIP may act and the donor may not. Each item of a request gets its own result and status (200 applied, 403 outside the CSIP's authority, 422 invalid), and the request runs in one transaction. Every removed mapping leaves a DP-signed tombstone. An \`Idempotency-Key\` makes a retry safe: the same key replays the first answer.

## Requests and errors

Send bodies as JSON with \`Content-Type: application/json\`; anything else is 415. A body over the endpoint's limit is 413. Unknown fields are refused with 422, as are values that do not match the schema. Every error is an RFC 9457 problem document (\`application/problem+json\`) with a stable \`code\`, listed under Errors; the one exception is a removal request of which no item applied, answered 403 or 422 with its per-item results.`;
