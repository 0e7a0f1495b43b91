/* leitai (擂台): a target's progress at each report, from the bundled Chart.js. */
(function () {
  "use strict";
  var COLOURS = { green: "#1b7a3a", yellow: "#e0a100", red: "#c0141f", unreported: "#8a8a8a" };

  function json(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function trajectory(canvas, d, words) {
    var top = Math.max(100, Math.ceil(Math.max.apply(null, d.task.concat([0])) / 20) * 20);
    var datasets = [
      { label: words.task, data: d.task, borderColor: "#b3121d", borderWidth: 3, tension: 0,
        pointRadius: 6, pointHoverRadius: 8,
        pointBackgroundColor: d.status.map(function (s) { return COLOURS[s] || COLOURS.unreported; }),
        pointBorderColor: "#fff", pointBorderWidth: 1.5 },
      { label: words.time, data: d.time, borderColor: "#b8860b", borderWidth: 2, borderDash: [7, 5],
        pointRadius: 0, tension: 0 }
    ];
    if (d.milestone_basis) {
      datasets.push({ label: words.expected, data: d.expected, borderColor: "#555", borderWidth: 1.5,
        borderDash: [2, 4], pointRadius: 0, tension: 0 });
    }
    return new window.Chart(canvas, {
      type: "line",
      data: { labels: d.labels, datasets: datasets },
      options: {
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: { tooltip: { callbacks: { label: function (c) {
          return c.dataset.label + ": " + (c.parsed.y === null ? "—" : c.parsed.y.toFixed(1) + "%");
        } } } },
        scales: {
          x: { grid: { display: false } },
          y: { min: 0, max: top, ticks: { callback: function (v) { return v + "%"; } } }
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Chart) { return; }
    var words = json("trajectory-labels") || { task: "task", time: "time", expected: "due" };
    window.Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.font.size = 14;
    window.Chart.defaults.color = "#1f1f1f";
    document.querySelectorAll("canvas[data-chart=trajectory]").forEach(function (canvas) {
      var d = json(canvas.dataset.source);
      if (d) {
        canvas.chart = trajectory(canvas, d, words);
        canvas.dataset.ready = "1";
      }
    });
  });
})();
