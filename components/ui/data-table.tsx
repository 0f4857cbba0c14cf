import type { ReactNode } from "react";

export type DataTableColumn = { label: string; className?: string };

/**
 * A table that scrolls sideways inside its own focusable region on a narrow screen, so the page itself never
 * does; the caption names the region for screen readers. `minWidthClass` is a Tailwind class written out by the
 * caller (min-w-[36rem]), since Tailwind only sees classes that appear whole in the source. The region is positioned,
 * so that visually hidden (absolutely positioned) labels inside a cell are clipped with it instead of widening the page.
 */
export function DataTable({
  id,
  caption,
  columns,
  minWidthClass,
  children,
}: {
  id: string;
  caption: ReactNode;
  columns: DataTableColumn[];
  minWidthClass: string;
  children: ReactNode;
}) {
  return (
    <div
      role="region"
      aria-labelledby={`${id}-caption`}
      tabIndex={0}
      className="relative overflow-x-auto rounded-md border border-slate-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
    >
      <table className={`w-full ${minWidthClass} border-collapse text-left text-sm`}>
        <caption id={`${id}-caption`} className="border-b border-slate-200 bg-slate-50 px-3 py-2 text-left text-sm text-slate-700">
          {caption}
        </caption>
        <thead className="bg-slate-50 text-slate-900">
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col" className={`px-3 py-2 font-semibold ${column.className ?? ""}`}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 align-top text-slate-700">{children}</tbody>
      </table>
    </div>
  );
}
