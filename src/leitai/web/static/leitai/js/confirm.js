/* Ask before a destructive submit: <button data-confirm="question">. No inline handler,
   so that the Content-Security-Policy can forbid inline script. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
