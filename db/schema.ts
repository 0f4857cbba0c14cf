import { sql } from "drizzle-orm";
import {
  bigint,
  check,
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

export const otpPurposes = ["sign_in", "add_identifier", "reauthenticate"] as const;
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

// --- The DP's registry of messaging service providers.

export const msps = pgTable("msps", {
  id: text("id").primaryKey(), // a domain name, such as chat.example
  displayName: text("display_name").notNull(),
  contact: text("contact"),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
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

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Identifier = typeof identifiers.$inferSelect;
export type NewIdentifier = typeof identifiers.$inferInsert;
export type OtpChallenge = typeof otpChallenges.$inferSelect;
export type OtpPurpose = (typeof otpPurposes)[number];
export type OtpChannel = (typeof otpChannels)[number];
export type Msp = typeof msps.$inferSelect;
export type SigningKey = typeof signingKeys.$inferSelect;
