/** What a verification is asked and what it answers: one result per check of protocol section 2.1, plus replay. */
export type VerifyOptions = {
  /** The DP's published keys (the document at its metadata's `jwks_uri`). */
  jwks: { keys: JsonWebKey[] };
  /** The DP's `issuer` from its metadata; its origin is also the WebAuthn origin the passkey signed for. */
  issuer: string;
  /** The DP's `rp_id` from its metadata. */
  rpId: string;
  now?: Date;
  /** The highest `seq` this verifier has already accepted for the mapping's CSI. */
  lastSeenSeq?: number;
};

export type CheckId = "document" | "binding" | "client_data" | "authenticator_data" | "signature" | "expiry" | "replay";

/** `detail` is a plain-English sentence that explains the pass or the failure. */
export type CheckResult = { id: CheckId; ok: boolean; detail: string };

export type Verification = { ok: boolean; checks: CheckResult[] };
