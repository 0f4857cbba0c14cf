import Link from "next/link";
import { getDb } from "@/db/index";
import { isDatabaseUnavailable } from "@/db/errors";
import { getCurrentSession, type CurrentSession } from "@/web/current-session";
import { ServiceUnavailableError } from "@/web/service-unavailable";
import { listMemberships } from "@/lib/csip-console/list-memberships";
import { isOperator } from "@/lib/operators/operators";
import { signOutAction } from "./sign-out-action";

/** Who is signed in, for the navigation; "unknown" while the database does not answer (the page says why). */
async function whoIsSignedIn(): Promise<{ session: CurrentSession | null; csipAdmin: boolean; operator: boolean } | "unknown"> {
  try {
    const session = await getCurrentSession();
    // The consoles this person may use, so that nobody has to know their addresses.
    const [csipAdmin, operator] = session
      ? await Promise.all([listMemberships(getDb(), session.userId).then((rows) => rows.length > 0), isOperator(getDb(), session.userId)])
      : [false, false];
    return { session, csipAdmin, operator };
  } catch (error) {
    if (error instanceof ServiceUnavailableError || isDatabaseUnavailable(error)) return "unknown";
    throw error;
  }
}

export async function SiteHeader() {
  const known = await whoIsSignedIn();
  // During an outage the header offers neither "Sign in" (the person may well be signed in) nor account links.
  const { session, csipAdmin, operator } = known === "unknown" ? { session: null, csipAdmin: false, operator: false } : known;
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-4xl flex-wrap items-center justify-between gap-3 px-4 py-3">
        <Link href="/" className="text-lg font-bold text-slate-900">
          mimi<span className="text-indigo-700">·</span>discovery
        </Link>
        <nav aria-label="Main" className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
          <Link href="/docs/api" className="font-medium text-slate-700 hover:text-slate-900">
            API
          </Link>
          {known === "unknown" ? null : session ? (
            <>
              <Link href="/mappings" className="font-medium text-slate-700 hover:text-slate-900">
                Mappings
              </Link>
              {csipAdmin && (
                <Link href="/csip" className="font-medium text-slate-700 hover:text-slate-900">
                  CSIP console
                </Link>
              )}
              {operator && (
                <Link href="/admin" className="font-medium text-slate-700 hover:text-slate-900">
                  Operator console
                </Link>
              )}
              <Link href="/account" className="font-medium text-slate-700 hover:text-slate-900">
                Account
              </Link>
              <form action={signOutAction}>
                <button type="submit" className="font-medium text-slate-700 underline-offset-2 hover:text-slate-900 hover:underline">
                  Sign out
                </button>
              </form>
            </>
          ) : (
            <Link href="/sign-in" className="rounded-md bg-indigo-700 px-3 py-1.5 font-semibold text-white hover:bg-indigo-800">
              Sign in
            </Link>
          )}
        </nav>
      </div>
    </header>
  );
}
