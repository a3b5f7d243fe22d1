// The SoA pages' behaviour (CSP: no inline script). <button data-check-all="name"> ticks
// every checkbox named `name` in its form, or unticks them all when all are ticked.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-check-all]");
    if (!button) { return; }
    var boxes = button.form
      ? button.form.querySelectorAll('input[type="checkbox"][name="' + button.getAttribute("data-check-all") + '"]')
      : [];
    var all = Array.prototype.every.call(boxes, function (box) { return box.checked; });
    Array.prototype.forEach.call(boxes, function (box) { box.checked = !all; });
  });
})();
