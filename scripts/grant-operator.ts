/**
 * `npm run operator:grant -- <email or +phone>`: gives an identifier the DP operator role. The person still
 * proves they own it with a code or a passkey to sign in; there is no default password anywhere.
 * With the embedded database, stop the server first (PGlite opens its folder from one process at a time), or
 * set OPERATORS=<identifier> in the server's environment instead.
 */
import { closeRawClient } from "@/db/client";
import { getDb, getRawClient } from "@/db/index";
import { migrateDatabase } from "@/db/migrate";
import { parseIdentifier } from "@mimi-discovery/msp-kit";
import { grantOperator } from "@/lib/operators/operators";

const input = process.argv[2];
if (!input) {
  console.error("usage: npm run operator:grant -- <email address or +phone number>");
  process.exit(2);
}
let uri: string;
try {
  uri = parseIdentifier(input).uri;
} catch (error) {
  console.error(`not an identifier: ${(error as Error).message}`);
  process.exit(2);
}
await migrateDatabase(getRawClient());
const granted = await grantOperator(getDb(), uri, new Date());
console.log(granted ? `${uri} is now a DP operator. Sign in with it to open /admin.` : `${uri} was already a DP operator.`);
await closeRawClient(getRawClient());
