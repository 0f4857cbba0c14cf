-- Every instance keeps the API keys it verified in memory for a few seconds (lib/api-keys/key-cache.ts). Whatever
-- can make a cached answer wrong (a key revoked or deleted, an MSP's limits changed or the MSP removed, a CSIP
-- removed) is announced on the channel "mimi_api_key_changes" by the database itself, so that no write path,
-- console, script or hand-written UPDATE can forget to: NOTIFY is delivered when the transaction commits, and
-- never for one that rolls back. The payload names the owner only ("key:<id>", "msp:<id>", "csip:<id>").
CREATE FUNCTION mimi_announce_api_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('mimi_api_key_changes', TG_ARGV[0] || ':' || OLD.id::text);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER api_keys_announce_change AFTER UPDATE OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION mimi_announce_api_key_change('key');
--> statement-breakpoint
CREATE TRIGGER msps_announce_change AFTER UPDATE OR DELETE ON msps
  FOR EACH ROW EXECUTE FUNCTION mimi_announce_api_key_change('msp');
--> statement-breakpoint
CREATE TRIGGER csips_announce_change AFTER UPDATE OR DELETE ON csips
  FOR EACH ROW EXECUTE FUNCTION mimi_announce_api_key_change('csip');
