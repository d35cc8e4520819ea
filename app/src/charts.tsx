/**
 * Small accessible SVG charts: a line chart and a stacked-bar chart with one generic API.
 * The drawing is decoration for sighted users (aria-hidden); the same numbers are always in a
 * real table, visually hidden until "Show as table" is pressed, so screen readers get the data.
 * Series differ by dash pattern / fill pattern and marker as well as colour (never colour alone).
 */
import { type ReactNode, useId, useState } from "react";
import "./charts.css";

export interface ChartSeries {
  label: string;
  /** One value per x label; null is a gap (line) or nothing (bar). */
  values: (number | null)[];
}

export interface ChartProps {
  /** The chart's caption, also the table's caption. */
  title: string;
  /** X-axis points or categories, in order (for example formatted times). */
  labels: string[];
  series: ChartSeries[];
  /** Heading of the table's first column. */
  xLabel?: string;
  /** Unit shown after values in the table and on the y axis. */
  unit?: string;
  formatValue?: (value: number) => string;
}

const WIDTH = 640;
const HEIGHT = 240;
const PAD = { top: 12, right: 12, bottom: 36, left: 52 };
const PLOT_W = WIDTH - PAD.left - PAD.right;
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;
/** Line dash per series index: solid, dashed, dotted, dash-dot. */
const DASHES = ["", "8 4", "2 4", "10 4 2 4"];
const MARKERS = ["circle", "square", "triangle", "diamond"] as const;
const defaultFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** A y-axis maximum that is a round number at or above `max`. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * power >= max) ?? 10;
  return step * power;
}

/** For whole-number data: a maximum whose four tick steps are whole, round numbers (3 → 4, 7 → 8, 101 → 120). */
export function countMax(max: number): number {
  const raw = Math.max(1, max / 4);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * power).find((s) => Number.isInteger(s) && s >= raw) ?? 10 * power;
  return step * 4;
}

/** At most `count` evenly spaced label indexes, always including the first and last. */
export function tickIndexes(length: number, count: number): number[] {
  if (length <= count) return Array.from({ length }, (_, i) => i);
  const step = (length - 1) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(i * step));
}

function Marker({ kind, x, y }: { kind: (typeof MARKERS)[number]; x: number; y: number }) {
  const r = 3.5;
  if (kind === "circle") return <circle cx={x} cy={y} r={r} />;
  if (kind === "square") return <rect x={x - r} y={y - r} width={r * 2} height={r * 2} />;
  if (kind === "triangle") return <polygon points={`${x},${y - r - 1} ${x + r + 1},${y + r} ${x - r - 1},${y + r}`} />;
  return <polygon points={`${x},${y - r - 1} ${x + r + 1},${y} ${x},${y + r + 1} ${x - r - 1},${y}`} />;
}

function Axes({ labels, max, format, bandWidth }: { labels: string[]; max: number; format: (v: number) => string; bandWidth: number }) {
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  return (
    <g className="chart-axes">
      {yTicks.map((v) => {
        const y = PAD.top + PLOT_H - (v / max) * PLOT_H;
        return (
          <g key={v}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y} y2={y} className="chart-grid" />
            <text x={PAD.left - 6} y={y + 4} textAnchor="end">
              {format(v)}
            </text>
          </g>
        );
      })}
      {tickIndexes(labels.length, 6).map((i) => (
        <text key={i} x={PAD.left + bandWidth * i + bandWidth / 2} y={HEIGHT - PAD.bottom + 18} textAnchor="middle">
          {labels[i]}
        </text>
      ))}
      <line x1={PAD.left} x2={WIDTH - PAD.right} y1={PAD.top + PLOT_H} y2={PAD.top + PLOT_H} className="chart-baseline" />
    </g>
  );
}

/** The fill patterns of the stacked bars, one per series slot. */
function Patterns({ prefix }: { prefix: string }) {
  return (
    <defs>
      <pattern id={`${prefix}-p0`} width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" className="chart-fill-0" />
      </pattern>
      <pattern id={`${prefix}-p1`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="6" height="6" className="chart-fill-1" />
        <line x1="0" y1="0" x2="0" y2="6" className="chart-hatch" />
      </pattern>
      <pattern id={`${prefix}-p2`} width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" className="chart-fill-2" />
        <circle cx="3" cy="3" r="1.2" className="chart-dot" />
      </pattern>
      <pattern id={`${prefix}-p3`} width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" className="chart-fill-3" />
        <line x1="0" y1="3" x2="6" y2="3" className="chart-hatch" />
      </pattern>
    </defs>
  );
}

function Legend({ series, kind, prefix }: { series: ChartSeries[]; kind: "line" | "bar"; prefix: string }) {
  return (
    <ul className="chart-legend" aria-hidden="true">
      {series.map((s, i) => (
        <li key={s.label}>
          {/* biome-ignore lint/a11y/noSvgWithoutTitle: the legend is aria-hidden; the series are named in its text. */}
          <svg width="28" height="14" viewBox="0 0 28 14" className={`chart-series-${i % 4}`}>
            {kind === "line" ? (
              <>
                <line x1="0" x2="28" y1="7" y2="7" strokeDasharray={DASHES[i % 4]} className="chart-line" />
                <Marker kind={MARKERS[i % 4] ?? "circle"} x={14} y={7} />
              </>
            ) : (
              <rect x="1" y="1" width="26" height="12" fill={`url(#${prefix}-p${i % 4})`} className="chart-bar" />
            )}
          </svg>
          {s.label}
        </li>
      ))}
    </ul>
  );
}

/** The chart's numbers as a table: hidden visually (not from screen readers) until asked for. */
function DataTable({
  title,
  labels,
  series,
  xLabel,
  unit,
  format,
  shown,
}: Required<Omit<ChartProps, "formatValue">> & { format: (v: number) => string; shown: boolean }) {
  const cell = (v: number | null) => (v === null ? "—" : `${format(v)}${unit ? ` ${unit}` : ""}`);
  return (
    <div className={shown ? "table-scroll" : "visually-hidden"}>
      <table>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{xLabel}</th>
            {series.map((s) => (
              <th scope="col" key={s.label} className="numeric">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((label, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: table rows follow the labels' positions, which can repeat
            <tr key={`${label}-${i}`}>
              <th scope="row">{label}</th>
              {series.map((s) => (
                <td key={s.label} className="numeric">
                  {cell(s.values[i] ?? null)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ChartFrame({
  kind,
  props,
  children,
}: {
  kind: "line" | "bar";
  props: ChartProps;
  children: (ctx: { max: number; band: number; prefix: string }) => ReactNode;
}) {
  const { title, labels, series, xLabel = "Time", unit = "", formatValue } = props;
  const format = formatValue ?? ((v: number) => defaultFormat.format(v));
  const [shown, setShown] = useState(false);
  const prefix = `chart${useId().replace(/:/g, "")}`;
  const totals =
    kind === "bar"
      ? labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0))
      : series.flatMap((s) => s.values.map((v) => v ?? 0));
  const counts = series.every((s) => s.values.every((v) => v === null || Number.isInteger(v)));
  const max = counts ? countMax(Math.max(0, ...totals)) : niceMax(Math.max(0, ...totals));
  const band = labels.length ? PLOT_W / labels.length : PLOT_W;
  return (
    <figure className="chart">
      <figcaption className="chart-title">{title}</figcaption>
      {labels.length === 0 ? (
        <p className="empty">No data for this period.</p>
      ) : (
        <>
          <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="chart-svg" aria-hidden="true" focusable="false">
            {kind === "bar" ? <Patterns prefix={prefix} /> : null}
            <Axes labels={labels} max={max} format={format} bandWidth={band} />
            {children({ max, band, prefix })}
          </svg>
          <Legend series={series} kind={kind} prefix={prefix} />
          <button type="button" className="button chart-toggle" aria-pressed={shown} onClick={() => setShown((s) => !s)}>
            {shown ? "Hide table" : "Show as table"}
          </button>
        </>
      )}
      <DataTable
        title={title}
        labels={labels}
        series={series}
        xLabel={xLabel}
        unit={unit}
        format={format}
        shown={shown || labels.length === 0}
      />
    </figure>
  );
}

const yOf = (value: number, max: number) => PAD.top + PLOT_H - (value / max) * PLOT_H;

/** Lines per series over `labels`; nulls break the line. */
export function LineChart(props: ChartProps) {
  return (
    <ChartFrame kind="line" props={props}>
      {({ max, band }) =>
        props.series.map((s, si) => {
          const points = s.values.map((v, i) => (v === null ? null : { x: PAD.left + band * i + band / 2, y: yOf(v, max) }));
          // Split into runs of consecutive non-null points.
          const runs: { x: number; y: number }[][] = [[]];
          for (const p of points) {
            if (p) runs[runs.length - 1]?.push(p);
            else if (runs[runs.length - 1]?.length) runs.push([]);
          }
          return (
            <g key={s.label} className={`chart-series-${si % 4}`}>
              {runs
                .filter((run) => run.length > 1)
                .map((run) => (
                  <polyline
                    key={run[0]!.x}
                    points={run.map((p) => `${p.x},${p.y}`).join(" ")}
                    strokeDasharray={DASHES[si % 4]}
                    className="chart-line"
                  />
                ))}
              {points.length <= 60
                ? // biome-ignore lint/suspicious/noArrayIndexKey: markers are positional points of one series
                  points.map((p, i) => (p ? <Marker key={i} kind={MARKERS[si % 4] ?? "circle"} x={p.x} y={p.y} /> : null))
                : null}
            </g>
          );
        })
      }
    </ChartFrame>
  );
}

/** One bar per label, the series stacked bottom-up in order. */
export function StackedBarChart(props: ChartProps) {
  return (
    <ChartFrame kind="bar" props={props}>
      {({ max, band, prefix }) =>
        props.labels.map((label, i) => {
          let base = 0;
          const width = Math.max(2, band * 0.7);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: bars follow the labels' positions, which can repeat
            <g key={`${label}-${i}`}>
              {props.series.map((s, si) => {
                const value = s.values[i] ?? 0;
                if (value <= 0) return null;
                const y = yOf(base + value, max);
                const h = yOf(base, max) - y;
                base += value;
                return (
                  <rect
                    key={s.label}
                    x={PAD.left + band * i + (band - width) / 2}
                    y={y}
                    width={width}
                    height={h}
                    fill={`url(#${prefix}-p${si % 4})`}
                    className={`chart-bar chart-series-${si % 4}`}
                  />
                );
              })}
            </g>
          );
        })
      }
    </ChartFrame>
  );
}
