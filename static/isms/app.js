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

// <select multiple data-picker>: the one searchable multi-select with chips (Tom Select,
// isms/widgets.py Picker). With data-picker-url, typing searches that API list.
(function () {
  "use strict";
  function label(item, keys) {
    return keys.map(function (k) { return item[k]; }).filter(Boolean).join(" · ");
  }
  function start(select) {
    if (select.tomselect || typeof window.TomSelect === "undefined") {
      return;
    }
    var options = {
      plugins: ["remove_button"],
      maxOptions: 200,
      hidePlaceholder: true,
      closeAfterSelect: false,
      render: {
        no_results: function () { return '<div class="no-results">' + (select.dataset.pickerNone || "No match") + "</div>"; }
      }
    };
    var url = select.dataset.pickerUrl;
    if (url) {
      var keys = (select.dataset.pickerLabels || "ref name").split(" ");
      options.valueField = select.dataset.pickerValue || "id";
      options.labelField = "label";
      options.searchField = ["label"];
      options.shouldLoad = function (query) { return query.length > 0; };
      options.load = function (query, callback) {
        fetch(url + encodeURIComponent(query), {
          credentials: "same-origin", headers: { Accept: "application/json" }
        }).then(function (response) {
          return response.ok ? response.json() : { results: [] };
        }).then(function (json) {
          callback((json.results || []).map(function (item) {
            item.label = label(item, keys);
            return item;
          }));
        }).catch(function () { callback(); });
      };
    }
    var picker = new window.TomSelect(select, options);
    // A list the user closed (Escape) while staying in the picker stays closed until
    // they use the picker again (click, type, arrow keys). Tom Select reopens it on any
    // focus event otherwise: switching tabs and back, a resize, a print preview.
    var dismissed = false;
    var open = picker.open;
    picker.open = function () {
      if (!dismissed) {
        open.apply(picker, arguments);
      }
    };
    picker.on("dropdown_close", function () { dismissed = picker.isFocused; });
    picker.on("blur", function () { dismissed = false; });
    picker.control.addEventListener("mousedown", function () { dismissed = false; }, true);
    picker.control_input.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        dismissed = false;
      }
    }, true);
  }
  function startAll(root) {
    if (root.matches && root.matches("select[data-picker]")) {
      start(root);
    }
    root.querySelectorAll("select[data-picker]").forEach(start);
  }
  document.addEventListener("DOMContentLoaded", function () { startAll(document); });
  document.addEventListener("htmx:load", function (event) { startAll(event.detail.elt); });
})();

// <input type=checkbox data-check-all="NAME"> ticks or unticks every box named NAME;
// <button data-needs-ticked="NAME"> is enabled only while at least one is ticked.
(function () {
  "use strict";
  function refresh() {
    document.querySelectorAll("[data-needs-ticked]").forEach(function (button) {
      var name = button.getAttribute("data-needs-ticked");
      button.disabled = !document.querySelector("input[name='" + name + "']:checked");
    });
  }
  document.addEventListener("change", function (event) {
    var name = event.target.getAttribute("data-check-all");
    if (name) {
      document.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
    refresh();
  });
  document.addEventListener("DOMContentLoaded", refresh);
})();
