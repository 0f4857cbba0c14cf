import { importJWK, SignJWT, type JWK } from "jose";
import { DIRECTORY_JWS_TYPE, directorySchema, type Directory } from "./directory-schema.ts";

/**
 * Signs a directory with the directory operator's private key (ES256): what `npm run directory -- sign` does.
 * The content is checked first, so that nothing malformed is ever signed.
 */
export async function signDirectory(directory: Directory, privateKey: JWK): Promise<string> {
  const content = directorySchema.parse(directory);
  if (privateKey.kty !== "EC" || privateKey.crv !== "P-256" || !privateKey.d) throw new Error("the directory key must be a private P-256 JWK (kty EC, crv P-256, d)");
  return new SignJWT({ ...content })
    .setProtectedHeader({ alg: "ES256", typ: DIRECTORY_JWS_TYPE, ...(privateKey.kid ? { kid: privateKey.kid } : {}) })
    .sign(await importJWK(privateKey, "ES256"));
}
