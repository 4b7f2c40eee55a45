// Staff desk, "Record a purchase": a live points preview while the lines are typed.
// The page works without it: the "Preview points" button asks the server for the same numbers.
(function () {
  "use strict";
  const form = document.querySelector("[data-purchase-form]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  const url = form.getAttribute("data-preview-url");
  const summary = form.querySelector("[data-preview-summary]");
  const breakdown = form.querySelector("[data-preview-breakdown]");
  const tokenInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  const emptyText = summary.textContent.trim();
  const delayMs = 300;
  let timer = null;
  let controller = null;
  let latest = 0;

  function show(data) {
    summary.textContent = (data && data.summary) || emptyText;
    summary.classList.toggle("muted", !data || data.points === null || data.points === undefined);
    breakdown.replaceChildren();
    const items = (data && data.breakdown) || [];
    items.forEach(function (item) {
      const row = document.createElement("li");
      const name = document.createElement("span");
      name.textContent = item.name;
      const points = document.createElement("span");
      points.className = "purchase-preview__points";
      points.textContent = (item.points > 0 ? "+" : "") + item.points;
      row.append(name, " ", points);
      breakdown.append(row);
    });
    breakdown.hidden = items.length === 0;
  }

  async function preview() {
    const request = ++latest;
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    try {
      const response = await fetch(url, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-CSRFToken": tokenInput ? tokenInput.value : "", "Accept": "application/json" },
        credentials: "same-origin",
        signal: controller.signal,
      });
      const data = await response.json();
      if (request === latest) {
        show(data);
      }
    } catch (error) {
      // Aborted by a newer request, or offline: the "Preview points" button still works.
    }
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(preview, delayMs);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
