/* leitai (擂台): the presenter view.
   → / PageDown / Space: next screen; ← / PageUp: previous screen;
   N / P: next / previous speaker; Home / End: first / last screen;
   S: pause or resume the clock; R: restart this speaker's clock; F: full screen.
   Each speaker has a countdown of the session's minutes, started when their first
   screen is shown and kept if the presenter goes back; it turns red at zero and then
   counts the time over. No network access: everything is in this page. */
(function () {
  "use strict";
  var deck = document.getElementById("deck");
  var screens = Array.prototype.slice.call(deck.querySelectorAll(".screen"));
  var clock = document.getElementById("clock");
  var digits = document.getElementById("countdown");
  var position = document.getElementById("position");
  var dots = Array.prototype.slice.call(document.querySelectorAll(".presenter-foot .dots i"));
  var total = Math.max(1, parseInt(deck.dataset.seconds, 10) || 360);
  var clocks = {};
  var current = -1;
  var speaker = "";

  function speakerOf(i) { return screens[i].dataset.speaker || ""; }

  function firstOf(sp) {
    for (var i = 0; i < screens.length; i++) { if (speakerOf(i) === sp) { return i; } }
    return -1;
  }

  function now() { return window.performance.now() / 1000; }

  function left(sp) {
    var c = clocks[sp];
    if (!c) { return total; }
    return c.running ? c.left - (now() - c.since) : c.left;
  }

  function stop(sp) {
    var c = clocks[sp];
    if (c && c.running) { c.left = left(sp); c.running = false; }
  }

  function start(sp) {
    var c = clocks[sp] || (clocks[sp] = { left: total, running: false, since: 0 });
    if (!c.running) { c.running = true; c.since = now(); }
  }

  function format(seconds) {
    var s = Math.ceil(Math.abs(seconds));
    if (seconds <= 0 && Math.abs(seconds) < 1) { s = 0; }
    var text = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    return seconds < 0 && s > 0 ? "+" + text : text;
  }

  function tick() {
    if (!speaker) { return; }
    var rest = left(speaker);
    var over = rest <= 0;
    digits.textContent = format(rest);
    clock.classList.toggle("warn", !over && rest <= 60);
    clock.classList.toggle("over", over);
    clock.classList.toggle("paused", !clocks[speaker].running);
    clock.querySelector(".label").textContent = over
      ? deck.dataset.wordOver
      : (clocks[speaker].running ? clock.dataset.label : deck.dataset.wordPaused);
    document.body.classList.toggle("time-up", over);
  }

  function show(i) {
    i = Math.max(0, Math.min(screens.length - 1, i));
    if (i === current) { return; }
    screens.forEach(function (screen, k) { screen.hidden = k !== i; });
    current = i;
    var sp = speakerOf(i);
    if (sp !== speaker) {
      if (speaker) { stop(speaker); }
      speaker = sp;
      if (sp) { start(sp); }
    }
    clock.hidden = !sp;
    if (!sp) { document.body.classList.remove("time-up"); }
    dots.forEach(function (dot) {
      var n = parseInt(dot.dataset.speaker, 10), s = parseInt(sp || "0", 10);
      dot.classList.toggle("current", n === s);
      dot.classList.toggle("done", n < s);
    });
    var unit = screens[i].dataset.unit;
    position.textContent = (i + 1) + " / " + screens.length;
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + (unit ? unit + "-" + screens[i].dataset.kind : "start"));
    }
    deck.dataset.current = String(i);
    deck.dataset.unit = unit || "";
    tick();
  }

  function speakerStep(step) {
    var sp = parseInt(speaker || "0", 10) + step;
    if (sp <= 0) { show(0); return; }
    var i = firstOf(String(sp));
    if (i >= 0) { show(i); }
  }

  function fullscreen() {
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {});
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var key = event.key;
    var handled = true;
    if (key === "ArrowRight" || key === "PageDown" || key === " " || key === "Enter") { show(current + 1); }
    else if (key === "ArrowLeft" || key === "PageUp" || key === "Backspace") { show(current - 1); }
    else if (key === "n" || key === "N") { speakerStep(1); }
    else if (key === "p" || key === "P") { speakerStep(-1); }
    else if (key === "Home") { show(0); }
    else if (key === "End") { show(screens.length - 1); }
    else if ((key === "s" || key === "S") && speaker) {
      if (clocks[speaker].running) { stop(speaker); } else { start(speaker); }
      tick();
    }
    else if ((key === "r" || key === "R") && speaker) {
      clocks[speaker] = { left: total, running: false, since: 0 };
      start(speaker);
      tick();
    }
    else if (key === "f" || key === "F") { fullscreen(); }
    else if (key === "Escape" && !document.fullscreenElement && deck.dataset.exit) {
      window.location.href = deck.dataset.exit;
    }
    else { handled = false; }
    if (handled) { event.preventDefault(); }
  });

  document.getElementById("fullscreen").addEventListener("click", fullscreen);
  clock.dataset.label = clock.querySelector(".label").textContent;

  // "#pingdu" or "#pingdu-shortfalls" opens at that unit's screen.
  var wanted = decodeURIComponent((window.location.hash || "").slice(1));
  var startAt = 0;
  if (wanted && wanted !== "start") {
    var parts = wanted.split("-");
    var kind = parts.length > 1 ? parts.pop() : "";
    var unit = parts.join("-") || wanted;
    screens.forEach(function (screen, k) {
      if (startAt === 0 && screen.dataset.unit === unit && (!kind || screen.dataset.kind === kind)) { startAt = k; }
    });
    if (startAt === 0) {
      screens.forEach(function (screen, k) { if (startAt === 0 && screen.dataset.unit === wanted) { startAt = k; } });
    }
  }
  show(startAt);
  window.setInterval(tick, 250);
})();
