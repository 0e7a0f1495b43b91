/* leitai: small helpers of the workflow pages (no dependencies). */
(function () {
  "use strict";
  // A scheme problem's line link selects that line in the editor.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-line]");
    if (!link) return;
    var area = document.querySelector("textarea[name=text]");
    if (!area) return;
    event.preventDefault();
    var line = parseInt(link.dataset.line, 10);
    var lines = area.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
    var end = start + (lines[line - 1] || "").length;
    area.focus();
    area.setSelectionRange(start, end);
    var height = area.scrollHeight / Math.max(lines.length, 1);
    area.scrollTop = Math.max(0, (line - 5) * height);
  });
  // Confirmation before steps that cannot be undone.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
})();
