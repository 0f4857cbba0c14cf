CREATE TABLE "issuer_keys" (
	"token_key_id" text PRIMARY KEY NOT NULL,
	"truncated_key_id" integer NOT NULL,
	"spki" text NOT NULL,
	"sealed_private_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"issues_until" timestamp with time zone NOT NULL,
	"accepted_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ohttp_keys" (
	"key_id" integer PRIMARY KEY NOT NULL,
	"public_key" text NOT NULL,
	"sealed_private_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"retired_at" timestamp with time zone,
	"accepted_until" timestamp with time zone,
	CONSTRAINT "ohttp_keys_key_id_byte" CHECK ("ohttp_keys"."key_id" between 0 and 255)
);
--> statement-breakpoint
CREATE TABLE "spent_once" (
	"scope" text NOT NULL,
	"id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "spent_once_scope_id_pk" PRIMARY KEY("scope","id")
);
--> statement-breakpoint
CREATE INDEX "issuer_keys_accepted_idx" ON "issuer_keys" USING btree ("accepted_until");--> statement-breakpoint
CREATE INDEX "spent_once_expires_idx" ON "spent_once" USING btree ("expires_at");