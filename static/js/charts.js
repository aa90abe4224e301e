// Draws every chart of a page from its <script type="application/json" data-chart="canvas-id"> block.
// The numbers are also in a table beside each chart: without Chart.js (a blocked CDN) the
// tables stay open and nothing else changes. Colours are the Okabe–Ito palette, and every
// series also differs by pattern (bars) or dash and point shape (lines), so the charts read
// in black and white and for colour-blind readers.
(() => {
  "use strict";

  const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];
  const DASHES = [[], [8, 4], [2, 3], [12, 4, 2, 4], [4, 4], [1, 5], [10, 2], [6, 2, 2, 2]];
  const POINTS = ["circle", "rect", "triangle", "rectRot", "crossRot", "star", "cross", "rectRounded"];
  const locale = document.documentElement.lang === "en" ? "en-GB" : "vi-VN";
  const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });

  // A small tile with diagonal, crossed, dotted or plain lines over the series colour.
  function pattern(color, index) {
    const tile = document.createElement("canvas");
    tile.width = tile.height = 10;
    const ctx = tile.getContext("2d");
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, 10, 10);
    ctx.strokeStyle = "rgba(255,255,255,0.85)";
    ctx.fillStyle = "rgba(255,255,255,0.85)";
    ctx.lineWidth = 2;
    const kind = index % 4;
    ctx.beginPath();
    if (kind === 1) { ctx.moveTo(0, 10); ctx.lineTo(10, 0); }
    if (kind === 2) { ctx.moveTo(5, 0); ctx.lineTo(5, 10); ctx.moveTo(0, 5); ctx.lineTo(10, 5); }
    ctx.stroke();
    if (kind === 3) { ctx.beginPath(); ctx.arc(5, 5, 1.8, 0, 2 * Math.PI); ctx.fill(); }
    return ctx.createPattern(tile, "repeat");
  }

  // Shaded windows (propaganda phases) and vertical lines (election day) on a category axis;
  // positions are category indices, fractions allowed. Bands alternate hatching so they
  // stay distinct without colour.
  const phaseMarks = {
    id: "phaseMarks",
    beforeDatasetsDraw(chart, _args, options) {
      const marks = options && options.marks;
      if (!marks) return;
      const { ctx, chartArea: area, scales: { x } } = chart;
      ctx.save();
      ctx.font = "12px sans-serif";
      ctx.textBaseline = "top";
      (marks.bands || []).forEach((band, i) => {
        const left = Math.max(area.left, x.getPixelForValue(band.from));
        const right = Math.min(area.right, x.getPixelForValue(band.to));
        if (right <= left) return;
        ctx.fillStyle = i % 2 ? "rgba(0,0,0,0.05)" : "rgba(0,0,0,0.10)";
        ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
        ctx.strokeStyle = "rgba(0,0,0,0.45)";
        ctx.setLineDash([3, 3]);
        ctx.beginPath();
        ctx.moveTo(left, area.top); ctx.lineTo(left, area.bottom);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = "#1d1d1f";
        ctx.fillText(band.label, left + 3, area.top + 3 + (i % 2) * 14);
      });
      (marks.lines || []).forEach((line) => {
        const at = x.getPixelForValue(line.at);
        if (at < area.left || at > area.right) return;
        ctx.strokeStyle = "#a4161a";
        ctx.lineWidth = 2;
        ctx.setLineDash([6, 3]);
        ctx.beginPath();
        ctx.moveTo(at, area.top); ctx.lineTo(at, area.bottom);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = "#a4161a";
        ctx.textAlign = "right";
        ctx.fillText(line.label, at - 3, area.bottom - 16);
        ctx.textAlign = "left";
      });
      ctx.restore();
    },
  };

  // A category label cut with "…" to at most `room` pixels in the axis' font; the full
  // name stays in the tooltip and in the table under the chart.
  function shorten(ctx, text, room) {
    if (ctx.measureText(text).width <= room) return text;
    let cut = text.length;
    while (cut > 1 && ctx.measureText(`${text.slice(0, cut)}…`).width > room) cut -= 1;
    return `${text.slice(0, cut).trimEnd()}…`;
  }

  // Horizontal bars: names shortened to fit the axis (at most 40 % of the chart) and each
  // bar's value written at its end, so a phone reads every bar without hovering.
  const barEnds = {
    id: "barEnds",
    afterDatasetsDraw(chart) {
      if (chart.options.indexAxis !== "y") return;
      const { ctx } = chart;
      ctx.save();
      ctx.font = "12px sans-serif";
      ctx.fillStyle = "#1d1d1f";
      ctx.textBaseline = "middle";
      chart.data.datasets.forEach((set, i) => {
        const meta = chart.getDatasetMeta(i);
        if (meta.hidden) return;
        meta.data.forEach((bar, index) => {
          const value = set.data[index];
          if (value === null || value === undefined) return;
          ctx.fillText(numbers.format(value), bar.x + 4, bar.y);
        });
      });
      ctx.restore();
    },
  };

  function datasets(spec) {
    return spec.datasets.map((set, i) => {
      const color = PALETTE[i % PALETTE.length];
      if (spec.type === "line") {
        return {
          ...set, borderColor: color, backgroundColor: color, borderDash: DASHES[i % DASHES.length],
          pointStyle: POINTS[i % POINTS.length], pointRadius: 4, borderWidth: 2, tension: 0,
        };
      }
      return { ...set, backgroundColor: pattern(color, i), borderColor: color, borderWidth: 1 };
    });
  }

  function config(spec) {
    const options = spec.options || {};
    const horizontal = Boolean(options.horizontal);
    const value = horizontal ? "x" : "y";
    const scales = {
      x: { stacked: Boolean(options.stacked), ticks: { autoSkip: true, maxRotation: 0 } },
      y: { stacked: Boolean(options.stacked), ticks: {} },
    };
    scales[value].beginAtZero = true;
    scales[value].ticks.callback = (v) => numbers.format(v);
    if (horizontal) {
      scales.y.ticks.autoSkip = false;
      scales.y.ticks.callback = function label(tickValue) {
        const text = this.getLabelForValue(tickValue);
        const room = Math.max(60, this.chart.width * 0.4 - 12);
        const font = window.Chart.helpers.toFont(this.options.ticks.font);
        this.ctx.save();
        this.ctx.font = font.string;
        const short = shorten(this.ctx, text, room);
        this.ctx.restore();
        return short;
      };
      // The value at the end of the longest bar needs room inside the canvas.
      scales.x.grace = "12%";
    }
    return {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets(spec) },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale,
        scales,
        layout: { padding: { right: horizontal ? 8 : 0 } },
        plugins: {
          legend: { display: spec.datasets.length > 1, labels: { usePointStyle: spec.type === "line" } },
          tooltip: {
            callbacks: {
              // The full name, never the shortened axis label.
              title: (items) => (items.length ? spec.labels[items[0].dataIndex] : ""),
              label: (item) => `${item.dataset.label}: ${numbers.format(item.parsed[value])}`,
            },
          },
          phaseMarks: { marks: options.marks || null },
        },
      },
      plugins: [phaseMarks, barEnds],
    };
  }

  function draw(source) {
    const canvas = document.getElementById(source.dataset.chart);
    if (!canvas) return;
    const spec = JSON.parse(source.textContent);
    const box = canvas.parentElement;
    if (spec.options && spec.options.horizontal) {
      box.classList.add(spec.labels.length > 8 ? "chart-tall" : "chart-fit");
    }
    box.hidden = false;
    new window.Chart(canvas, config(spec));
    // The chart says it now; its table stays one click away.
    const table = box.parentElement.querySelector("details.chart-table");
    if (table) table.open = false;
  }

  function start() {
    if (typeof window.Chart === "undefined") return; // CDN blocked: the tables stay open.
    document.querySelectorAll("script[type='application/json'][data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
