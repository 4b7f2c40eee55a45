// "Copy" buttons for share links. Without JavaScript the link is still there to select.
(function () {
  "use strict";
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll("[data-copy-button]").forEach(function (button) {
    const source = button.parentElement.querySelector("[data-copy-source]");
    if (!source) {
      return;
    }
    const label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(function () {
        button.textContent = button.dataset.copiedText;
        window.setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
})();
