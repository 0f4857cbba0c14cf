import type { Metadata } from "next";
import Link from "next/link";
import { BarChart } from "@/components/charts/bar-chart";
import { Card } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { formatDateTime } from "@/components/ui/date-time";
import { getDb } from "@/db/index";
import { now } from "@/lib/clock";
import { dashboardFigures, type DashboardRange } from "@/lib/dashboard/dashboard-figures";

export const metadata: Metadata = { title: "Dashboard" };

const RANGES: { range: DashboardRange; label: string }[] = [
  { range: "day", label: "Last 24 hours" },
  { range: "month", label: "Last 30 days" },
];

function shortLabel(at: Date, range: DashboardRange): string {
  return range === "day"
    ? at.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" })
    : at.toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
}

function fullLabel(at: Date, range: DashboardRange): string {
  return range === "day" ? formatDateTime(at) : `${at.toLocaleDateString("en-GB", { dateStyle: "medium", timeZone: "UTC" })} (UTC)`;
}

export default async function DashboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const range: DashboardRange = params.range === "month" ? "month" : "day";
  const figures = await dashboardFigures(getDb(), { range, now: now() });
  const labels = figures.buckets.map((at) => shortLabel(at, range));
  const tableLabels = figures.buckets.map((at) => fullLabel(at, range));
  const every = range === "day" ? 3 : 5;
  const per = range === "day" ? "per hour" : "per day";

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">Dashboard</h1>
          <p className="mt-1 text-sm text-slate-600">
            Counts only, in UTC: what each MSP did, never what it looked up. Usage from every instance is written every few seconds.
          </p>
        </div>
        <nav aria-label="Period" className="flex gap-1 rounded-md border border-slate-300 p-1 text-sm">
          {RANGES.map((option) => (
            <Link
              key={option.range}
              href={`/admin/dashboard?range=${option.range}`}
              aria-current={option.range === range ? "page" : undefined}
              className={`rounded px-3 py-1.5 font-medium ${option.range === range ? "bg-indigo-700 text-white" : "text-indigo-700 hover:bg-indigo-50"}`}
            >
              {option.label}
            </Link>
          ))}
        </nav>
      </div>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Lookups" description={`Identifiers looked up ${per}, by the MSP that asked.`}>
          <BarChart id="lookups" title={`Identifiers looked up ${per}`} labels={labels} tableLabels={tableLabels} series={figures.lookupsByMsp} everyNthLabel={every} emptyName="Identifiers" legend />
        </Card>
        <Card title="Refusals" description="Requests refused because an MSP went over its limits (429) or a dependency was down (503).">
          <BarChart id="refusals" title={`Refused requests ${per}`} labels={labels} tableLabels={tableLabels} series={figures.refusals} everyNthLabel={every} />
        </Card>
        <Card title="Private-lookup tokens" description="Privacy Pass tokens issued to MSPs. Redemptions cannot be told apart by MSP, by design.">
          <BarChart id="tokens" title={`Tokens issued ${per}`} labels={labels} tableLabels={tableLabels} series={[{ name: "Tokens issued", values: figures.tokensIssued }]} everyNthLabel={every} />
        </Card>
        <Card title="Mappings published" description="Mappings signed by their recipients, first publications and renewals alike.">
          <BarChart id="published" title={`Mappings published ${per}`} labels={labels} tableLabels={tableLabels} series={[{ name: "Published", values: figures.published }]} everyNthLabel={every} />
        </Card>
        <Card title="Mappings removed" description="By the recipient, by the CSIP that released or ported the identifier, or when a new holder took it over.">
          <BarChart id="removed" title={`Mappings removed ${per}`} labels={labels} tableLabels={tableLabels} series={figures.removed} everyNthLabel={every} />
        </Card>
        <Card title="Mappings expiring" description="Active mappings that expire on each of the next 30 days unless their recipients renew them.">
          <BarChart
            id="expiring"
            title="Mappings expiring per day, next 30 days"
            labels={figures.expiring.days.map((at) => shortLabel(at, "month"))}
            tableLabels={figures.expiring.days.map((at) => fullLabel(at, "month"))}
            series={[{ name: "Expiring", values: figures.expiring.values }]}
            everyNthLabel={5}
          />
        </Card>
      </div>

      <Card title="CSIP removals" description={`Mappings removed by each CSIP, ${range === "day" ? "over the last 24 hours" : "over the last 30 days"}.`}>
        {figures.csipRemovals.length === 0 ? (
          <p className="text-sm text-slate-600">No CSIP removed a mapping in this period.</p>
        ) : (
          <DataTable id="csip-removals" caption="Removals per CSIP, most first." minWidthClass="min-w-[20rem]" columns={[{ label: "CSIP" }, { label: "Mappings removed", className: "text-right" }]}>
            {figures.csipRemovals.map((row) => (
              <tr key={row.csipId ?? "gone"} data-testid="csip-removal-row">
                <td className="px-3 py-2">
                  {row.csipId ? (
                    <Link href={`/admin/csips/${row.csipId}`} className="text-indigo-700 underline underline-offset-2 hover:text-indigo-900">
                      {row.name}
                    </Link>
                  ) : (
                    row.name
                  )}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{row.count.toLocaleString("en-GB")}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Card>
    </div>
  );
}
