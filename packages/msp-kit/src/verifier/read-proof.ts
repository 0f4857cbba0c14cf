/**
 * The proof's string fields, each on its own: a proof with one field missing still lets the other checks run and
 * explain themselves, instead of one shape error hiding everything else.
 */
export type ProofFields = {
  binding: string | undefined;
  authenticatorData: string | undefined;
  clientDataJson: string | undefined;
  signature: string | undefined;
};

export function readProof(proof: unknown): ProofFields {
  const assertion = isRecord(proof) ? proof.assertion : undefined;
  return {
    binding: stringField(proof, "binding"),
    authenticatorData: stringField(assertion, "authenticator_data"),
    clientDataJson: stringField(assertion, "client_data_json"),
    signature: stringField(assertion, "signature"),
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function stringField(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return typeof field === "string" ? field : undefined;
}
