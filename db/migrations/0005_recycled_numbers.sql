CREATE TABLE "identifier_locks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"csi" text NOT NULL,
	"csip_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"locked_at" timestamp with time zone NOT NULL,
	"locked_by" text,
	"lifted_at" timestamp with time zone,
	"lifted_by" text
);
--> statement-breakpoint
CREATE TABLE "sign_in_step_ups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"identifier" text NOT NULL,
	"line_type" text,
	"user_id" text NOT NULL,
	"reason" text NOT NULL,
	"code_challenge_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "identifier_locks" ADD CONSTRAINT "identifier_locks_csip_id_csips_id_fk" FOREIGN KEY ("csip_id") REFERENCES "public"."csips"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identifier_locks" ADD CONSTRAINT "identifier_locks_locked_by_users_id_fk" FOREIGN KEY ("locked_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identifier_locks" ADD CONSTRAINT "identifier_locks_lifted_by_users_id_fk" FOREIGN KEY ("lifted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_in_step_ups" ADD CONSTRAINT "sign_in_step_ups_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_in_step_ups" ADD CONSTRAINT "sign_in_step_ups_code_challenge_id_otp_challenges_id_fk" FOREIGN KEY ("code_challenge_id") REFERENCES "public"."otp_challenges"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "identifier_locks_standing_idx" ON "identifier_locks" USING btree ("csi","csip_id") WHERE "identifier_locks"."lifted_at" is null;--> statement-breakpoint
CREATE INDEX "identifier_locks_csip_idx" ON "identifier_locks" USING btree ("csip_id","locked_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sign_in_step_ups_token_idx" ON "sign_in_step_ups" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "sign_in_step_ups_expires_idx" ON "sign_in_step_ups" USING btree ("expires_at");