import { Group } from "@visx/group";
import { scaleBand, scaleLinear, scaleOrdinal } from "@visx/scale";
import { BarStack } from "@visx/shape";
import { DataTable } from "@/components/ui/data-table";

export type ChartSeries = { name: string; values: number[] };

// Okabe–Ito hues (told apart with colour-blindness), darkened where needed so each has 3:1 contrast on white, as
// WCAG 1.4.11 asks of graphics.
const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#b4507f", "#8a6d00", "#6b21a8", "#000000"];

// Drawn small and scaled up to the card: its text stays legible at half a desktop and on a phone.
const WIDTH = 400;
const HEIGHT = 180;
const MARGIN = { top: 10, right: 8, bottom: 24, left: 36 };

/**
 * A stacked bar chart drawn on the server as SVG (visx computes the geometry; nothing runs in the browser and nothing
 * is fetched from a CDN), scaled to its container's width. Every figure is also in a table below it, for screen
 * readers and for anyone who wants the numbers rather than the shape.
 */
export function BarChart({
  id,
  title,
  labels,
  tableLabels,
  series,
  everyNthLabel,
  emptyName = "Count",
  legend = series.length > 1,
}: {
  id: string;
  title: string;
  /** Short labels under the bars ("14:00", "3 Dec"). */
  labels: string[];
  /** The bucket as the table names it in full ("1 Dec 2026, 14:00 UTC"). */
  tableLabels: string[];
  series: ChartSeries[];
  everyNthLabel: number;
  /** The table's column when there is no series at all (no MSP looked anything up). */
  emptyName?: string;
  /** Whether to name the series above the chart; by default when there are several. */
  legend?: boolean;
}) {
  const shown = series.length > 0 ? series : [{ name: emptyName, values: labels.map(() => 0) }];
  const rows = labels.map((label, index) => ({
    label,
    ...Object.fromEntries(shown.map((item) => [item.name, item.values[index] ?? 0])),
  })) as ({ label: string } & Record<string, number>)[];
  const totals = labels.map((_, index) => shown.reduce((sum, item) => sum + (item.values[index] ?? 0), 0));
  const keys = shown.map((item) => item.name);
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xScale = scaleBand<string>({ domain: labels, range: [0, innerWidth], padding: 0.2 });
  const yScale = scaleLinear<number>({ domain: [0, Math.max(1, ...totals)], range: [innerHeight, 0], nice: true });
  const color = scaleOrdinal<string, string>({ domain: keys, range: PALETTE });
  const sum = totals.reduce((total, value) => total + value, 0);

  return (
    <figure className="flex min-w-0 flex-col gap-3" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="text-sm font-semibold text-slate-900">
        {title} <span className="font-normal text-slate-600">({sum.toLocaleString("en-GB")} in all)</span>
      </figcaption>
      {legend && series.length > 0 && (
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700" aria-label="Legend">
          {series.map((item) => (
            <li key={item.name} className="flex items-center gap-1.5">
              {/* An SVG swatch, since the page's Content-Security-Policy allows no inline style attribute. */}
              <svg aria-hidden="true" viewBox="0 0 12 12" className="h-3 w-3">
                <rect width="12" height="12" rx="2" fill={color(item.name)} />
              </svg>
              {item.name}
            </li>
          ))}
        </ul>
      )}
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="h-auto w-full" aria-hidden="true" data-testid={`chart-${id}`}>
        <Group left={MARGIN.left} top={MARGIN.top}>
          <BarStack<(typeof rows)[number], string>
            data={rows}
            keys={keys}
            x={(row) => row.label}
            xScale={xScale}
            yScale={yScale}
            color={color}
          />
          {/* Axes drawn here rather than with @visx/axis, whose labels carry inline style attributes the page's
              Content-Security-Policy refuses. */}
          {yScale
            .ticks(4)
            .filter((tick) => Number.isInteger(tick))
            .map((tick) => (
              <g key={`y-${tick}`}>
                <line x1={0} x2={innerWidth} y1={yScale(tick)} y2={yScale(tick)} stroke="#e2e8f0" />
                <text x={-5} y={yScale(tick)} dy="0.32em" textAnchor="end" fontSize={11} fill="#334155">
                  {tick.toLocaleString("en-GB")}
                </text>
              </g>
            ))}
          <line x1={0} x2={innerWidth} y1={innerHeight} y2={innerHeight} stroke="#64748b" />
          {labels.map((label, index) =>
            index % everyNthLabel === 0 ? (
              <text key={`x-${label}`} x={(xScale(label) ?? 0) + xScale.bandwidth() / 2} y={innerHeight + 16} textAnchor="middle" fontSize={10} fill="#334155">
                {label}
              </text>
            ) : null,
          )}
        </Group>
      </svg>
      <details className="text-sm">
        <summary className="cursor-pointer text-indigo-700 underline underline-offset-2">The figures as a table</summary>
        <div className="mt-2">
          <DataTable
            id={`${id}-table`}
            caption={title}
            minWidthClass="min-w-[20rem]"
            columns={[{ label: "Period" }, ...shown.map((item) => ({ label: item.name, className: "text-right" }))]}
          >
            {tableLabels.map((label, index) => (
              <tr key={label}>
                <th scope="row" className="px-3 py-1 font-normal">
                  {label}
                </th>
                {shown.map((item) => (
                  <td key={item.name} className="px-3 py-1 text-right tabular-nums">
                    {(item.values[index] ?? 0).toLocaleString("en-GB")}
                  </td>
                ))}
              </tr>
            ))}
          </DataTable>
        </div>
      </details>
    </figure>
  );
}
