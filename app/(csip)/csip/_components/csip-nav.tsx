"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** The console's sections for one CSIP; the current one is marked for screen readers and by eye. */
export function CsipNav({ csipName, links, switchHref }: { csipName: string; links: { href: string; label: string }[]; switchHref?: string | undefined }) {
  const pathname = usePathname();
  return (
    <nav aria-label="CSIP console" className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-slate-200 pb-3 text-sm font-medium">
      <span className="text-slate-600">
        CSIP console · <span className="text-slate-900">{csipName}</span>
      </span>
      {links.map((link) => {
        const current = pathname === link.href;
        return (
          <Link
            key={link.href}
            href={link.href}
            aria-current={current ? "page" : undefined}
            className={current ? "text-slate-900 underline decoration-2 underline-offset-4" : "text-indigo-700 hover:underline"}
          >
            {link.label}
          </Link>
        );
      })}
      {switchHref && (
        <Link href={switchHref} className="text-indigo-700 hover:underline sm:ml-auto">
          Switch CSIP
        </Link>
      )}
    </nav>
  );
}
