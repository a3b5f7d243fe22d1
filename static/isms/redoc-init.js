// Starts ReDoc on /api/redoc/ (no inline script under the Content-Security-Policy).
// ReDoc injects its styles in <style> elements; the page's policy allows them by a
// per-response nonce, handed over through a data attribute.
"use strict";
(function () {
  const container = document.getElementById("redoc-container");
  if (!container || !window.Redoc) {
    return;
  }
  window.Redoc.init(
    container.dataset.specUrl,
    // Search runs in a blob: worker, which the policy (script-src 'self') forbids.
    { nonce: container.dataset.styleNonce, disableSearch: true },
    container
  );
})();
