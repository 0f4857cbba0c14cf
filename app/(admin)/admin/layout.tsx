import Link from "next/link";
import { requireOperator } from "@/web/require-operator";

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  await requireOperator();
  return (
    <div className="flex flex-col gap-6">
      <nav aria-label="Operator console" className="flex flex-wrap gap-4 border-b border-slate-200 pb-3 text-sm font-medium">
        <span className="text-slate-500">Operator console</span>
        <Link href="/admin/dashboard" className="text-indigo-700 hover:underline">
          Dashboard
        </Link>
        <Link href="/admin" className="text-indigo-700 hover:underline">
          Messaging services
        </Link>
        <Link href="/admin/csips" className="text-indigo-700 hover:underline">
          CSIPs and claims
        </Link>
        <Link href="/admin/private" className="text-indigo-700 hover:underline">
          Private lookups
        </Link>
        <Link href="/admin/peers" className="text-indigo-700 hover:underline">
          Federation peers
        </Link>
        <Link href="/admin/audit" className="text-indigo-700 hover:underline">
          Audit log
        </Link>
        <Link href="/docs/api" className="text-indigo-700 hover:underline">
          API reference
        </Link>
      </nav>
      {children}
    </div>
  );
}
