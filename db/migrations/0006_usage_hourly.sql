CREATE TABLE "usage_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"msp_id" text NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"identifiers" integer DEFAULT 0 NOT NULL,
	"rate_limited" integer DEFAULT 0 NOT NULL,
	"unavailable" integer DEFAULT 0 NOT NULL,
	"tokens_issued" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_hourly_hour_msp_id_pk" PRIMARY KEY("hour","msp_id")
);
