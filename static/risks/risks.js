// The risk register's behaviour (no inline script: strict CSP). Loaded with defer.
(function () {
  "use strict";
  // Show the row htmx sends back on 400/403/409 too: it carries the refusal message and
  // the values as they now are (a conflicting edit is never silently dropped).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 400 || status === 403 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // Bulk edit: "tick all" and the count of ticked rows.
  function updateCount() {
    var counter = document.querySelector("[data-bulk-count]");
    if (counter) {
      counter.textContent = document.querySelectorAll("[data-bulk-item]:checked").length;
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-bulk-all]")) {
      document.querySelectorAll("[data-bulk-item]").forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
    if (event.target.matches("[data-bulk-all], [data-bulk-item]")) {
      updateCount();
    }
  });
  // After an inline edit, keep the keyboard focus in the same cell of the new row.
  document.addEventListener("htmx:afterSwap", function (event) {
    var id = event.detail.target && event.detail.target.id;
    var row = id && id.indexOf("risk-") === 0 ? document.getElementById(id) : null;
    if (row && event.detail.requestConfig) {
      var field = (event.detail.requestConfig.parameters || {}).field;
      var select = field && row.querySelector("select[hx-vals*='\"" + field + "\"']");
      if (select) { select.focus(); }
    }
  });
})();
