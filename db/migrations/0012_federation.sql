CREATE TABLE "federation_invalidations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"csi" text NOT NULL,
	"from_dp" text NOT NULL,
	"mapping_id" text NOT NULL,
	"document_created" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"delisted" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "federation_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"mapping_id" uuid,
	"statement" text,
	"created_at" timestamp with time zone NOT NULL,
	"pending" jsonb,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"done_at" timestamp with time zone,
	CONSTRAINT "federation_outbox_one_kind" CHECK (("federation_outbox"."mapping_id" is null) <> ("federation_outbox"."statement" is null))
);
--> statement-breakpoint
CREATE TABLE "federation_peers" (
	"issuer" text PRIMARY KEY NOT NULL,
	"last_answered_at" timestamp with time zone,
	"last_failed_at" timestamp with time zone,
	"last_failure" text,
	"last_asked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "federation_outbox" ADD CONSTRAINT "federation_outbox_mapping_id_mappings_id_fk" FOREIGN KEY ("mapping_id") REFERENCES "public"."mappings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "federation_invalidations_csi_idx" ON "federation_invalidations" USING btree ("csi");--> statement-breakpoint
CREATE UNIQUE INDEX "federation_invalidations_mapping_idx" ON "federation_invalidations" USING btree ("from_dp","mapping_id");--> statement-breakpoint
CREATE INDEX "federation_outbox_due_idx" ON "federation_outbox" USING btree ("next_at") WHERE "federation_outbox"."done_at" is null;