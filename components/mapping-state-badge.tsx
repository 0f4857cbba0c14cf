import type { MappingState } from "@/lib/mappings/list-mappings";

const STYLES: Record<MappingState, { text: string; className: string }> = {
  active: { text: "Active", className: "bg-green-100 text-green-900" },
  superseded: { text: "Superseded", className: "bg-slate-200 text-slate-800" },
  delisted: { text: "De-listed", className: "bg-amber-100 text-amber-950" },
  removed: { text: "Removed", className: "bg-red-100 text-red-900" },
  expired: { text: "Expired", className: "bg-slate-200 text-slate-800" },
};

export function MappingStateBadge({ state }: { state: MappingState }) {
  const style = STYLES[state];
  return <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-semibold ${style.className}`}>{style.text}</span>;
}
