import type { CsipRemovalReason, MappingAssertion, PasskeyJwk } from "@mimi-discovery/msp-kit";
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
/** Raw bytes: postgres.js reads a Buffer, PGlite a Uint8Array; both are handed on as a Uint8Array. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
  toDriver: (value) => Buffer.from(value.buffer, value.byteOffset, value.byteLength),
  fromDriver: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
});

// --- Auth.js tables (the Drizzle adapter's shape). Session tokens are stored as SHA-256 hashes, never in clear.

export const users = pgTable("users", {
  id: text("id")
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID()),
  name: text("name"),
  // Auth.js expects these columns; identifiers live in `identifiers`, so they stay empty.
  email: text("email").unique(),
  emailVerified: timestamptz("email_verified"),
  image: text("image"),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});

export const accounts = pgTable(
  "accounts",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    provider: text("provider").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    refresh_token: text("refresh_token"),
    access_token: text("access_token"),
    expires_at: integer("expires_at"),
    token_type: text("token_type"),
    scope: text("scope"),
    id_token: text("id_token"),
    session_state: text("session_state"),
  },
  (table) => [primaryKey({ columns: [table.provider, table.providerAccountId] })],
);

export const sessions = pgTable(
  "sessions",
  {
    sessionToken: text("session_token").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expires: timestamptz("expires").notNull(),
    authenticatedAt: timestamptz("authenticated_at").notNull().defaultNow(),
    reauthenticatedAt: timestamptz("reauthenticated_at"),
  },
  (table) => [index("sessions_user_idx").on(table.userId)],
);

export const verificationTokens = pgTable(
  "verification_tokens",
  {
    identifier: text("identifier").notNull(),
    token: text("token").notNull(),
    expires: timestamptz("expires").notNull(),
  },
  (table) => [primaryKey({ columns: [table.identifier, table.token] })],
);

// --- Identifiers a person has proven they own.

export const identifiers = pgTable(
  "identifiers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    uri: text("uri").notNull(),
    kind: text("kind", { enum: ["tel", "mailto"] }).notNull(),
    lineType: text("line_type"),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    verifiedAt: timestamptz("verified_at").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("identifiers_uri_idx").on(table.uri),
    index("identifiers_user_idx").on(table.userId),
    check("identifiers_kind_matches_uri", sql`(${table.kind} = 'tel' and ${table.uri} like 'tel:+%') or (${table.kind} = 'mailto' and ${table.uri} like 'mailto:%')`),
  ],
);

// --- One-time codes. A challenge is one sign-in attempt (or one re-authentication, or one added identifier).

// step_up: a code to another of an account's identifiers, asked for after a code sign-in that cannot open it alone.
export const otpPurposes = ["sign_in", "add_identifier", "reauthenticate", "step_up"] as const;
export const otpChannels = ["sms", "voice", "email"] as const;

export const otpChallenges = pgTable(
  "otp_challenges",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    identifier: text("identifier").notNull(),
    purpose: text("purpose", { enum: otpPurposes }).notNull(),
    // The account acting, for purposes other than sign-in: a code proves nothing to another account.
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    channel: text("channel", { enum: otpChannels }).notNull(),
    lineType: text("line_type"),
    codeHash: text("code_hash").notNull(),
    attempts: integer("attempts").notNull().default(0),
    expiresAt: timestamptz("expires_at").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    consumedAt: timestamptz("consumed_at"),
    // Set when a resend supersedes the code, delivery failed, or the identifier was blocked.
    closedAt: timestamptz("closed_at"),
  },
  (table) => [
    index("otp_challenges_identifier_idx").on(table.identifier, table.purpose),
    check("otp_challenges_attempts_range", sql`${table.attempts} between 0 and 5`),
  ],
);

/**
 * Events counted by sliding-window limits (code sends per identifier and per IP, failures, blocks). The bucket
 * is a keyed hash, so the table holds neither identifiers nor IP addresses in clear.
 */
export const rateEvents = pgTable(
  "rate_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    bucket: text("bucket").notNull(),
    at: timestamptz("at").notNull(),
  },
  (table) => [index("rate_events_bucket_at_idx").on(table.bucket, table.at)],
);

/** Codes "sent" while no delivery is configured. Written only in that mode, shown on /dev/outbox. */
export const devOutbox = pgTable(
  "dev_outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    channel: text("channel", { enum: otpChannels }).notNull(),
    destination: text("destination").notNull(),
    body: text("body").notNull(),
    createdAt: timestamptz("created_at").notNull(),
  },
  (table) => [index("dev_outbox_created_idx").on(table.createdAt)],
);

/**
 * A code sign-in that proved an identifier but may not open its account alone (the account has a passkey, or the
 * identifier was not proven for a long time, so its holder may be someone new). It waits here for the next step:
 * the account's passkey, a code to another of its identifiers, or "I am the new holder". Nothing of the account is
 * shown or changed meanwhile. The browser holds the token; only its SHA-256 is stored. Deleted when answered.
 */
export const stepUpReasons = ["passkey", "long_absence"] as const;

export const signInStepUps = pgTable(
  "sign_in_step_ups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tokenHash: text("token_hash").notNull(),
    /** The identifier the code proved, and the account that held it when the code was entered. */
    identifier: text("identifier").notNull(),
    lineType: text("line_type"),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    reason: text("reason", { enum: stepUpReasons }).notNull(),
    /** The code sent to another of the account's identifiers, when one was asked for. */
    codeChallengeId: uuid("code_challenge_id").references(() => otpChallenges.id, { onDelete: "set null" }),
    createdAt: timestamptz("created_at").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
  },
  (table) => [uniqueIndex("sign_in_step_ups_token_idx").on(table.tokenHash), index("sign_in_step_ups_expires_idx").on(table.expiresAt)],
);

// --- The DP's registry of messaging service providers.

export const msps = pgTable("msps", {
  id: text("id").primaryKey(), // a domain name, such as chat.example
  displayName: text("display_name").notNull(),
  contact: text("contact"),
  /** Lookup limits, counted per identifier looked up: a bucket of `burst` tokens refilled continuously. */
  lookupBurst: integer("lookup_burst").notNull().default(2000),
  lookupRefillPerSecond: doublePrecision("lookup_refill_per_second").notNull().default(5),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  /** A deleted MSP's keys stop working at once; its id stays taken so old mappings keep their meaning. */
  deletedAt: timestamptz("deleted_at"),
  /** The CSIP that operates this MSP, if any (a telco's own messaging app): decides what a port-out withdraws. */
  operatorCsipId: uuid("operator_csip_id").references((): AnyPgColumn => csips.id),
});

/**
 * DP operators: a role held by a verified identifier, granted by `npm run operator:grant` (never a default
 * password). Whoever proves ownership of that identifier with a code or passkey acts as operator.
 */
export const operators = pgTable("operators", {
  identifier: text("identifier").primaryKey(),
  grantedAt: timestamptz("granted_at").notNull(),
});

export const apiKeyOwners = ["msp", "csip"] as const;

/** API keys: shown once, stored as a SHA-256 hash, found by that hash, with a visible prefix for people. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerKind: text("owner_kind", { enum: apiKeyOwners }).notNull(),
    mspId: text("msp_id").references(() => msps.id),
    csipId: uuid("csip_id").references((): AnyPgColumn => csips.id),
    label: text("label").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    revokedAt: timestamptz("revoked_at"),
  },
  (table) => [
    uniqueIndex("api_keys_hash_idx").on(table.keyHash),
    index("api_keys_msp_idx").on(table.mspId),
    check("api_keys_owner", sql`(${table.ownerKind} = 'msp') = (${table.mspId} is not null)`),
    check("api_keys_csip_owner", sql`(${table.ownerKind} = 'csip') = (${table.csipId} is not null)`),
  ],
);

/** Token buckets for rate limits, shared by every instance (when Redis is not configured). */
export const rateBuckets = pgTable("rate_buckets", {
  key: text("key").primaryKey(),
  tokens: doublePrecision("tokens").notNull(),
  updatedAt: timestamptz("updated_at").notNull(),
});

// --- The DP's signing keys. Private keys are sealed with a key derived from AUTH_SECRET.

export const signingKeys = pgTable("signing_keys", {
  kid: text("kid").primaryKey(),
  alg: text("alg").notNull(),
  publicJwk: jsonb("public_jwk").notNull(),
  sealedPrivateKey: text("sealed_private_key").notNull(),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  retiredAt: timestamptz("retired_at"),
});

// --- Private lookups (protocol section 7): the OHTTP gateway's keys, the Privacy Pass issuer's keys, spent tokens.

/**
 * The gateway's Oblivious HTTP keys (RFC 9458). A key id is one byte, so the id of a key past its grace period is
 * free again. The active key has no `retired_at`; a retired key is still accepted until `accepted_until`.
 */
export const ohttpKeys = pgTable(
  "ohttp_keys",
  {
    keyId: integer("key_id").primaryKey(),
    publicKey: text("public_key").notNull(),
    sealedPrivateKey: text("sealed_private_key").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    retiredAt: timestamptz("retired_at"),
    acceptedUntil: timestamptz("accepted_until"),
  },
  (table) => [check("ohttp_keys_key_id_byte", sql`${table.keyId} between 0 and 255`)],
);

/**
 * The Privacy Pass issuer's keys (RFC 9578 token type 0x0002), one per epoch: a key issues tokens until
 * `issues_until` and is accepted for redemption until `accepted_until`. `token_key_id` is SHA-256 of `spki`.
 */
export const issuerKeys = pgTable(
  "issuer_keys",
  {
    tokenKeyId: text("token_key_id").primaryKey(),
    truncatedKeyId: integer("truncated_key_id").notNull(),
    spki: text("spki").notNull(),
    sealedPrivateKey: text("sealed_private_key").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    issuesUntil: timestamptz("issues_until").notNull(),
    acceptedUntil: timestamptz("accepted_until").notNull(),
  },
  (table) => [index("issuer_keys_accepted_idx").on(table.acceptedUntil)],
);

export const oprfKeyStates = ["building", "active", "retiring"] as const;

/**
 * The DP's OPRF keys (RFC 9497 ristretto255-SHA512, VOPRF), one per epoch, the secret scalar sealed like every other
 * private key. `building`: its records are being written in the background, write-time changes already included;
 * `active`: the key clients use; `retiring`: the previous key, still answering until `accepted_until`.
 * `built_through` is the background build's cursor (the last CSI written), so a restarted build resumes.
 */
export const oprfKeys = pgTable(
  "oprf_keys",
  {
    epoch: integer("epoch").primaryKey(),
    publicKey: text("public_key").notNull(),
    sealedSecretKey: text("sealed_secret_key").notNull(),
    state: text("state", { enum: oprfKeyStates }).notNull(),
    createdAt: timestamptz("created_at").notNull(),
    activatedAt: timestamptz("activated_at"),
    acceptedUntil: timestamptz("accepted_until"),
    builtThrough: text("built_through"),
  },
  (table) => [uniqueIndex("oprf_keys_one_active_idx").on(table.state).where(sql`${table.state} = 'active'`)],
);

/**
 * One encrypted lookup result per CSI with a served mapping and per live OPRF key (protocol section 7): the bucket
 * prefix and tag derived from the CSI's OPRF output, and the AEAD record. Nothing else: no CSI, no MSP, no token,
 * no time, so that the table pairs nothing with anything.
 */
export const privateRecords = pgTable(
  "private_records",
  {
    epoch: integer("epoch")
      .notNull()
      .references(() => oprfKeys.epoch, { onDelete: "cascade" }),
    tag: bytea("tag").notNull(),
    bucket32: bigint("bucket32", { mode: "number" }).notNull(),
    record: bytea("record").notNull(),
  },
  (table) => [primaryKey({ columns: [table.epoch, table.tag] }), index("private_records_bucket_idx").on(table.epoch, table.bucket32)],
);

/**
 * Things that may be used once: redeemed tokens (scope = the issuer key's id, id = the token's nonce) and opened
 * encapsulated requests (scope `ohttp`, id = a hash of the request's `enc`). A row holds no time but its expiry,
 * which is its key's end (tokens) or a coarse window (requests), and nothing that names who spent it.
 */
export const spentOnce = pgTable(
  "spent_once",
  {
    scope: text("scope").notNull(),
    id: text("id").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.scope, table.id] }), index("spent_once_expires_idx").on(table.expiresAt)],
);

// --- Passkeys (WebAuthn credentials). ES256 only: a mapping's binding carries the key as a P-256 JWK.

export const passkeys = pgTable(
  "passkeys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    credentialId: text("credential_id").notNull(), // base64url
    publicKey: text("public_key").notNull(), // base64url of the COSE key, as WebAuthn returned it
    publicKeyJwk: jsonb("public_key_jwk").$type<PasskeyJwk>().notNull(),
    counter: bigint("counter", { mode: "number" }).notNull().default(0),
    transports: jsonb("transports").$type<string[]>().notNull().default([]),
    backupEligible: boolean("backup_eligible").notNull(),
    backupState: boolean("backup_state").notNull(),
    name: text("name").notNull(),
    /**
     * Set: this passkey signs the mappings of that one identifier, and the identifier's mappings are signed by its
     * own passkeys only, so an MSP cannot tell from two mappings' keys that one person holds both identifiers.
     * Null: the account's passkey, for every identifier that has none of its own. Both sign the person in.
     */
    identifierId: uuid("identifier_id").references(() => identifiers.id, { onDelete: "cascade" }),
    createdAt: timestamptz("created_at").notNull(),
    lastUsedAt: timestamptz("last_used_at"),
  },
  (table) => [
    uniqueIndex("passkeys_credential_idx").on(table.credentialId),
    index("passkeys_user_idx").on(table.userId),
    index("passkeys_identifier_idx").on(table.identifierId),
  ],
);

export const webauthnPurposes = ["register", "authenticate", "sign_mapping", "remove_mapping", "step_up"] as const;

/** Server-side WebAuthn challenges: single use (deleted before verification), expiring within 5 minutes. */
export const webauthnChallenges = pgTable("webauthn_challenges", {
  id: uuid("id").primaryKey().defaultRandom(),
  challenge: text("challenge").notNull(), // base64url
  purpose: text("purpose", { enum: webauthnPurposes }).notNull(),
  userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
  /** For sign_mapping: the canonical document whose digest is the challenge; for step_up: the step-up's id. */
  payload: text("payload"),
  expiresAt: timestamptz("expires_at").notNull(),
  createdAt: timestamptz("created_at").notNull(),
});

// --- Signed mappings. `document` holds the exact bytes the recipient signed (RFC 8785 canonical JSON).

export const mappingStatuses = ["active", "superseded", "delisted", "removed"] as const;

export const mappings = pgTable(
  "mappings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    csi: text("csi").notNull(),
    seq: integer("seq").notNull(),
    label: text("label").notNull(),
    fresh: boolean("fresh").notNull(),
    /** Decided when written, so a lookup tells "found" from "opted_out" without parsing documents (R5). */
    listsMsps: boolean("lists_msps").notNull(),
    document: text("document").notNull(),
    binding: text("binding").notNull(),
    bindingKid: text("binding_kid")
      .notNull()
      .references(() => signingKeys.kid),
    assertion: jsonb("assertion").$type<MappingAssertion>().notNull(),
    /**
     * The mapping as a lookup serves it (id, document, proof), prepared when written: a lookup splices it in as is
     * (lib/lookup/lookup-csis.ts). Nothing in it changes after the insert; status and expiry stay in their columns.
     */
    served: text("served").notNull(),
    passkeyId: uuid("passkey_id").references(() => passkeys.id, { onDelete: "set null" }),
    status: text("status", { enum: mappingStatuses }).notNull().default("active"),
    createdAt: timestamptz("created_at").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
    endedAt: timestamptz("ended_at"),
    endedReason: text("ended_reason"),
    /** When the reminder that this mapping is about to expire was delivered (null until it has been). */
    remindedAt: timestamptz("reminded_at"),
    /** Delivery attempts so far, for the backoff between them. */
    reminderAttempts: integer("reminder_attempts").notNull().default(0),
    /** No attempt before this (null: as soon as the reminder is due). */
    reminderNextAt: timestamptz("reminder_next_at"),
    /** An instance's claim on the reminder while it delivers; another instance may take over once it has passed. */
    reminderLeaseUntil: timestamptz("reminder_lease_until"),
    /** Set once the private-lookup records of the CSI were rewritten without this mapping, after it expired. */
    expiryRecorded: boolean("expiry_recorded").notNull().default(false),
  },
  (table) => [
    // seq never repeats for a CSI: two tabs publishing at once cannot both win.
    uniqueIndex("mappings_csi_seq_idx").on(table.csi, table.seq),
    index("mappings_csi_active_idx").on(table.csi).where(sql`${table.status} = 'active'`),
    // The reminder job's question, asked every few minutes by every instance.
    index("mappings_reminder_due_idx").on(table.expiresAt).where(sql`${table.status} = 'active' and ${table.remindedAt} is null`),
    index("mappings_user_idx").on(table.userId),
    // The record-expiry job's question: active mappings that expired and are still in a private-lookup record.
    index("mappings_record_expiry_idx").on(table.expiresAt).where(sql`${table.status} = 'active' and not ${table.expiryRecorded}`),
  ],
);

/** Who changed what, for the recipient's history and the operator. Never records lookups (R6). */
export const auditLog = pgTable(
  "audit_log",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    at: timestamptz("at").notNull(),
    actorUserId: text("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    actorKind: text("actor_kind", { enum: ["recipient", "operator", "csip", "system"] }).notNull(),
    action: text("action").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id").notNull(),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
  },
  (table) => [index("audit_log_actor_idx").on(table.actorUserId, table.at)],
);

// --- CSIPs: telcos and email providers, their approved number ranges and domains, and their admins.

export const csips = pgTable("csips", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  contact: text("contact"),
  createdAt: timestamptz("created_at").notNull(),
  deletedAt: timestamptz("deleted_at"),
});

export const claimKinds = ["e164_prefix", "email_domain"] as const;
export const claimStatuses = ["pending", "approved", "rejected"] as const;

/** A CSIP's claim on an E.164 prefix or an email domain; it acts only on approved ones. */
export const csipClaims = pgTable(
  "csip_claims",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    csipId: uuid("csip_id")
      .notNull()
      .references(() => csips.id),
    kind: text("kind", { enum: claimKinds }).notNull(),
    value: text("value").notNull(),
    status: text("status", { enum: claimStatuses }).notNull().default("pending"),
    createdAt: timestamptz("created_at").notNull(),
    decidedAt: timestamptz("decided_at"),
    decidedBy: text("decided_by").references(() => users.id, { onDelete: "set null" }),
  },
  (table) => [
    // One approved holder per exact range or domain: the database, not only the code, refuses a second.
    uniqueIndex("csip_claims_approved_value_idx").on(table.kind, table.value).where(sql`${table.status} = 'approved'`),
    index("csip_claims_csip_idx").on(table.csipId),
  ],
);

/** CSIP admins: a role on a person's account, per CSIP. */
export const csipMembers = pgTable(
  "csip_members",
  {
    csipId: uuid("csip_id")
      .notNull()
      .references(() => csips.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    addedAt: timestamptz("added_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.csipId, table.userId] })],
);

/** Number portability: after a port, the receiving CSIP has authority over the number, not the range holder. */
export const portRecords = pgTable(
  "port_records",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    csi: text("csi").notNull(),
    fromCsipId: uuid("from_csip_id").references(() => csips.id),
    toCsipId: uuid("to_csip_id").references(() => csips.id),
    at: timestamptz("at").notNull(),
    reportedBy: uuid("reported_by").references(() => csips.id),
  },
  (table) => [index("port_records_csi_idx").on(table.csi, table.at)],
);

export const removalReasons = ["released", "reassigned", "ported_out", "other", "recipient", "new_holder"] as const;
// Every reason a CSIP may send is a reason the table can store (drizzle-kit reads this file, so only a type links them).
const _csipReasonsAreStored: readonly (typeof removalReasons)[number][] = [] as CsipRemovalReason[];

/** Every removal leaves a DP-signed tombstone: which mapping, of which CSI, by whom, why, when. */
export const tombstones = pgTable(
  "tombstones",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    mappingId: uuid("mapping_id")
      .notNull()
      .references(() => mappings.id),
    csi: text("csi").notNull(),
    removedBy: text("removed_by", { enum: ["recipient", "csip", "system"] }).notNull(),
    csipId: uuid("csip_id").references(() => csips.id),
    reason: text("reason", { enum: removalReasons }).notNull(),
    removedAt: timestamptz("removed_at").notNull(),
    /** Compact JWS by the DP over the fields above. */
    signature: text("signature").notNull(),
  },
  (table) => [uniqueIndex("tombstones_mapping_idx").on(table.mappingId), index("tombstones_csi_idx").on(table.csi)],
);

export const identifierLockReasons = ["subscriber_protection", "suspected_fraud", "ownership_dispute"] as const;

/**
 * A CSIP's lock on one of its identifiers: while it holds (not lifted, and the CSIP still has authority over the
 * identifier), nobody can take the identifier from the account that holds it by proving it with a code.
 */
export const identifierLocks = pgTable(
  "identifier_locks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    csi: text("csi").notNull(),
    csipId: uuid("csip_id")
      .notNull()
      .references(() => csips.id),
    reason: text("reason", { enum: identifierLockReasons }).notNull(),
    lockedAt: timestamptz("locked_at").notNull(),
    lockedBy: text("locked_by").references(() => users.id, { onDelete: "set null" }),
    liftedAt: timestamptz("lifted_at"),
    liftedBy: text("lifted_by").references(() => users.id, { onDelete: "set null" }),
  },
  (table) => [
    // One standing lock per identifier and CSIP: locking again changes its reason instead of stacking locks.
    uniqueIndex("identifier_locks_standing_idx").on(table.csi, table.csipId).where(sql`${table.liftedAt} is null`),
    index("identifier_locks_csip_idx").on(table.csipId, table.lockedAt),
  ],
);

/** First answers to idempotent CSIP requests: the same key replays them; the same key with another body is 409. */
export const idempotencyRecords = pgTable(
  "idempotency_records",
  {
    csipId: uuid("csip_id")
      .notNull()
      .references(() => csips.id),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status").notNull(),
    body: text("body").notNull(),
    createdAt: timestamptz("created_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.csipId, table.key] })],
);

/** Things a recipient must be told (a withdrawn mapping, a number taken over, an expiry ahead), shown in the portal. */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    message: text("message").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    readAt: timestamptz("read_at"),
  },
  (table) => [index("notifications_user_idx").on(table.userId, table.createdAt)],
);

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Identifier = typeof identifiers.$inferSelect;
export type NewIdentifier = typeof identifiers.$inferInsert;
export type OtpChallenge = typeof otpChallenges.$inferSelect;
export type OtpPurpose = (typeof otpPurposes)[number];
export type OtpChannel = (typeof otpChannels)[number];
export type Msp = typeof msps.$inferSelect;
export type SigningKey = typeof signingKeys.$inferSelect;
export type OhttpKeyRow = typeof ohttpKeys.$inferSelect;
export type IssuerKeyRow = typeof issuerKeys.$inferSelect;
export type OprfKeyRow = typeof oprfKeys.$inferSelect;
export type OprfKeyState = (typeof oprfKeyStates)[number];
export type Passkey = typeof passkeys.$inferSelect;
export type WebauthnChallenge = typeof webauthnChallenges.$inferSelect;
export type WebauthnPurpose = (typeof webauthnPurposes)[number];
export type MappingRow = typeof mappings.$inferSelect;
export type MappingStatus = (typeof mappingStatuses)[number];
export type AuditEntry = typeof auditLog.$inferInsert;
export type ApiKey = typeof apiKeys.$inferSelect;
export type Csip = typeof csips.$inferSelect;
export type CsipClaim = typeof csipClaims.$inferSelect;
export type Tombstone = typeof tombstones.$inferSelect;
export type SignInStepUp = typeof signInStepUps.$inferSelect;
export type StepUpReason = (typeof stepUpReasons)[number];
export type IdentifierLock = typeof identifierLocks.$inferSelect;
export type IdentifierLockReason = (typeof identifierLockReasons)[number];

// --- Usage, for the operator's dashboard: counts per MSP and hour, never what was looked up.

/**
 * How much each MSP used the API in each hour. Instances add their counts every few seconds (lib/metrics/usage.ts),
 * so every instance's traffic is in one place; `msp_id` is empty for refusals that came before a key was known.
 */
export const usageHourly = pgTable(
  "usage_hourly",
  {
    hour: timestamptz("hour").notNull(),
    mspId: text("msp_id").notNull(),
    requests: integer("requests").notNull().default(0),
    identifiers: integer("identifiers").notNull().default(0),
    rateLimited: integer("rate_limited").notNull().default(0),
    unavailable: integer("unavailable").notNull().default(0),
    tokensIssued: integer("tokens_issued").notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.hour, table.mspId] })],
);
