/**
 * Analytics: alerts over time by severity (chart with a table alternative), time to acknowledge
 * and resolve, and maintenance on-time rate, downtime and cost per km — for a period and time zone.
 */
import type { InferResponseType } from "hono/client";
import { useState } from "react";
import { client, describeError, unwrap } from "../api";
import { browserTimeZone, bucketLabel, formatDuration, type PeriodId, PERIODS, timeZones } from "../analytics-format";
import type { Client } from "../api-types";
import { StackedBarChart } from "../charts";
import { DownloadButton, queryString } from "../download-button";
import type { FleetReportInput } from "../fleet-report-pdf";

/** pdf-lib loads only when a report is asked for (it is most of a megabyte). */
async function buildFleetReportPdf(response: Response): Promise<Blob> {
  const [{ fleetReportPdf }, report] = await Promise.all([import("../fleet-report-pdf"), response.json() as Promise<FleetReportInput>]);
  return new Blob([(await fleetReportPdf(report)) as Uint8Array<ArrayBuffer>], { type: "application/pdf" });
}
import { formatNumber } from "../format";
import { Page, Status } from "../page";
import { ScrollTable } from "../scroll-table";
import { useApi } from "../use-api";
import "../maintenance.css";
import "../analytics.css";

type AlertAnalytics = InferResponseType<Client["api"]["analytics"]["alerts"]["$get"], 200>;
type MaintenanceAnalytics = InferResponseType<Client["api"]["analytics"]["maintenance"]["$get"], 200>;

const SEVERITIES = ["critical", "high", "medium", "low"] as const;
const money = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function Fact({ term, value, note }: { term: string; value: string; note?: string }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>
        {value}
        {note ? <span className="fact-note"> {note}</span> : null}
      </dd>
    </div>
  );
}

function AlertsSection({ data }: { data: AlertAnalytics }) {
  const labels = data.series.map((b) => bucketLabel(b.start, data.bucket, data.timeZone));
  const series = SEVERITIES.map((s) => ({ label: s, values: data.series.map((b) => b[s]) }));
  return (
    <section aria-labelledby="alerts-analytics-heading">
      <h2 id="alerts-analytics-heading">Alerts</h2>
      <StackedBarChart
        title={`Alerts per ${data.bucket} by severity (${data.timeZone})`}
        labels={labels}
        series={series}
        xLabel={data.bucket === "hour" ? "Hour starting" : "Day"}
      />
      <dl className="facts">
        <Fact term="Alerts raised" value={formatNumber(data.totals.all)} />
        <Fact
          term="Mean time to acknowledge (MTTA)"
          value={formatDuration(data.mttaSeconds)}
          note={data.p90TtaSeconds === null ? undefined : `(90 % within ${formatDuration(data.p90TtaSeconds)})`}
        />
        <Fact
          term="Mean time to resolve (MTTR)"
          value={formatDuration(data.mttrSeconds)}
          note={data.p90TtrSeconds === null ? undefined : `(90 % within ${formatDuration(data.p90TtrSeconds)})`}
        />
        <Fact term="Acknowledged" value={formatNumber(data.totals.acknowledged)} />
        <Fact term="Resolved" value={formatNumber(data.totals.resolved)} />
      </dl>
    </section>
  );
}

function MaintenanceSection({ data }: { data: MaintenanceAnalytics }) {
  const vehicles = [...data.vehicles]
    .filter((v) => v.costCents > 0 || v.km > 0)
    .sort((a, b) => (b.costPerKm ?? -1) - (a.costPerKm ?? -1))
    .slice(0, 10);
  return (
    <section aria-labelledby="maintenance-analytics-heading">
      <h2 id="maintenance-analytics-heading">Maintenance</h2>
      <dl className="facts">
        <Fact
          term="On-time rate"
          value={data.onTimePct === null ? "—" : `${formatNumber(data.onTimePct)} %`}
          note={
            data.completedWithDueDate
              ? `(${data.onTime} of ${data.completedWithDueDate} with a due date)`
              : "(nothing with a due date completed)"
          }
        />
        <Fact term="Completed work orders" value={formatNumber(data.completed)} />
        <Fact term="Overdue work orders" value={formatNumber(data.overdueCount)} />
        <Fact term="Overdue services" value={formatNumber(data.overduePlans)} />
        <Fact term="Mean downtime" value={formatDuration(data.meanDowntimeSeconds)} />
        <Fact
          term="Cost per km"
          value={data.costPerKm === null ? "—" : money.format(data.costPerKm)}
          note={`(${money.format(data.costCents / 100)} over ${formatNumber(data.km, "km")})`}
        />
      </dl>
      {vehicles.length ? (
        <ScrollTable captionId="cost-caption" caption="Cost per km by vehicle (highest first, up to 10)">
          <thead>
            <tr>
              <th scope="col">Vehicle</th>
              <th scope="col" className="numeric">
                Cost
              </th>
              <th scope="col" className="numeric">
                Distance
              </th>
              <th scope="col" className="numeric">
                Cost per km
              </th>
            </tr>
          </thead>
          <tbody>
            {vehicles.map((v) => (
              <tr key={v.vehicleId}>
                <th scope="row">{v.name}</th>
                <td className="numeric">{money.format(v.costCents / 100)}</td>
                <td className="numeric">{formatNumber(v.km, "km")}</td>
                <td className="numeric">{v.costPerKm === null ? "—" : money.format(v.costPerKm)}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      ) : null}
    </section>
  );
}

/** The report covers the period on screen, in its time zone, up to now. */
function reportPeriod(days: number, timeZone: string) {
  const to = new Date();
  return { from: new Date(to.getTime() - days * 86_400_000).toISOString(), to: to.toISOString(), timeZone };
}

export default function Analytics() {
  const [periodId, setPeriodId] = useState<PeriodId>("7d");
  const [timeZone, setTimeZone] = useState(browserTimeZone);
  const period = PERIODS.find((p) => p.id === periodId) ?? PERIODS[1];
  const key = `analytics:${periodId}:${timeZone}`;
  const data = useApi(key, async () => {
    const to = new Date();
    const from = new Date(to.getTime() - period.days * 86_400_000);
    const query = { from: from.toISOString(), to: to.toISOString() };
    const [alerts, maintenance] = await Promise.all([
      unwrap(client.api.analytics.alerts.$get({ query: { ...query, bucket: period.bucket, timeZone } })),
      unwrap(client.api.analytics.maintenance.$get({ query })),
    ]);
    return { alerts, maintenance };
  });
  return (
    <Page title="Analytics" intro="How your fleet's alerts and maintenance went over a period.">
      <form className="field-row analytics-controls" onSubmit={(e) => e.preventDefault()} aria-label="Period and time zone">
        <div className="field">
          <label htmlFor="analytics-period">Period</label>
          <select id="analytics-period" value={periodId} onChange={(e) => setPeriodId(e.target.value as PeriodId)}>
            {PERIODS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="analytics-tz">Time zone</label>
          <select id="analytics-tz" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} aria-describedby="analytics-tz-hint">
            {timeZones(timeZone).map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
          <p className="hint" id="analytics-tz-hint">
            Days and hours are counted in this time zone.
          </p>
        </div>
      </form>
      <DownloadButton
        label="Download PDF report"
        path={`/api/reports/fleet.json${queryString(reportPeriod(period.days, timeZone))}`}
        fileName="fleet-report.pdf"
        build={buildFleetReportPdf}
      />
      {data.state === "loading" ? <Status>Loading analytics…</Status> : null}
      {data.state === "error" ? <Status error>{describeError(data.error)}</Status> : null}
      {data.data ? (
        <>
          <AlertsSection data={data.data.alerts} />
          <MaintenanceSection data={data.data.maintenance} />
        </>
      ) : null}
    </Page>
  );
}
