// The ISMS manager's own script: loaded from 'self', so it runs under the strict CSP.
// Behaviour is declared with data-* attributes; there is no inline script anywhere.
(function () {
  "use strict";
  // <button data-confirm="Really?"> asks before submitting its form.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  // <select data-autosubmit> submits its form when changed (filters).
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) {
      event.target.form.requestSubmit();
    }
  });
})();
