// The "Print" button of printable pages. Without JavaScript the button stays hidden and the
// page says to use the browser's own Print command; the print stylesheet is the same either way.
(function () {
  "use strict";
  if (typeof window.print !== "function") {
    return;
  }
  document.querySelectorAll("[data-print-button]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
