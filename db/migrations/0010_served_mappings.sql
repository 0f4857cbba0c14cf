-- The served JSON of each mapping, prepared when it is written (lib/mappings/publish-mapping.ts), so that a lookup
-- is one indexed query and a splice. Rows written before this migration get theirs here, built the way
-- serializeMapping builds it: the document as its stored signed text, the assertion as PostgreSQL prints its jsonb
-- (the same values; only the spacing and key order of that one object may differ from a newer row's).
ALTER TABLE "mappings" ADD COLUMN "served" text;
--> statement-breakpoint
UPDATE "mappings" SET "served" = '{"id":' || to_json("id"::text)::text || ',"document":' || "document" || ',"proof":{"binding":' || to_json("binding")::text || ',"assertion":' || "assertion"::text || '}}';
--> statement-breakpoint
ALTER TABLE "mappings" ALTER COLUMN "served" SET NOT NULL;
