/** The PWA's SVG charts: the drawing is hidden from assistive technology and the numbers are in a real table. */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { countMax, LineChart, niceMax, StackedBarChart, tickIndexes } from "../../app/src/charts";
import { forecastText } from "../../app/src/maintenance-status";
import { formatDuration } from "../../app/src/analytics-format";

const labels = ["08:00", "09:00", "10:00", "11:00"];

describe("charts", () => {
  it("line chart: aria-hidden SVG, a table with every value, nulls as gaps and dashes", () => {
    const html = renderToStaticMarkup(
      createElement(LineChart, {
        title: "Coolant temperature",
        labels,
        series: [{ label: "Coolant", values: [80, null, 92.5, 95] }],
        unit: "°C",
        xLabel: "Time",
      }),
    );
    expect(html).toMatch(/<svg[^>]*aria-hidden="true"/);
    expect(html).toContain("<caption>Coolant temperature</caption>");
    expect(html).toContain('<th scope="col">Time</th>');
    expect(html).toMatch(/<th scope="row">09:00<\/th><td class="numeric">—<\/td>/);
    expect(html).toMatch(/<th scope="row">10:00<\/th><td class="numeric">92.5 °C<\/td>/);
    // The null splits the line: only the run 10:00–11:00 has two points to join.
    expect(html.match(/<polyline/g)?.length).toBe(1);
    // The table is there for screen readers even before "Show as table" is pressed.
    expect(html).toMatch(/<div class="visually-hidden"><table>/);
    expect(html).toMatch(/<button[^>]*aria-pressed="false"[^>]*>Show as table<\/button>/);
  });

  it("stacked bars: one rect per non-zero value, patterned fills, whole-number axis for counts", () => {
    const html = renderToStaticMarkup(
      createElement(StackedBarChart, {
        title: "Alerts per day",
        labels: ["Mon", "Tue"],
        series: [
          { label: "critical", values: [1, 0] },
          { label: "high", values: [2, 3] },
        ],
      }),
    );
    expect(html.match(/class="chart-bar chart-series-\d"/g)?.length).toBe(3);
    expect(html).toMatch(/fill="url\(#chart[^)]*-p1\)"/);
    // Totals 3 and 3 → axis up to 4 in steps of 1.
    for (const tick of ["0", "1", "2", "3", "4"]) expect(html).toContain(`text-anchor="end">${tick}</text>`);
  });

  it("says so when there is no data, and keeps the (empty) table", () => {
    const html = renderToStaticMarkup(
      createElement(StackedBarChart, { title: "Nothing", labels: [], series: [{ label: "x", values: [] }] }),
    );
    expect(html).toContain("No data for this period.");
    expect(html).not.toContain("<svg");
  });

  it("axis helpers", () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(0.3)).toBe(0.5);
    expect([countMax(0), countMax(3), countMax(7), countMax(37), countMax(101)]).toEqual([4, 4, 8, 40, 120]);
    expect(tickIndexes(3, 6)).toEqual([0, 1, 2]);
    expect(tickIndexes(25, 6)).toEqual([0, 5, 10, 14, 19, 24]);
  });
});

describe("maintenance and analytics words", () => {
  const now = Date.parse("2026-11-22T12:00:00Z");
  it("forecasts in days", () => {
    expect(forecastText("2026-12-04T12:00:00Z", "ok", now)).toBe("due in ~12 days");
    expect(forecastText("2026-11-23T10:00:00Z", "due_soon", now)).toBe("due in ~1 day");
    expect(forecastText("2026-11-22T13:00:00Z", "due_soon", now)).toBe("due today");
    expect(forecastText("2026-11-19T12:00:00Z", "overdue", now)).toBe("~3 days overdue");
    expect(forecastText("2026-11-22T12:00:00Z", "overdue", now)).toBe("overdue now");
    expect(forecastText(null, "ok", now)).toBeNull();
  });
  it("formats durations", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(42)).toBe("42 s");
    expect(formatDuration(95)).toBe("1 min 35 s");
    expect(formatDuration(7200)).toBe("2 h");
    expect(formatDuration(3 * 86_400)).toBe("3.0 days");
  });
});
