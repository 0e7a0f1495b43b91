/* leitai: the scheme editor. The form edits the mapping a scheme's YAML holds; on every
   change the engine checks it (a debounced POST) and its problems appear at their field.
   Every word shown comes from the page (gettext on the server). No library, no build. */
(function () {
  "use strict";
  var root = document.getElementById("scheme-editor");
  if (!root) { return; }
  var model = JSON.parse(document.getElementById("editor-model").textContent);
  var W = JSON.parse(document.getElementById("editor-words").textContent);
  var L = W.labels;
  var urls = { check: root.dataset.checkUrl, preview: root.dataset.previewUrl, save: root.dataset.saveUrl };
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var form = document.getElementById("editor-form");
  var timer = null;
  var lastProblems = [];
  var lastRules = {};

  // -- small builders -------------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; }
      else if (key === "class") { node.className = attrs[key]; }
      else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }
  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }
  function changed() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(check, 400);
  }
  function rerender() { render(); changed(); }
  function uid(prefix, taken) {
    var n = 1;
    while (taken.indexOf(prefix + n) >= 0) { n += 1; }
    return prefix + n;
  }
  function allIds() {
    var ids = [];
    (function walk(boards) {
      (boards || []).forEach(function (b) {
        ids.push(b.id);
        (b.indicators || []).forEach(function (i) { ids.push(i.id); });
        walk(b.boards);
      });
    })(model.boards);
    (model.flags || []).forEach(function (f) { ids.push(f.id); });
    (model.adjustments || []).forEach(function (a) { ids.push(a.id); });
    return ids;
  }
  function numberOrText(text) {
    var trimmed = text.trim();
    if (trimmed === "") { return undefined; }
    var n = Number(trimmed);
    return isNaN(n) ? trimmed : n;
  }
  function setValue(obj, key, value) {
    if (value === undefined) { delete obj[key]; } else { obj[key] = value; }
  }

  // A labelled input bound to obj[key]; its data-path is the YAML path of the value.
  function input(label, path, obj, key, kind, options) {
    options = options || {};
    var control;
    if (kind === "select") {
      control = el("select", {});
      if (options.blank !== undefined) { control.appendChild(el("option", { value: "", text: options.blank })); }
      options.choices.forEach(function (choice) {
        var opt = el("option", { value: choice[0], text: choice[1] });
        if (String(obj[key]) === String(choice[0])) { opt.selected = true; }
        control.appendChild(opt);
      });
      control.addEventListener("change", function () {
        setValue(obj, key, control.value === "" ? undefined : control.value);
        if (options.onchange) { options.onchange(); } else { changed(); }
      });
    } else if (kind === "checkbox") {
      control = el("input", { type: "checkbox" });
      control.checked = obj[key] === true;
      control.addEventListener("change", function () {
        setValue(obj, key, control.checked ? true : undefined);
        if (options.onchange) { options.onchange(); } else { changed(); }
      });
    } else {
      control = kind === "textarea" ? el("textarea", { rows: 2 })
        : el("input", { type: "text", inputmode: kind === "number" ? "decimal" : "text" });
      control.value = obj[key] === undefined || obj[key] === null ? "" : String(obj[key]);
      if (options.placeholder !== undefined) { control.placeholder = String(options.placeholder); }
      control.addEventListener("input", function () {
        if (kind === "number") { setValue(obj, key, numberOrText(control.value)); }
        else if (options.required) { obj[key] = control.value; }
        else { setValue(obj, key, control.value === "" ? undefined : control.value); }
        if (options.onchange) { options.onchange(); } else { changed(); }
      });
    }
    control.name = path;
    control.dataset.path = path;
    var wrap = el("label", { class: "ed-field" + (kind === "checkbox" ? " ed-check" : "") }, [
      el("span", { text: label }), control
    ]);
    if (kind === "checkbox") { wrap.insertBefore(control, wrap.firstChild); }
    return wrap;
  }
  function button(text, onclick, cls) {
    var b = el("button", { type: "button", class: "button small " + (cls || "secondary"), text: text });
    b.addEventListener("click", onclick);
    return b;
  }
  function removeButton(list, index) {
    return button("✕ " + L.remove, function () { list.splice(index, 1); rerender(); }, "secondary ed-remove");
  }
  function section(title, path, children) {
    var box = el("fieldset", { class: "card ed-section" }, [el("legend", { text: title })].concat(children));
    if (path) { box.dataset.path = path; }
    return box;
  }

  // Pairs of numbers ([value, points]) with a row each.
  function pairs(label, path, obj, key, heads) {
    if (!Array.isArray(obj[key])) { obj[key] = []; }
    var list = obj[key];
    var rows = list.map(function (pair, i) {
      var holder = { a: pair[0], b: pair[1] };
      function sync() { list[i] = [holder.a, holder.b]; changed(); }
      return el("div", { class: "ed-row" }, [
        input(heads[0], path + "[" + i + "][0]", holder, "a", "number", { onchange: sync }),
        input(heads[1], path + "[" + i + "][1]", holder, "b", "number", { onchange: sync }),
        removeButton(list, i)
      ]);
    });
    var box = el("div", { class: "ed-pairs" }, [el("span", { class: "ed-label", text: label })].concat(rows));
    box.dataset.path = path;
    box.appendChild(button("＋ " + L.add_band, function () { list.push([0, 0]); rerender(); }));
    return box;
  }

  // -- scheme, units, defaults ----------------------------------------------------------------
  function renderBasics() {
    return section(L.scheme, "", [
      el("div", { class: "ed-row" }, [
        input(L.id, "id", model, "id", "text", { required: true }),
        input(L.name, "name", model, "name", "text", { required: true })
      ])
    ]);
  }
  function renderUnits() {
    if (!Array.isArray(model.units)) { model.units = []; }
    var rows = model.units.map(function (unit, i) {
      var p = "units[" + i + "]";
      var row = el("div", { class: "ed-row" }, [
        input(L.id, p + ".id", unit, "id", "text", { required: true }),
        input(L.name, p + ".name", unit, "name", "text", { required: true }),
        input(L.group, p + ".group", unit, "group", "text"),
        removeButton(model.units, i)
      ]);
      row.dataset.path = p;
      return row;
    });
    var details = el("details", { class: "ed-units" }, [
      el("summary", { text: L.units + "（" + model.units.length + "）" })
    ].concat(rows));
    details.appendChild(button("＋ " + L.add_unit, function () { model.units.push({ id: "", name: "" }); rerender(); }));
    return section(L.units, "units", [details]);
  }
  function renderDefaults() {
    if (!model.defaults) { model.defaults = {}; }
    return section(L.defaults, "defaults", [el("div", { class: "ed-row" }, [
      input(L.method, "defaults.method", model.defaults, "method", "select", { choices: W.methods, blank: W.methods[0][1] }),
      input(L.missing, "defaults.missing", model.defaults, "missing", "select", { choices: W.missing, blank: W.missing[0][1] })
    ])]);
  }

  // -- boards and indicators ------------------------------------------------------------------
  function renderParams(ind, path) {
    var method = ind.method || (model.defaults && model.defaults.method) || "efficacy";
    if (!ind.params) { ind.params = {}; }
    var params = ind.params;
    var parts = [el("p", { class: "helptext ed-help", text: W.method_help[method] })];
    var row = el("div", { class: "ed-row" });
    W.method_params[method].forEach(function (key) {
      if (key === "thresholds") {
        parts.push(pairs(W.params.thresholds, path + ".params.thresholds", params, "thresholds", [L.value, L.points_of_band]));
      } else {
        row.appendChild(input(W.params[key], path + ".params." + key, params, key, "number",
          { placeholder: (W.param_defaults[method] || {})[key] }));
      }
    });
    parts.push(row);
    var box = el("div", { class: "ed-params" }, parts);
    box.dataset.path = path + ".params";
    return box;
  }
  function renderIndicator(list, i, path) {
    var ind = list[i];
    var p = path + ".indicators[" + i + "]";
    if (!Array.isArray(ind.range)) { ind.range = [null, null]; }
    var range = { low: ind.range[0], high: ind.range[1] };
    function syncRange() {
      var low = range.low === undefined ? null : range.low;
      var high = range.high === undefined ? null : range.high;
      ind.range = [low, high];
      changed();
    }
    var box = el("div", { class: "ed-indicator" }, [
      el("div", { class: "ed-row" }, [
        input(L.id, p + ".id", ind, "id", "text", { required: true }),
        input(L.name, p + ".name", ind, "name", "text", { required: true }),
        input(L.unit_of_measure, p + ".unit", ind, "unit", "text"),
        input(L.weight, p + ".weight", ind, "weight", "number", { placeholder: 1 }),
        removeButton(list, i)
      ]),
      el("div", { class: "ed-row" }, [
        input(L.direction, p + ".direction", ind, "direction", "select", { choices: W.directions, blank: W.directions[0][1] }),
        input(L.method, p + ".method", ind, "method", "select", {
          choices: W.methods, blank: L["default"],
          onchange: function () { ind.params = {}; rerender(); }
        }),
        input(L.missing, p + ".missing", ind, "missing", "select", { choices: W.missing, blank: L["default"] })
      ]),
      renderParams(ind, p),
      el("div", { class: "ed-row" }, [
        input(L.range + " · " + L.range_low, p + ".range[0]", range, "low", "number", { onchange: syncRange }),
        input(L.range + " · " + L.range_high, p + ".range[1]", range, "high", "number", { onchange: syncRange }),
        input(L.integer, p + ".integer", ind, "integer", "checkbox")
      ]),
      el("div", { class: "ed-row ed-notes" }, [
        input(L.definition, p + ".definition", ind, "definition", "textarea"),
        input(L.source, p + ".source", ind, "source", "text"),
        input(L.department, p + ".department", ind, "department", "text"),
        input(L.contact, p + ".contact", ind, "contact", "text")
      ])
    ]);
    box.dataset.path = p;
    return box;
  }
  function renderBoard(list, i, path, top) {
    var board = list[i];
    var p = path + "[" + i + "]";
    if (!Array.isArray(board.indicators)) { board.indicators = []; }
    var head = el("div", { class: "ed-row" }, [
      input(L.id, p + ".id", board, "id", "text", { required: true }),
      input(L.name, p + ".name", board, "name", "text", { required: true }),
      top ? input(L.points, p + ".points", board, "points", "number")
          : input(L.weight, p + ".weight", board, "weight", "number", { placeholder: 1 }),
      removeButton(list, i)
    ]);
    var indicators = board.indicators.map(function (_ind, j) { return renderIndicator(board.indicators, j, p); });
    var children = (board.boards || []).map(function (_b, j) { return renderBoard(board.boards, j, p + ".boards", false); });
    var box = el("fieldset", { class: "ed-board" + (top ? "" : " ed-sub") }, [
      el("legend", { text: (board.name || L.board) })
    ].concat([head], indicators, children));
    box.dataset.path = p;
    box.appendChild(el("div", { class: "ed-actions" }, [
      button("＋ " + L.add_indicator, function () {
        board.indicators.push({ id: uid("indicator_", allIds()), name: "" });
        rerender();
      }),
      button("＋ " + L.add_sub_board, function () {
        if (!Array.isArray(board.boards)) { board.boards = []; }
        board.boards.push({ id: uid("board_", allIds()), name: "", indicators: [] });
        rerender();
      })
    ]));
    return box;
  }
  function renderBoards() {
    if (!Array.isArray(model.boards)) { model.boards = []; }
    var boards = model.boards.map(function (_b, i) { return renderBoard(model.boards, i, "boards", true); });
    var box = section(L.boards, "boards", boards);
    box.appendChild(button("＋ " + L.add_board, function () {
      model.boards.push({ id: uid("board_", allIds()), name: "", points: 10, indicators: [] });
      rerender();
    }, "ed-add-board"));
    return box;
  }

  // -- adjustments, stars, tie-break ----------------------------------------------------------
  function renderAdjustments() {
    if (!Array.isArray(model.adjustments)) { model.adjustments = []; }
    var rows = model.adjustments.map(function (adj, i) {
      var p = "adjustments[" + i + "]";
      var row = el("div", { class: "ed-row" }, [
        input(L.id, p + ".id", adj, "id", "text", { required: true }),
        input(L.name, p + ".name", adj, "name", "text", { required: true }),
        input(L.kind, p + ".kind", adj, "kind", "select", { choices: W.kinds }),
        input(L.max_points, p + ".max_points", adj, "max_points", "number"),
        removeButton(model.adjustments, i)
      ]);
      row.dataset.path = p;
      return row;
    });
    var box = section(L.adjustments, "adjustments", rows);
    box.appendChild(button("＋ " + L.add_adjustment, function () {
      model.adjustments.push({ id: uid("adjustment_", allIds()), name: "", kind: "bonus", max_points: 1 });
      rerender();
    }));
    return box;
  }
  function renderStars() {
    if (!model.stars) { model.stars = {}; }
    var stars = model.stars;
    var parts = [el("div", { class: "ed-row" }, [
      input(L.stars_method, "stars.method", stars, "method", "select", {
        choices: W.star_methods, onchange: rerender
      }),
      input(L.stars_max, "stars.max", stars, "max", "number", { placeholder: 10 }),
      input(L.stars_min, "stars.min", stars, "min", "number", { placeholder: 1 })
    ])];
    if (stars.method === "bands") {
      parts.push(pairs(L.stars_thresholds, "stars.thresholds", stars, "thresholds", [L.score, L.stars]));
    }
    var tie = el("div", { class: "ed-row ed-tie" }, [el("span", { class: "ed-label", text: L.tie_break })]);
    tie.dataset.path = "tie_break";
    if (!Array.isArray(model.tie_break)) { model.tie_break = []; }
    model.boards.forEach(function (board) {
      var box = el("input", { type: "checkbox" });
      box.checked = model.tie_break.indexOf(board.id) >= 0;
      box.addEventListener("change", function () {
        var order = model.boards.map(function (b) { return b.id; });
        var chosen = model.tie_break.filter(function (id) { return id !== board.id; });
        if (box.checked) { chosen.push(board.id); }
        model.tie_break = chosen.sort(function (a, b) { return order.indexOf(a) - order.indexOf(b); });
        changed();
      });
      tie.appendChild(el("label", { class: "ed-check" }, [box, el("span", { text: board.name || board.id })]));
    });
    parts.push(tie);
    return section(L.stars, "stars", parts);
  }

  // -- rules: flags and grades ----------------------------------------------------------------
  var OPS = [["<=", "≤"], ["<", "<"], [">=", "≥"], [">", ">"], ["==", "="]];
  function ruleVariables() {
    var out = [["true", L.every_unit], ["rank", L.v_rank], ["rank_change", L.v_rank_change], ["score", L.v_score]];
    (function walk(boards) {
      (boards || []).forEach(function (b) {
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(b.id || "")) {
          var name = { board: b.name || b.id };
          out.push(["rank_" + b.id, fmt(L.v_board_rank, name)]);
          out.push(["score_" + b.id, fmt(L.v_board_score, name)]);
          out.push(["stars_" + b.id, fmt(L.v_board_stars, name)]);
        }
        walk(b.boards);
      });
    })(model.boards);
    return out;
  }
  var CLAUSE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|==|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;
  function parseRule(when) {
    var text = (when || "").trim();
    if (text === "") { return { joint: "and", clauses: [] }; }
    var joint = / or /.test(text) ? "or" : "and";
    if (/ and /.test(text) && joint === "or") { return null; }
    var clauses = [];
    var ok = text.split(" " + joint + " ").every(function (part) {
      if (part.trim() === "true") { clauses.push({ v: "true", op: "<=", n: 0 }); return true; }
      var m = CLAUSE.exec(part);
      if (!m) { return false; }
      clauses.push({ v: m[1], op: m[2], n: Number(m[3]) });
      return true;
    });
    return ok ? { joint: joint, clauses: clauses } : null;
  }
  function writeRule(rule) {
    return rule.clauses.map(function (c) {
      return c.v === "true" ? "true" : c.v + " " + c.op + " " + (c.n === "" || c.n === undefined ? 0 : c.n);
    }).join(" " + rule.joint + " ");
  }
  function renderRule(item, path) {
    var p = path + ".when";
    var text = input(L.expression, p, item, "when", "text", { required: true });
    var words = el("p", { class: "ed-words", text: lastRules[p] || "" });
    words.dataset.wordsFor = p;
    var builder = el("div", { class: "ed-builder" });
    var rule = parseRule(item.when);
    function sync() {
      item.when = writeRule(rule);
      text.querySelector("input").value = item.when;
      changed();
    }
    text.querySelector("input").addEventListener("change", function () { rerender(); });
    if (rule) {
      var variables = ruleVariables();
      rule.clauses.forEach(function (clause, k) {
        var holder = { v: clause.v, op: clause.op, n: clause.n };
        var row = el("div", { class: "ed-row ed-clause" }, [
          input(k === 0 ? L.rule_builder : (rule.joint === "and" ? L["and"] : L["or"]), p + "#" + k + ".v", holder, "v", "select", {
            choices: variables, onchange: function () { clause.v = holder.v; sync(); rerender(); }
          })
        ]);
        if (clause.v !== "true") {
          row.appendChild(input("", p + "#" + k + ".op", holder, "op", "select", {
            choices: OPS, onchange: function () { clause.op = holder.op; sync(); }
          }));
          row.appendChild(input("", p + "#" + k + ".n", holder, "n", "number", {
            onchange: function () { clause.n = holder.n; sync(); }
          }));
        }
        row.appendChild(button("✕", function () { rule.clauses.splice(k, 1); sync(); rerender(); }, "secondary ed-remove"));
        builder.appendChild(row);
      });
      var add = button("＋ " + L.add_condition, function () {
        rule.clauses.push({ v: "rank", op: "<=", n: 1 });
        sync();
        rerender();
      });
      var jointHolder = { j: rule.joint };
      var joint = input("", p + "#joint", jointHolder, "j", "select", {
        choices: [["and", L["and"]], ["or", L["or"]]],
        onchange: function () { rule.joint = jointHolder.j; sync(); rerender(); }
      });
      builder.appendChild(el("div", { class: "ed-row" }, [add, rule.clauses.length > 1 ? joint : null]));
    }
    return el("div", { class: "ed-rule" }, [builder, text, words]);
  }
  function renderFlags() {
    if (!Array.isArray(model.flags)) { model.flags = []; }
    var rows = model.flags.map(function (flag, i) {
      var p = "flags[" + i + "]";
      var row = el("div", { class: "ed-item" }, [
        el("div", { class: "ed-row" }, [
          input(L.id, p + ".id", flag, "id", "text", { required: true }),
          input(L.name, p + ".name", flag, "name", "text", { required: true }),
          removeButton(model.flags, i)
        ]),
        renderRule(flag, p)
      ]);
      row.dataset.path = p;
      return row;
    });
    var box = section(L.flags, "flags", rows);
    box.appendChild(button("＋ " + L.add_flag, function () {
      model.flags.push({ id: uid("flag_", allIds()), name: "", when: "rank <= 1" });
      rerender();
    }));
    return box;
  }
  function renderGrades() {
    if (!Array.isArray(model.grades)) { model.grades = []; }
    var rows = model.grades.map(function (grade, i) {
      var p = "grades[" + i + "]";
      var row = el("div", { class: "ed-item" }, [
        el("div", { class: "ed-row" }, [
          input(L.name, p + ".name", grade, "name", "text", { required: true }),
          removeButton(model.grades, i)
        ]),
        renderRule(grade, p)
      ]);
      row.dataset.path = p;
      return row;
    });
    var box = section(L.grades, "grades", rows);
    box.appendChild(button("＋ " + L.add_grade, function () {
      model.grades.push({ name: "", when: "true" });
      rerender();
    }));
    return box;
  }

  // -- the whole form -------------------------------------------------------------------------
  // Empty lists the engine should see (and name at their field) rather than miss.
  var KEEP_EMPTY = ["thresholds", "units"];
  function tidy(value) {
    // Leave out what the form holds empty: no params, no range, no empty lists or mappings.
    if (Array.isArray(value)) { return value.map(tidy); }
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (key) {
        var v = tidy(value[key]);
        var empty = v === undefined ||
          (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0) ||
          (Array.isArray(v) && v.length === 0 && KEEP_EMPTY.indexOf(key) < 0) ||
          (key === "range" && Array.isArray(v) && v[0] === null && v[1] === null);
        if (!empty) { out[key] = v; }
      });
      return out;
    }
    return value;
  }
  function cleaned() { return tidy(model); }
  function render() {
    form.textContent = "";
    [renderBasics(), renderUnits(), renderDefaults(), renderBoards(), renderAdjustments(),
      renderStars(), renderFlags(), renderGrades()].forEach(function (part) { form.appendChild(part); });
    showProblems(lastProblems);
  }

  // -- talking to the server ------------------------------------------------------------------
  function post(url, extra) {
    var fields = Array.prototype.map.call(form.querySelectorAll("[data-path]"), function (node) { return node.dataset.path; });
    var body = Object.assign({ model: cleaned(), fields: fields }, extra || {});
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) { return response.json(); });
  }
  function showProblems(problems) {
    lastProblems = problems || [];
    form.querySelectorAll(".ed-problem").forEach(function (node) { node.remove(); });
    form.querySelectorAll(".ed-invalid").forEach(function (node) { node.classList.remove("ed-invalid"); });
    var summary = document.getElementById("editor-problems");
    summary.textContent = "";
    var loose = [];
    lastProblems.forEach(function (problem) {
      var target = problem.field ? form.querySelector('[data-path="' + CSS.escape(problem.field) + '"]') : null;
      var note = el("span", { class: "ed-problem", role: "alert", text: problem.message });
      var folded = target ? target.closest("details") : null;
      if (folded) { folded.open = true; }
      if (target && target.tagName !== "FIELDSET" && target.tagName !== "DIV") {
        target.classList.add("ed-invalid");
        target.closest("label").appendChild(note);
      } else if (target) {
        target.classList.add("ed-invalid");
        target.insertBefore(note, target.children[1] || null);
      } else {
        loose.push(problem);
      }
    });
    var status = el("p", { class: lastProblems.length ? "ed-status bad" : "ed-status ok",
      text: lastProblems.length ? "✗ " + lastProblems.length + " " + L.problems : "✓ " + L.no_problems });
    summary.appendChild(status);
    if (loose.length) {
      summary.appendChild(el("ul", {}, loose.map(function (p) {
        return el("li", { text: (p.path ? p.path + "：" : "") + p.message });
      })));
    }
  }
  function check() {
    return post(urls.check).then(function (answer) {
      lastRules = answer.rules || {};
      form.querySelectorAll("[data-words-for]").forEach(function (node) {
        node.textContent = lastRules[node.dataset.wordsFor] || "";
      });
      document.getElementById("editor-yaml").textContent = answer.yaml || "";
      showProblems(answer.problems);
    });
  }
  function preview() {
    var out = document.getElementById("editor-preview");
    out.textContent = L.checking;
    post(urls.preview).then(function (answer) {
      out.textContent = "";
      if (!answer.ok) {
        out.appendChild(el("ul", { class: "problems" }, (answer.problems || []).map(function (p) {
          return el("li", { text: p.message });
        })));
        if (answer.problems && answer.problems.some(function (p) { return p.field !== null; })) { showProblems(answer.problems); }
        return;
      }
      out.appendChild(el("p", { class: "muted", text: answer.period }));
      var head = [L.unit, L.composite, L.rank].concat(answer.boards.map(function (b) { return b + " · " + L.stars; }), [L.flags, L.grade]);
      var table = el("table", { class: "work ed-preview" }, [
        el("thead", {}, [el("tr", {}, head.map(function (h) { return el("th", { text: h }); }))]),
        el("tbody", {}, answer.rows.map(function (row) {
          var cells = [row.unit, row.score.toFixed(2), row.rank === null ? "—" : String(row.rank)]
            .concat(row.stars.map(function (s) { return s === null ? "—" : "★" + s; }), [row.flags.join("、"), row.grade || "—"]);
          return el("tr", {}, cells.map(function (c, k) { return el("td", { class: k > 0 && k < 3 ? "num" : "", text: c }); }));
        }))
      ]);
      out.appendChild(el("div", { class: "table-wrap" }, [table]));
    });
  }
  function save() {
    var comment = document.getElementById("editor-comment").value;
    var out = document.getElementById("editor-save-errors");
    out.textContent = "";
    post(urls.save, { comment: comment }).then(function (answer) {
      if (answer.ok) { window.location.assign(answer.url); return; }
      showProblems(answer.problems || []);
      (answer.errors || []).forEach(function (message) { out.appendChild(el("li", { text: message })); });
    });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); });
  document.getElementById("editor-preview-button").addEventListener("click", preview);
  document.getElementById("editor-save-button").addEventListener("click", save);
  render();
  check();
})();
