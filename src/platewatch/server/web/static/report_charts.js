// The report page's charts (ADR 0015): Chart.js draws each from the report's figures, which the page carries as
// JSON in <script type="application/json" id="report-data"> (no inline script: the page's CSP allows only its own
// files and blocks with its nonce). Every chart's numbers are also in the page's tables and its CSV and PDF.
"use strict";
(function () {
  const source = document.getElementById("report-data");
  if (!source || typeof Chart === "undefined") return;
  const report = JSON.parse(source.textContent);
  const ink = "#1b2430", accent = "#1f4e8c", warn = "#a33", muted = "#8a94a1";
  Chart.defaults.animation = false;  // drawn at once: nothing moves while someone reads it
  Chart.defaults.color = ink;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", sans-serif';
  Chart.defaults.maintainAspectRatio = false;
  const short = (text) => (text.length > 32 ? text.slice(0, 31) + "…" : text);
  const drawn = {};

  function bars(id, counts, options) {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    const o = options || {};
    const labels = counts.map((c) => (o.label ? o.label(c.key) : c.key));
    const chart = new Chart(canvas, {
      type: "bar",
      data: {labels: labels.map(short), datasets: [{label: o.series || "count", data: counts.map((c) => c.count),
        backgroundColor: o.colour || accent}]},
      options: {
        indexAxis: o.horizontal ? "y" : "x",
        plugins: {legend: {display: false}, tooltip: {callbacks: {title: (items) => labels[items[0].dataIndex]}}},
        scales: {[o.horizontal ? "x" : "y"]: {beginAtZero: true, ticks: {precision: 0}}},
      },
    });
    describe(canvas, labels.map((l, i) => l + ": " + counts[i].count));
    drawn[id] = chart;
  }

  function describe(canvas, parts) {
    // What a screen reader says for the chart: its title and every figure.
    const title = document.getElementById(canvas.getAttribute("aria-labelledby")).textContent;
    canvas.setAttribute("aria-label", title + ". " + (parts.length ? parts.join("; ") : "none"));
  }

  bars("chart-reads-day", report.reads_by_day, {series: "reads"});
  bars("chart-reads-hour", report.reads_by_hour, {series: "reads", label: (h) => h + ":00"});
  bars("chart-alarms-list", report.alerts_by_list, {series: "alarms", colour: warn, horizontal: true});
  bars("chart-decision-time", report.decision_times, {series: "alarms decided"});
  bars("chart-searches-user", report.searches_by_user, {series: "searches", horizontal: true});
  bars("chart-searches-purpose", report.searches_by_purpose, {series: "searches", colour: muted, horizontal: true});

  const officers = report.decisions_by_officer;
  const decisions = document.getElementById("chart-decisions");
  if (decisions) {
    drawn["chart-decisions"] = new Chart(decisions, {
      type: "bar",
      data: {
        labels: officers.map((o) => short(o.officer)),
        datasets: [
          {label: "accepted", data: officers.map((o) => o.accepted), backgroundColor: accent},
          {label: "rejected", data: officers.map((o) => o.rejected), backgroundColor: warn},
        ],
      },
      options: {indexAxis: "y", scales: {x: {stacked: true, beginAtZero: true, ticks: {precision: 0}}, y: {stacked: true}}},
    });
    describe(decisions, officers.map((o) => o.officer + ": " + o.accepted + " accepted, " + o.rejected + " rejected"));
  }
  window.platewatchCharts = drawn;
})();
