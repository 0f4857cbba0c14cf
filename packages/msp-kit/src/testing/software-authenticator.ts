import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";

/**
 * The JSON a browser's WebAuthn call gives the page (WebAuthn Level 3, 5.1, toJSON), as @simplewebauthn and
 * other libraries read it. Written out here so that the kit depends on no WebAuthn library.
 */
export type RegistrationResponseJSON = {
  id: string;
  rawId: string;
  type: "public-key";
  response: {
    clientDataJSON: string;
    attestationObject: string;
    authenticatorData?: string;
    transports?: ("internal" | "hybrid" | "usb" | "nfc" | "ble")[];
    publicKeyAlgorithm?: number;
    publicKey?: string;
  };
  authenticatorAttachment?: "platform" | "cross-platform";
  clientExtensionResults: Record<string, unknown>;
};

export type AuthenticationResponseJSON = {
  id: string;
  rawId: string;
  type: "public-key";
  response: { clientDataJSON: string; authenticatorData: string; signature: string; userHandle?: string };
  authenticatorAttachment?: "platform" | "cross-platform";
  clientExtensionResults: Record<string, unknown>;
};

/**
 * A passkey in software: real P-256 keys, real CBOR, real DER signatures, byte for byte what a platform
 * authenticator and the browser hand to the page. Tests, seeding and the benchmark use it where a browser with a
 * virtual authenticator would be slow; its flags can be turned off to produce the assertions a DP must refuse.
 * Node only.
 */
const FLAG_USER_PRESENT = 0x01;
const FLAG_USER_VERIFIED = 0x04;
const FLAG_BACKUP_ELIGIBLE = 0x08;
const FLAG_BACKUP_STATE = 0x10;
const FLAG_ATTESTED_CREDENTIAL_DATA = 0x40;
const COSE_ALG_ES256 = -7;
// "none" attestation carries no authenticator model, and WebAuthn then asks for an all-zero AAGUID.
const ZERO_AAGUID = new Uint8Array(16);

type CreateOptions = { backupEligible?: boolean; backupState?: boolean; signCount?: number };

export class SoftwareAuthenticator {
  readonly credentialId: Uint8Array;
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly #jwk: { kty: "EC"; crv: "P-256"; x: string; y: string };
  readonly #backupFlags: number;
  #signCount: number;
  #userHandle: string | undefined;

  private constructor(options: CreateOptions) {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    this.credentialId = new Uint8Array(randomBytes(32));
    this.#privateKey = privateKey;
    this.#publicKey = publicKey;
    this.#jwk = { kty: "EC", crv: "P-256", x: jwk.x!, y: jwk.y! };
    // Backup state without eligibility is left possible on purpose: the DP must refuse it, so tests must make it.
    this.#backupFlags = (options.backupEligible ? FLAG_BACKUP_ELIGIBLE : 0) | (options.backupState ? FLAG_BACKUP_STATE : 0);
    this.#signCount = options.signCount ?? 1;
  }

  static async create(options: CreateOptions = {}): Promise<SoftwareAuthenticator> {
    return new SoftwareAuthenticator(options);
  }

  publicKeyJwk(): { kty: "EC"; crv: "P-256"; x: string; y: string } {
    return { ...this.#jwk };
  }

  /** What `startRegistration` returns for these options, with attestation "none". */
  async register(
    options: { challenge: string; rp: { id?: string }; user?: { id: string } },
    origin: string,
  ): Promise<RegistrationResponseJSON> {
    const rpId = options.rp.id ?? new URL(origin).hostname;
    this.#userHandle = options.user?.id;
    const clientDataJSON = clientData("webauthn.create", options.challenge, origin);
    const flags = FLAG_USER_PRESENT | FLAG_USER_VERIFIED | FLAG_ATTESTED_CREDENTIAL_DATA | this.#backupFlags;
    const authenticatorData = Buffer.concat([
      authenticatorDataHead(rpId, flags, this.#signCount),
      ZERO_AAGUID,
      uint16(this.credentialId.length),
      this.credentialId,
      this.#cosePublicKey(),
    ]);
    const attestationObject = encodeCbor(
      new Map<string, CborValue>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authenticatorData],
      ]),
    );
    const id = base64url(this.credentialId);
    return {
      id,
      rawId: id,
      type: "public-key",
      response: {
        clientDataJSON: base64url(clientDataJSON),
        attestationObject: base64url(attestationObject),
        authenticatorData: base64url(authenticatorData),
        transports: ["internal"],
        publicKeyAlgorithm: COSE_ALG_ES256,
        publicKey: base64url(this.#publicKey.export({ format: "der", type: "spki" })),
      },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
    };
  }

  /**
   * What `startAuthentication` returns. The counter goes up by one per assertion, except that an authenticator
   * created with signCount 0 stays at 0, as many synced passkeys do. `signCount` reports another value once
   * (to imitate a cloned authenticator) without changing the counter. `backupEligible`, `backupState` and
   * `clientDataType` report other flags or another ceremony once, for the assertions a verifier must refuse.
   */
  async authenticate(options: {
    challenge: string;
    rpId: string;
    origin: string;
    userVerified?: boolean;
    userPresent?: boolean;
    signCount?: number;
    backupEligible?: boolean;
    backupState?: boolean;
    clientDataType?: string;
  }): Promise<AuthenticationResponseJSON> {
    if (this.#signCount !== 0) this.#signCount++;
    const backupFlags =
      options.backupEligible === undefined && options.backupState === undefined
        ? this.#backupFlags
        : (options.backupEligible ? FLAG_BACKUP_ELIGIBLE : 0) | (options.backupState ? FLAG_BACKUP_STATE : 0);
    const flags =
      (options.userPresent === false ? 0 : FLAG_USER_PRESENT) | (options.userVerified === false ? 0 : FLAG_USER_VERIFIED) | backupFlags;
    const authenticatorData = authenticatorDataHead(options.rpId, flags, options.signCount ?? this.#signCount);
    const clientDataJSON = clientData(options.clientDataType ?? "webauthn.get", options.challenge, options.origin);
    // WebAuthn signs authenticatorData || SHA-256(clientDataJSON); ECDSA signatures leave as DER, like a device's.
    const signed = Buffer.concat([authenticatorData, createHash("sha256").update(clientDataJSON).digest()]);
    const signature = sign("sha256", signed, { key: this.#privateKey, dsaEncoding: "der" });
    const id = base64url(this.credentialId);
    return {
      id,
      rawId: id,
      type: "public-key",
      response: {
        clientDataJSON: base64url(clientDataJSON),
        authenticatorData: base64url(authenticatorData),
        signature: base64url(signature),
        ...(this.#userHandle === undefined ? {} : { userHandle: this.#userHandle }),
      },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
    };
  }

  // COSE_Key EC2 (RFC 9053): kty 2, alg ES256, crv P-256, x, y; keys in CTAP2 canonical order.
  #cosePublicKey(): Uint8Array {
    return encodeCbor(
      new Map<number, CborValue>([
        [1, 2],
        [3, COSE_ALG_ES256],
        [-1, 1],
        [-2, Buffer.from(this.#jwk.x, "base64url")],
        [-3, Buffer.from(this.#jwk.y, "base64url")],
      ]),
    );
  }
}

function clientData(type: string, challenge: string, origin: string): Buffer {
  // Browsers serialise these members in this order; crossOrigin false for a top-level page.
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
}

function authenticatorDataHead(rpId: string, flags: number, signCount: number): Buffer {
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE(signCount);
  return Buffer.concat([createHash("sha256").update(rpId).digest(), Buffer.from([flags]), counter]);
}

function uint16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value);
  return bytes;
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

type CborValue = number | string | Uint8Array | Map<number | string, CborValue>;

/**
 * The CBOR subset (RFC 8949) an attestation needs, written independently of the library under test so that the
 * test proves interoperability rather than a library agreeing with itself. Shortest-form heads, definite lengths.
 */
function encodeCbor(value: CborValue): Buffer {
  if (typeof value === "number") return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === "string") {
    const text = Buffer.from(value, "utf8");
    return Buffer.concat([head(3, text.length), text]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  return Buffer.concat([head(5, value.size), ...[...value].flatMap(([key, item]) => [encodeCbor(key), encodeCbor(item)])]);
}

function head(majorType: number, argument: number): Buffer {
  const major = majorType << 5;
  if (argument < 24) return Buffer.from([major | argument]);
  if (argument < 0x100) return Buffer.from([major | 24, argument]);
  if (argument < 0x10000) return Buffer.from([major | 25, argument >> 8, argument & 0xff]);
  const bytes = Buffer.alloc(5);
  bytes[0] = major | 26;
  bytes.writeUInt32BE(argument, 1);
  return bytes;
}
