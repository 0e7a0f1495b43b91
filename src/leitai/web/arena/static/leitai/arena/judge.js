/* leitai (擂台): the judge's phone page.
   The code page: a code in the address's # part (from the QR code) fills the field and
   is sent at once (the # part never reaches the server's logs).
   The sheet page: what the judge enters is kept in localStorage under the unit, with
   an id made once per unit; the sheet is sent with that id, so sending it again after
   a lost connection or a reload updates the same sheet and never makes a second one.
   Unsent sheets are re-sent every few seconds and when the connection comes back. What
   is typed but not yet submitted is kept too (the draft) and comes back after a reload.
   The page asks the server every 3 s which unit is on stage. */
(function () {
  "use strict";

  var codeForm = document.getElementById("code-form");
  if (codeForm) {
    var hash = decodeURIComponent((window.location.hash || "").replace(/^#/, ""));
    if (hash && /^[A-Za-z0-9-]{8,64}$/.test(hash)) {
      document.getElementById("code").value = hash;
      history.replaceState(null, "", window.location.pathname);
      codeForm.submit();
    }
    return;
  }

  var root = document.getElementById("sheet");
  if (!root) { return; }
  var form = document.getElementById("entry");
  var statusLine = document.getElementById("status");
  var unitName = document.getElementById("unit-name");
  var waiting = document.getElementById("waiting");
  var totalBox = document.getElementById("total");
  var kind = root.dataset.kind;
  var prefix = root.dataset.store;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var state = JSON.parse(document.getElementById("initial-state").textContent);
  var sending = false;

  function storeKey(unit) { return prefix + ":" + unit; }

  function load(unit) {
    try { return JSON.parse(window.localStorage.getItem(storeKey(unit)) || "null"); }
    catch (e) { return null; }
  }

  function save(unit, item) {
    try { window.localStorage.setItem(storeKey(unit), JSON.stringify(item)); } catch (e) { /* full */ }
  }

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function readEntry() {
    if (kind === "criteria") {
      var entry = {};
      form.querySelectorAll("input[type=number]").forEach(function (input) { entry[input.name] = input.value; });
      return entry;
    }
    if (kind === "choices") {
      var picked = form.querySelector("input[name=choice]:checked");
      return picked ? picked.value : "";
    }
    return form.querySelector("input[name=score]").value;
  }

  function writeEntry(entry) {
    if (kind === "criteria") {
      form.querySelectorAll("input[type=number]").forEach(function (input) {
        input.value = entry && entry[input.name] !== undefined && entry[input.name] !== null ? entry[input.name] : "";
      });
    } else if (kind === "choices") {
      form.querySelectorAll("input[name=choice]").forEach(function (input) { input.checked = entry === input.value; });
    } else {
      form.querySelector("input[name=score]").value = entry === null || entry === undefined ? "" : entry;
    }
    showTotal();
  }

  function showTotal() {
    if (!totalBox) { return; }
    var sum = 0; var any = false;
    form.querySelectorAll("input[type=number]").forEach(function (input) {
      var v = parseFloat(input.value);
      if (!isNaN(v)) { sum += v; any = true; }
    });
    totalBox.textContent = any ? String(Math.round(sum * 100) / 100) : "—";
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function markBad(on) {
    // the criteria left empty or outside 0..max, marked on the phone beside the message
    form.querySelectorAll("input[type=number][data-max]").forEach(function (input) {
      var v = input.value === "" ? NaN : Number(input.value);
      var bad = on && !(v >= 0 && v <= Number(input.dataset.max));
      input.closest(".criterion").classList.toggle("bad", bad);
      input.setAttribute("aria-invalid", bad ? "true" : "false");
    });
  }

  function say(text, kindOf) {
    statusLine.textContent = text;
    statusLine.className = "status " + (kindOf || "");
  }

  function current() { return state.open || ""; }

  function item() {
    var unit = current();
    var kept = load(unit);
    if (!kept) {
      var mine = state.mine && state.mine.unit === unit ? state.mine : null;
      kept = mine
        ? { client_id: mine.client_id, entry: mine.entry, abstain: mine.abstain, sent: true }
        : { client_id: newId(), entry: null, abstain: false, sent: true };
      save(unit, kept);
    }
    return kept;
  }

  function send() {
    var unit = current();
    var kept = load(unit);
    if (!unit || !kept || kept.sent || sending) { return; }
    sending = true;
    say(root.dataset.wordSending, "");
    fetch(root.dataset.submit, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ unit: unit, client_id: kept.client_id, entry: kept.entry, abstain: kept.abstain })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        sending = false;
        if (response.ok) {
          kept.sent = true;
          save(unit, kept);
          markBad(false);
          say(root.dataset.wordSaved, "good");
          poll();  // the progress line counts this unit at once
        } else if (response.status >= 500 || response.status === 429) {
          say(root.dataset.wordPending, "pending");
        } else {
          kept.sent = true;  // refused: keep what was typed, do not resend it
          kept.refused = true;
          save(unit, kept);
          markBad(true);
          say(root.dataset.wordRefused + " " + (body.errors || []).join(" "), "bad");
        }
      });
    }).catch(function () {
      sending = false;
      say(root.dataset.wordPending, "pending");
    });
  }

  function submit(abstain) {
    var unit = current();
    if (!unit) { return; }
    var kept = item();
    kept.entry = abstain ? null : readEntry();
    kept.abstain = !!abstain;
    kept.sent = false;
    kept.refused = false;
    delete kept.draft;
    save(unit, kept);
    send();
  }

  function render() {
    var unit = current();
    unitName.textContent = state.open_name || "—";
    form.hidden = !unit;
    waiting.hidden = !!unit;
    waiting.textContent = state.final ? root.dataset.wordFinal : root.dataset.wordWaiting;
    if (!unit) { return; }
    if (form.dataset.unit !== unit) {
      form.dataset.unit = unit;
      var kept = item();
      var draft = kept.draft !== undefined && !same(kept.draft, kept.entry);
      writeEntry(draft ? kept.draft : kept.entry);
      if (!kept.sent) { say(root.dataset.wordPending, "pending"); }
      else if (draft) { say(root.dataset.wordDraft, "pending"); }
      else if (state.mine && state.mine.unit === unit) { say(root.dataset.wordSaved, "good"); }
      else { say("", ""); }
    }
  }

  function poll() {
    fetch(root.dataset.state, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (body && body.ok) {
          state = body;
          render();
          document.getElementById("progress").textContent = root.dataset.wordProgress
            .replace("{n}", body.scored).replace("{total}", body.units);
        }
        send();
      })
      .catch(function () { send(); });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); submit(false); });
  document.getElementById("abstain").addEventListener("click", function () { submit(true); });
  form.addEventListener("input", function () {
    showTotal();
    var unit = current();
    var kept = unit ? item() : null;
    if (kept) {
      // keep the draft on the phone too (a reload brings it back), but do not mark the
      // sheet as changed before the judge submits it
      kept.draft = readEntry();
      save(unit, kept);
    }
  });
  window.addEventListener("online", send);
  render();
  send();
  window.setInterval(poll, 3000);
})();
