/* leitai (擂台): charts from the bundled Chart.js, and the print button. */
(function () {
  "use strict";
  var RED = "#b3121d", GOLD = "#d99a00", GOLD_FILL = "rgba(243,194,79,0.75)";

  function data(canvas) {
    var source = document.getElementById(canvas.dataset.source);
    return source ? JSON.parse(source.textContent) : null;
  }

  var builders = {
    history: function (d) {
      return {
        type: "line",
        data: {
          labels: d.labels,
          datasets: [
            { label: d.rank_label, data: d.ranks, yAxisID: "rank", borderColor: RED,
              backgroundColor: RED, borderWidth: 4, pointRadius: 7, pointHoverRadius: 9, tension: 0 },
            { label: d.score_label, data: d.scores, yAxisID: "score", borderColor: GOLD,
              backgroundColor: GOLD, borderWidth: 3, borderDash: [8, 6], pointRadius: 6, tension: 0 }
          ]
        },
        options: {
          maintainAspectRatio: false,
          interaction: { mode: "index", intersect: false },
          scales: {
            x: { grid: { display: false } },
            rank: { axis: "y", position: "left", reverse: true, min: 1, max: d.n, ticks: { stepSize: 1, precision: 0 },
                    title: { display: true, text: d.rank_label } },
            score: { axis: "y", position: "right", grid: { drawOnChartArea: false },
                     title: { display: true, text: d.score_label } }
          }
        }
      };
    },
    indicator: function (d) {
      return {
        type: "bar",
        data: {
          labels: d.labels,
          datasets: [
            { type: "bar", label: d.value_label, data: d.values, yAxisID: "value",
              backgroundColor: GOLD_FILL, borderColor: GOLD, borderWidth: 1, order: 2 },
            { type: "line", label: d.score_label, data: d.scores, yAxisID: "score",
              borderColor: RED, backgroundColor: RED, borderWidth: 3, pointRadius: 6, order: 1 }
          ]
        },
        options: {
          maintainAspectRatio: false,
          interaction: { mode: "index", intersect: false },
          scales: {
            value: { axis: "y", position: "left", beginAtZero: true, title: { display: true, text: d.value_label } },
            score: { axis: "y", position: "right", grid: { drawOnChartArea: false },
                     title: { display: true, text: d.score_label } }
          }
        }
      };
    }
  };

  function charts() {
    if (!window.Chart) { return; }
    var font = window.getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.font.family = font;
    window.Chart.defaults.font.size = 16;
    window.Chart.defaults.color = "#1f1f1f";
    // Drawn at once: a chart caught mid-animation misleads on a projector or in print.
    window.Chart.defaults.animation = false;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var d = data(canvas), build = builders[canvas.dataset.chart];
      if (d && build) {
        var chart = new window.Chart(canvas, build(d));
        canvas.dataset.ready = "1";
        canvas.chart = chart;
      }
    });
  }

  function printButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { charts(); printButtons(); });
})();
