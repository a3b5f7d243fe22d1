// The asset inventory's script (loaded from 'self' under the strict CSP).
(function () {
  "use strict";
  // <input type="checkbox" data-check-all="pk"> ticks every checkbox named "pk" in its form.
  document.addEventListener("change", function (event) {
    var master = event.target.closest("[data-check-all]");
    if (!master) { return; }
    var name = master.getAttribute("data-check-all");
    var scope = master.form || document;
    scope.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
      box.checked = master.checked;
    });
  });
})();
(function () {
  "use strict";
  // The category menu offers only the categories of the chosen class
  // (<select data-categories-by-class='{"essential": [...], ...}'>). The server checks
  // the pair anyway; this only saves a round trip.
  function sync(form) {
    var category = form.querySelector("select[data-categories-by-class]");
    var assetClass = form.querySelector("select[name='asset_class']");
    if (!category || !assetClass) { return; }
    var allowed = JSON.parse(category.getAttribute("data-categories-by-class"))[assetClass.value];
    Array.prototype.forEach.call(category.options, function (option) {
      option.hidden = Boolean(allowed && option.value && allowed.indexOf(option.value) === -1);
    });
    if (category.selectedOptions.length && category.selectedOptions[0].hidden) {
      category.value = "";  // the class changed under it: choose again
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[name='asset_class']") && event.target.form) {
      sync(event.target.form);
    }
  });
  // htmx swaps the category field after validation: re-apply to the new element.
  document.addEventListener("htmx:afterSwap", function (event) {
    var form = event.target.closest && event.target.closest("form");
    if (form) { sync(form); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(sync);
  });
})();
