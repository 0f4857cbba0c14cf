-- The served JSON of each mapping, prepared when it is written (lib/mappings/publish-mapping.ts), so that a lookup
-- is one indexed query and a splice. Rows written before this migration get theirs here, byte for byte what
-- serializeMapping makes: the document as its stored signed text; the assertion in jsonb's key order, as jsonb
-- prints it less the space after each colon and comma (its four members are base64url strings, which hold neither
-- quotes nor spaces, so only those separators contain '": "' and '", "').
ALTER TABLE "mappings" ADD COLUMN "served" text;
--> statement-breakpoint
-- What a lookup reads stays in the row, uncompressed: the columns it no longer reads (the served text holds them)
-- are the ones moved out of line when a row is too wide for the page's share, so a lookup touches the index and
-- one heap page, never TOAST, and decompresses nothing. Set before the UPDATE below, which rewrites every row.
ALTER TABLE "mappings" ALTER COLUMN "served" SET STORAGE MAIN, ALTER COLUMN "document" SET STORAGE EXTERNAL, ALTER COLUMN "binding" SET STORAGE EXTERNAL, ALTER COLUMN "assertion" SET STORAGE EXTERNAL;
--> statement-breakpoint
UPDATE "mappings" SET "served" = '{"id":' || to_json("id"::text)::text || ',"document":' || "document" || ',"proof":{"binding":' || to_json("binding")::text || ',"assertion":' || replace(replace("assertion"::text, '": "', '":"'), '", "', '","') || '}}';
--> statement-breakpoint
ALTER TABLE "mappings" ALTER COLUMN "served" SET NOT NULL;
