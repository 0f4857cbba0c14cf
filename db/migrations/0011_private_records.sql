CREATE TABLE "oprf_keys" (
	"epoch" integer PRIMARY KEY NOT NULL,
	"public_key" text NOT NULL,
	"sealed_secret_key" text NOT NULL,
	"state" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"activated_at" timestamp with time zone,
	"accepted_until" timestamp with time zone,
	"built_through" text
);
--> statement-breakpoint
CREATE TABLE "private_records" (
	"epoch" integer NOT NULL,
	"tag" "bytea" NOT NULL,
	"bucket32" bigint NOT NULL,
	"record" "bytea" NOT NULL,
	CONSTRAINT "private_records_epoch_tag_pk" PRIMARY KEY("epoch","tag")
);
--> statement-breakpoint
ALTER TABLE "mappings" ADD COLUMN "expiry_recorded" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "private_records" ADD CONSTRAINT "private_records_epoch_oprf_keys_epoch_fk" FOREIGN KEY ("epoch") REFERENCES "public"."oprf_keys"("epoch") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "oprf_keys_one_active_idx" ON "oprf_keys" USING btree ("state") WHERE "oprf_keys"."state" = 'active';--> statement-breakpoint
CREATE INDEX "private_records_bucket_idx" ON "private_records" USING btree ("epoch","bucket32");--> statement-breakpoint
CREATE INDEX "mappings_record_expiry_idx" ON "mappings" USING btree ("expires_at") WHERE "mappings"."status" = 'active' and not "mappings"."expiry_recorded";