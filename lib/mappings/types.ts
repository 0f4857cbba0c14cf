/**
 * The verifiable mapping of protocol section 2, as it travels on the wire. MSPs write their own code against
 * these shapes: change them only on purpose, with a protocol version.
 */

export type Audience =
  | { kind: "everyone" }
  /** Only senders whose MSP is listed (CUJ 1). */
  | { kind: "sender_msps"; msps: string[] }
  /** Only senders on this entry's own MSP (CUJ 2). */
  | { kind: "same_msp" }
  /** Senders who declare one of these contexts, such as Business (CUJ 7). */
  | { kind: "context"; tags: string[] }
  /**
   * Particular senders or a closed group (CUJ 5, 6). `salt` is base64url of 16 random bytes; each selector is
   * base64url(scrypt(UTF-8 of the sender's normalised CSI URI, the decoded salt bytes, N=16384, r=8, p=1, 32 bytes)).
   */
  | { kind: "senders"; salt: string; selectors: string[] };

export type AudienceKind = Audience["kind"];

export type MappingEntry = {
  /** The id (a domain name) of an MSP registered with the DP. */
  msp: string;
  tags: string[];
  /** 1 is the most preferred. */
  priority: number;
  audience: Audience;
};

export type MappingDocument = {
  v: 1;
  /** The DP's issuer origin, as `issuer` in its metadata. */
  dp: string;
  /** Normalised CSI URI: tel:+E164 or mailto:address. */
  csi: string;
  /** Grows with every new mapping of this CSI. */
  seq: number;
  /** R9's "new" bit: publishing it de-lists every earlier mapping of the CSI. */
  fresh: boolean;
  label: string;
  /** RFC 3339 UTC timestamps, whole seconds: 2026-11-22T10:00:00Z. */
  created: string;
  expires: string;
  /** Empty: a deliberate opt-out, "a mapping exists but lists no MSP" (R5). */
  entries: MappingEntry[];
};

export type MappingAssertion = {
  credential_id: string;
  authenticator_data: string;
  client_data_json: string;
  signature: string;
};

export type MappingProof = {
  /** Compact JWS by the DP, header typ "mimi-csi-binding+jwt", payload BindingClaims. */
  binding: string;
  /** A WebAuthn assertion whose challenge is base64url(SHA-256(JCS(document))). */
  assertion: MappingAssertion;
};

export type BindingClaims = {
  iss: string;
  sub: string;
  cnf: { jwk: JsonWebKey };
  amr: ("otp-sms" | "otp-voice" | "otp-email")[];
  iat: number;
  exp: number;
};

export type ServedMapping = { id: string; document: MappingDocument; proof: MappingProof };

export type LookupResultStatus = "none" | "opted_out" | "found";

export type LookupItem =
  | { csi: string; result: LookupResultStatus; mappings: ServedMapping[] }
  | { input: unknown; error: { code: string; title: string; detail: string } };

export type DpMetadata = {
  issuer: string;
  rp_id: string;
  jwks_uri: string;
  lookup_endpoint: string;
  batch_lookup_endpoint: string;
  max_batch: number;
  csip_removal_endpoint: string;
  csi_types: string[];
  protocol_versions: number[];
};

export const BINDING_JWS_TYPE = "mimi-csi-binding+jwt";
