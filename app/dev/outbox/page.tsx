import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import { listDevOutbox } from "@/lib/delivery/dev-outbox";
import { DateTime } from "@/components/ui/date-time";

export const metadata: Metadata = { title: "Development outbox" };
export const dynamic = "force-dynamic";

const CHANNEL = { sms: "Text message", voice: "Voice call", email: "Email" } as const;

/** Exists only while some channel has no real delivery configured. */
export default async function DevOutboxPage() {
  if (!getEnv().devOutbox) notFound();
  const messages = await listDevOutbox(getDb());
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold">Development outbox</h1>
        <p className="mt-1 text-sm text-slate-700">
          Codes that would have been sent, newest first. They appear here because no SMTP server or SMS gateway is
          configured. Reload to see new ones.
        </p>
      </div>
      {messages.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 bg-white p-6 text-center text-slate-600">
          Nothing has been sent yet. Request a code on the sign-in page and it shows up here.
        </p>
      ) : (
        <ul className="flex flex-col gap-3" aria-label="Messages">
          {messages.map((message) => (
            <li key={message.id} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="outbox-message">
              <p className="text-xs text-slate-600">
                {CHANNEL[message.channel]} to <span data-testid="outbox-destination">{message.destination}</span> ·{" "}
                <DateTime value={message.createdAt} />
              </p>
              <pre className="mt-2 whitespace-pre-wrap break-words font-mono text-sm text-slate-900" data-testid="outbox-body">
                {message.body}
              </pre>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
