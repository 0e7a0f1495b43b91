/* leitai (擂台): the live scoring in the hall.
   Asks the server every 2 s for the count of the unit on stage (#live-count in the
   presenter view) and, when there is something new to show, reloads the results
   (#results: the overlay of the presenter view, or the results page itself).
   In the presenter view, J shows or hides the results. */
(function () {
  "use strict";
  var results = document.getElementById("results");
  var badge = document.getElementById("live-count");
  var source = (badge && badge.dataset.live) || (results && results.dataset.live);
  if (!source) { return; }
  var version = null;

  function show(state) {
    if (!badge) { return; }
    if (state.open) {
      badge.hidden = false;
      badge.querySelector(".who").textContent = state.open_name;
      badge.querySelector(".n").textContent = state.count;
      badge.querySelector(".of").textContent = state.claimed;
    } else {
      badge.hidden = true;
    }
  }

  function reload(state) {
    if (!results || state.version === version) { return; }
    var first = version === null;
    version = state.version;
    if (first && !badge) { return; }  // the results page was rendered with this state
    fetch(results.dataset.fragment, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        results.innerHTML = html;
        if (badge && state.results.length && !first) { results.hidden = false; }
      });
  }

  function poll() {
    fetch(source, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) { if (state) { show(state); reload(state); } })
      .catch(function () { /* the next poll tries again */ });
  }

  if (badge && results) {
    document.addEventListener("keydown", function (event) {
      // Escape belongs to the presenter view (it leaves it): J only.
      if (event.key === "j" || event.key === "J") { results.hidden = !results.hidden; }
    });
  }
  poll();
  window.setInterval(poll, 2000);
})();
