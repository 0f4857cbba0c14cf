import { refuseControlCharacters } from "@/web/auth-request-guard";
import { handlers } from "@/web/auth";

/**
 * Auth.js's own endpoints (session, csrf, sign-out), behind a guard: a callbackUrl with CR/LF or other control
 * characters once made Auth.js fail with a 500 and write the raw bytes to the log. It is a 400 now, before Auth.js.
 */
export const GET = refuseControlCharacters(handlers.GET);
export const POST = refuseControlCharacters(handlers.POST);
