ALTER TABLE "mappings" ADD COLUMN "reminder_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "mappings" ADD COLUMN "reminder_next_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mappings" ADD COLUMN "reminder_lease_until" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "mappings_reminder_due_idx" ON "mappings" USING btree ("expires_at") WHERE "mappings"."status" = 'active' and "mappings"."reminded_at" is null;