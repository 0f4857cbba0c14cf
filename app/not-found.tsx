import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found" };

/** Ours rather than Next's default, whose inline styles the pages' Content-Security-Policy refuses. */
export default function NotFound() {
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-3xl font-bold tracking-tight text-slate-900">Page not found</h1>
      <p className="max-w-2xl text-slate-700">
        There is no page at this address, or it is not one you may see. Check the address, or start again from the home page.
      </p>
      <p>
        <Link href="/" className="text-indigo-700 underline underline-offset-4 hover:text-indigo-900">
          Go to the home page
        </Link>
      </p>
    </div>
  );
}
