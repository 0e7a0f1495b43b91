/* leitai (擂台): the robustness chart, a run's progress, and the live what-if. No CDN. */
(function () {
  "use strict";
  var RED = "#b3121d", INK = "#1f1f1f", GOLD = "#d99a00", GOLD_FILL = "rgba(243,194,79,0.6)";

  function json(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  /* -- rank intervals: a floating bar from the 5th to the 95th percentile per unit -------- */

  function intervalChart(canvas, d) {
    var bars = d.interval.map(function (pair) { return [pair[0] - 0.4, pair[1] + 0.4]; });
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [
          { type: "bar", label: d.interval_label, data: bars, backgroundColor: GOLD_FILL,
            borderColor: GOLD, borderWidth: 1, borderSkipped: false, borderRadius: 4,
            barPercentage: 0.75, categoryPercentage: 0.9, order: 3 },
          { type: "line", label: d.median_label, data: d.median, showLine: false,
            pointStyle: "line", pointRotation: 90, pointRadius: 10, pointHoverRadius: 11,
            borderColor: INK, backgroundColor: INK, borderWidth: 2.5, order: 2 },
          { type: "line", label: d.nominal_label, data: d.nominal, showLine: false,
            pointStyle: "rectRot", pointRadius: 8, pointHoverRadius: 10,
            borderColor: "#fff", borderWidth: 1.5, backgroundColor: RED, order: 1 }
        ]
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false, axis: "y" },
        scales: {
          x: { min: 0.5, max: d.n + 0.5, position: "top",
               // Whole ranks only: the axis runs from 0.5 so that the bars of rank 1 fit.
               afterBuildTicks: function (axis) {
                 var ticks = [];
                 for (var r = 1; r <= d.n; r++) { ticks.push({ value: r }); }
                 axis.ticks = ticks;
               },
               grid: { color: "#eee3d6" },
               title: { display: true, text: d.axis_label } },
          y: { grid: { display: false }, ticks: { autoSkip: false } }
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                var i = item.dataIndex;
                if (item.datasetIndex === 0) {
                  var pair = d.interval[i];
                  return d.interval_label + ": " + (pair[0] === pair[1] ? pair[0] : pair[0] + "–" + pair[1]);
                }
                return item.dataset.label + ": " + item.raw;
              }
            }
          }
        }
      }
    });
  }

  function charts() {
    if (!window.Chart) { return; }
    window.Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.font.size = 15;
    window.Chart.defaults.color = INK;
    window.Chart.defaults.animation = false;
    document.querySelectorAll("canvas[data-analysis-chart=intervals]").forEach(function (canvas) {
      var d = json(canvas.dataset.source);
      if (d) {
        canvas.chart = intervalChart(canvas, d);
        canvas.dataset.ready = "1";
      }
    });
  }

  /* -- a run's progress: ask the server until it is done, then show the page again ------- */

  function progress() {
    var box = document.querySelector("[data-run-progress]");
    var stale = document.querySelector("[data-run-stale]");
    if (!box && stale) {
      // An interrupted run: a live worker takes it up again; show it when it does.
      var again = function () {
        fetch(stale.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (s) { if (s.state !== "stale") { window.location.reload(); } else { window.setTimeout(again, 3000); } })
          .catch(function () { window.setTimeout(again, 5000); });
      };
      window.setTimeout(again, 3000);
      return;
    }
    if (!box) { return; }
    var bar = box.querySelector("[data-progress-bar]"), text = box.querySelector("[data-progress-text]");
    function poll() {
      fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.total) { bar.max = s.total; bar.value = s.done; text.textContent = s.done + " / " + s.total + " (" + s.percent + "%)"; }
          if (s.state === "done" || s.state === "failed" || s.state === "stale") { window.location.reload(); }
          else { window.setTimeout(poll, 700); }
        })
        .catch(function () { window.setTimeout(poll, 2000); });
    }
    window.setTimeout(poll, 500);
  }

  /* -- what-if: recompute as values change --------------------------------------------- */

  function whatif() {
    var form = document.querySelector("form[data-whatif]");
    if (!form) { return; }
    var words = json("whatif-words") || {};
    var panel = form.querySelector("[data-outcome]");
    var timer = null, sequence = 0;

    function out(name) { return panel.querySelector('[data-out="' + name + '"]'); }

    function was(before) {
      var s = el("span", "muted", "(" + words.was + " " + before + ")");
      return [document.createTextNode(" "), s];
    }

    function render(o) {
      panel.querySelector("h2").textContent = o.edited.length ? words.with_values : words.as_reported;
      out("rank").textContent = o.after.rank;
      var delta = out("rank-change");
      delta.textContent = "";
      if (o.rank_change > 0) { delta.appendChild(el("span", "change change-up", "▲" + o.rank_change)); }
      if (o.rank_change < 0) { delta.appendChild(el("span", "change change-down", "▼" + (-o.rank_change))); }
      var score = out("score");
      score.textContent = o.after.score.toFixed(2);
      if (o.edited.length) { was(o.before.score.toFixed(2)).forEach(function (n) { score.appendChild(n); }); }
      o.stars.forEach(function (s) {
        var cell = out("stars-" + s.board);
        if (!cell) { return; }
        cell.textContent = "";
        var stars = el("span", "stars", "★");
        stars.appendChild(el("span", "n", String(s.after)));
        cell.appendChild(stars);
        if (s.after !== s.before) { was(s.before).forEach(function (n) { cell.appendChild(n); }); }
      });
      var flags = out("flags");
      flags.textContent = "";
      o.flags.forEach(function (f) {
        if (f.after) {
          flags.appendChild(el("span", "flag " + f.id, f.name));
          if (!f.before) { flags.appendChild(document.createTextNode(" ")); flags.appendChild(el("span", "new-mark", words["new"])); }
        } else if (f.before) {
          flags.appendChild(el("s", "muted", f.name));
          flags.appendChild(document.createTextNode(" "));
        }
      });
      if (!flags.childNodes.length) { flags.appendChild(el("span", "muted", "—")); }
      out("grade").textContent = o.after.grade || "—";
      var passed = [];
      if (o.passed.length) { passed.push(words.would_pass + ": " + o.passed.join("、")); }
      if (o.overtaken_by.length) { passed.push(words.passed_by + ": " + o.overtaken_by.join("、")); }
      out("passed").textContent = passed.join(" ");
      var errors = out("errors");
      errors.textContent = "";
      Object.keys(o.errors).forEach(function (key) { errors.appendChild(el("li", null, o.errors[key])); });
      form.querySelectorAll(".value-input").forEach(function (input) {
        input.classList.toggle("changed", input.value.trim() !== input.dataset.reported.trim());
        input.classList.toggle("invalid", Object.prototype.hasOwnProperty.call(o.errors, input.id.slice(6)));
      });
      panel.dataset.rank = o.after.rank;
      panel.classList.toggle("edited", o.edited.length > 0);
    }

    function recompute() {
      var mine = ++sequence;
      var body = new FormData(form);
      body.delete("apply");
      body.delete("reset");
      panel.classList.add("busy");
      fetch(form.dataset.recomputeUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value, Accept: "application/json" }
      })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (o) { if (mine === sequence) { render(o); } })
        .catch(function () { if (mine === sequence) { out("errors").textContent = words.failed; } })
        .finally(function () { if (mine === sequence) { panel.classList.remove("busy"); } });
    }

    function soon() {
      window.clearTimeout(timer);
      timer = window.setTimeout(recompute, 250);
    }

    form.addEventListener("input", function (event) {
      if (event.target.classList.contains("value-input")) { soon(); }
    });
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-apply]");
      if (button) {
        event.preventDefault();
        var input = document.getElementById("value-" + button.dataset.apply);
        input.value = button.dataset.value;
        form.querySelectorAll("tr.applied").forEach(function (row) { row.classList.remove("applied"); });
        input.closest("tr").classList.add("applied");
        recompute();
        return;
      }
      if (event.target.closest("button[data-reset]")) {
        event.preventDefault();
        form.querySelectorAll(".value-input").forEach(function (i) { i.value = i.dataset.reported; });
        form.querySelectorAll("tr.applied").forEach(function (row) { row.classList.remove("applied"); });
        recompute();
        return;
      }
      if (event.target.closest("button[name=recompute]")) {
        event.preventDefault();
        recompute();
      }
    });
    form.dataset.live = "1";
  }

  document.addEventListener("DOMContentLoaded", function () { charts(); progress(); whatif(); });
})();
