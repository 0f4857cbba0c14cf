import type { Metadata, Viewport } from "next";
import { DevBanner } from "@/components/dev-banner";
import { SiteHeader } from "@/components/site-header";
import { getEnv } from "@/env";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "mimi-discovery", template: "%s · mimi-discovery" },
  description: "Tell people on any messaging app where to reach you, with your consent and without a social graph.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  const env = getEnv();
  return (
    <html lang="en">
      <body className="flex min-h-screen flex-col bg-slate-50 font-sans text-slate-900 antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        {env.devOutbox && <DevBanner />}
        <SiteHeader />
        <main id="main" className="mx-auto w-full max-w-4xl flex-1 px-4 py-8 sm:py-12">
          {children}
        </main>
        <footer className="border-t border-slate-200 bg-white">
          <div className="mx-auto max-w-4xl px-4 py-4 text-xs text-slate-600">
            mimi-discovery, an open-source Discovery Provider for IETF MIMI user discovery.
          </div>
        </footer>
      </body>
    </html>
  );
}
