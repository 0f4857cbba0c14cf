CREATE TABLE "csip_claims" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"csip_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" text
);
--> statement-breakpoint
CREATE TABLE "csip_members" (
	"csip_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"added_at" timestamp with time zone NOT NULL,
	CONSTRAINT "csip_members_csip_id_user_id_pk" PRIMARY KEY("csip_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "csips" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"contact" text,
	"created_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "idempotency_records" (
	"csip_id" uuid NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_records_csip_id_key_pk" PRIMARY KEY("csip_id","key")
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"message" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "port_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"csi" text NOT NULL,
	"from_csip_id" uuid,
	"to_csip_id" uuid,
	"at" timestamp with time zone NOT NULL,
	"reported_by" uuid
);
--> statement-breakpoint
CREATE TABLE "tombstones" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"mapping_id" uuid NOT NULL,
	"csi" text NOT NULL,
	"removed_by" text NOT NULL,
	"csip_id" uuid,
	"reason" text NOT NULL,
	"removed_at" timestamp with time zone NOT NULL,
	"signature" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "csip_id" uuid;--> statement-breakpoint
ALTER TABLE "mappings" ADD COLUMN "reminded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "msps" ADD COLUMN "operator_csip_id" uuid;--> statement-breakpoint
ALTER TABLE "csip_claims" ADD CONSTRAINT "csip_claims_csip_id_csips_id_fk" FOREIGN KEY ("csip_id") REFERENCES "public"."csips"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csip_claims" ADD CONSTRAINT "csip_claims_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csip_members" ADD CONSTRAINT "csip_members_csip_id_csips_id_fk" FOREIGN KEY ("csip_id") REFERENCES "public"."csips"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csip_members" ADD CONSTRAINT "csip_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_records" ADD CONSTRAINT "idempotency_records_csip_id_csips_id_fk" FOREIGN KEY ("csip_id") REFERENCES "public"."csips"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_records" ADD CONSTRAINT "port_records_from_csip_id_csips_id_fk" FOREIGN KEY ("from_csip_id") REFERENCES "public"."csips"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_records" ADD CONSTRAINT "port_records_to_csip_id_csips_id_fk" FOREIGN KEY ("to_csip_id") REFERENCES "public"."csips"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_records" ADD CONSTRAINT "port_records_reported_by_csips_id_fk" FOREIGN KEY ("reported_by") REFERENCES "public"."csips"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tombstones" ADD CONSTRAINT "tombstones_mapping_id_mappings_id_fk" FOREIGN KEY ("mapping_id") REFERENCES "public"."mappings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tombstones" ADD CONSTRAINT "tombstones_csip_id_csips_id_fk" FOREIGN KEY ("csip_id") REFERENCES "public"."csips"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "csip_claims_approved_value_idx" ON "csip_claims" USING btree ("kind","value") WHERE "csip_claims"."status" = 'approved';--> statement-breakpoint
CREATE INDEX "csip_claims_csip_idx" ON "csip_claims" USING btree ("csip_id");--> statement-breakpoint
CREATE INDEX "notifications_user_idx" ON "notifications" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "port_records_csi_idx" ON "port_records" USING btree ("csi","at");--> statement-breakpoint
CREATE UNIQUE INDEX "tombstones_mapping_idx" ON "tombstones" USING btree ("mapping_id");--> statement-breakpoint
CREATE INDEX "tombstones_csi_idx" ON "tombstones" USING btree ("csi");--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_csip_id_csips_id_fk" FOREIGN KEY ("csip_id") REFERENCES "public"."csips"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "msps" ADD CONSTRAINT "msps_operator_csip_id_csips_id_fk" FOREIGN KEY ("operator_csip_id") REFERENCES "public"."csips"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_csip_owner" CHECK (("api_keys"."owner_kind" = 'csip') = ("api_keys"."csip_id" is not null));