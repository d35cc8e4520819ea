/**
 * The fleet report as a PDF, drawn with pdf-lib in the browser from `GET /api/reports/fleet.json`
 * (the analytics API's own numbers), integers as they are, other numbers with two decimals. Loaded on demand only: pdf-lib
 * is most of a megabyte, so it stays out of the Worker and out of the first visit.
 */
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from "@cantoo/pdf-lib";
import type { InferResponseType } from "hono/client";
import type { Client } from "./api-types";

export type FleetReportInput = InferResponseType<Client["api"]["reports"]["fleet.json"]["$get"], 200>;

/** Integers as they are, other numbers with two decimals, null as "n/a". */
const pdfNumber = (n: number | null | undefined) => (n == null ? "n/a" : Number.isInteger(n) ? String(n) : n.toFixed(2));

const PAGE = { width: 595.28, height: 841.89, margin: 50 };
const LINE = 15;

/** The standard fonts speak WinAnsi: anything else (e.g. CJK names) prints as "?" instead of failing. */
const printable = (text: string) => text.replace(/[^\x20-\x7e\u00a0-\u00ff]/g, "?");

/** Writes lines top to bottom, starting a new page when one fills up. */
class Writer {
  private page!: PDFPage;
  private y = 0;
  constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.newPage();
  }
  private newPage() {
    this.page = this.doc.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - PAGE.margin;
  }
  line(text: string, options: { size?: number; bold?: boolean; indent?: number } = {}) {
    const size = options.size ?? 10;
    if (this.y - size < PAGE.margin) this.newPage();
    this.page.drawText(printable(text), {
      x: PAGE.margin + (options.indent ?? 0),
      y: this.y - size,
      size,
      font: options.bold ? this.bold : this.font,
      color: rgb(0.1, 0.1, 0.1),
    });
    this.y -= Math.max(LINE, size + 5);
  }
  heading(text: string) {
    this.y -= 6;
    this.line(text, { size: 14, bold: true });
  }
}

export async function fleetReportPdf(input: FleetReportInput): Promise<Uint8Array> {
  const { alerts: a, maintenance: m, predictive: p } = input;
  const doc = await PDFDocument.create();
  doc.setTitle(`FleetPulse fleet report ${a.from} to ${a.to}`);
  doc.setCreator("FleetPulse");
  const w = new Writer(doc, await doc.embedFont(StandardFonts.Helvetica), await doc.embedFont(StandardFonts.HelveticaBold));
  const f = pdfNumber;

  w.line("FleetPulse fleet report", { size: 20, bold: true });
  w.line(`Tenant: ${input.tenantName}`);
  w.line(`Period: ${a.from} to ${a.to} (days in ${input.timeZone})`);
  w.line(`Generated: ${input.generatedAt}`);

  w.heading("Alerts");
  w.line(`Total alerts: ${a.totals.all}`);
  w.line(`Critical: ${a.totals.critical}  High: ${a.totals.high}  Medium: ${a.totals.medium}  Low: ${a.totals.low}`);
  w.line(`Acknowledged: ${a.totals.acknowledged}  Resolved: ${a.totals.resolved}`);
  w.line(`MTTA (s): ${f(a.mttaSeconds)}  p90 (s): ${f(a.p90TtaSeconds)}`);
  w.line(`MTTR (s): ${f(a.mttrSeconds)}  p90 (s): ${f(a.p90TtrSeconds)}`);
  w.line("Top rules:", { bold: true });
  for (const r of a.topRules) w.line(`${r.name ?? r.type}: ${r.count}`, { indent: 12 });
  w.line("Top vehicles:", { bold: true });
  for (const v of a.topVehicles) w.line(`${v.name ?? v.vehicleId}: ${v.count}`, { indent: 12 });
  w.line("Alerts per day (critical / high / medium / low):", { bold: true });
  for (const s of a.series) w.line(`${s.start.slice(0, 16)}Z  ${s.critical} / ${s.high} / ${s.medium} / ${s.low}`, { indent: 12 });

  w.heading("Maintenance");
  w.line(`Completed work orders: ${m.completed}`);
  w.line(`On-time: ${f(m.onTimePct)}% (${m.onTime} of ${m.completedWithDueDate} with a due date)`);
  w.line(`Overdue work orders: ${m.overdueCount}  Overdue plan items: ${m.overduePlans}`);
  w.line(`Mean downtime (s): ${f(m.meanDowntimeSeconds)}`);
  w.line(`Cost: ${f(m.costCents / 100)}  Km: ${f(m.km)}  Cost per km: ${f(m.costPerKm)}`);
  for (const v of m.vehicles) w.line(`${v.name}: cost ${f(v.costCents / 100)}, ${f(v.km)} km, per km ${f(v.costPerKm)}`, { indent: 12 });
  w.line("Technicians:", { bold: true });
  for (const t of m.technicians)
    w.line(`${t.name}: ${t.completed} completed, ${t.onTime} on time, mean hours ${f(t.meanHoursToComplete)}`, { indent: 12 });

  w.heading("Predictive maintenance");
  w.line(`Predictive alerts: ${p.raised}  Followed by a work order: ${p.followedByWorkOrder}  Confirmed rate: ${f(p.confirmedRate)}`);
  w.line(
    `Predictive work orders: ${p.workOrders.proposed}  Failure confirmed: ${p.workOrders.confirmed}  No fault found: ${p.workOrders.noFaultFound}  Cancelled: ${p.workOrders.cancelled}  Lead time (days): ${f(p.leadTimeDays)}`,
  );
  w.line(`Model: ${p.model.name} ${p.model.version}`);
  return doc.save();
}
