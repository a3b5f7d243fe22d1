// The asset inventory's script (loaded from 'self' under the strict CSP). Ticking
// every box of a list is isms/app.js's data-check-all.
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
// The dependency graph zooms (buttons, or + and - on the focused picture) and pans
// (scroll, or drag with the mouse) inside its box (issue 20.7).
(function () {
  "use strict";
  function zoom(wrap, how) {
    var svg = wrap.querySelector("svg.asset-graph");
    if (!svg) { return; }
    var base = Number(svg.getAttribute("data-width") || svg.getAttribute("width"));
    svg.setAttribute("data-width", base);
    var scale = Number(svg.getAttribute("data-scale") || 1);
    scale = how === "in" ? scale * 1.25 : how === "out" ? scale / 1.25 : 1;
    svg.setAttribute("data-scale", scale);
    svg.classList.toggle("zoomed", how !== "reset");
    svg.setAttribute("width", Math.round(base * scale));
    svg.removeAttribute("height");
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-graph-zoom]");
    if (!button) { return; }
    var wrap = button.closest(".card").querySelector("[data-graph]");
    if (wrap) { zoom(wrap, button.getAttribute("data-graph-zoom")); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.target.matches && event.target.matches("[data-graph]")) {
      if (event.key === "+" || event.key === "=") { zoom(event.target, "in"); }
      if (event.key === "-") { zoom(event.target, "out"); }
    }
  });
  var drag = null;
  document.addEventListener("pointerdown", function (event) {
    var wrap = event.target.closest && event.target.closest("[data-graph]");
    if (!wrap || event.target.closest("a")) { return; }
    drag = { wrap: wrap, x: event.clientX, y: event.clientY, left: wrap.scrollLeft, top: wrap.scrollTop };
  });
  document.addEventListener("pointermove", function (event) {
    if (!drag) { return; }
    drag.wrap.scrollLeft = drag.left - (event.clientX - drag.x);
    drag.wrap.scrollTop = drag.top - (event.clientY - drag.y);
  });
  document.addEventListener("pointerup", function () { drag = null; });
})();
