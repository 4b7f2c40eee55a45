// Staff desk, "Record a purchase": a basket made for a keyboard and a scanner, with a running
// total and a live points preview. The page works without it: five lines, and the
// "Preview points" button asks the server for the same numbers.
//
// Keys: Enter in the receipt box goes to the first line; Enter in a description, category or
// quantity goes to the line's total; Enter in a filled total opens the next line; Enter in an
// empty total of an empty line goes to "Record purchase"; Ctrl+Enter (or Cmd+Enter) records.
(function () {
  "use strict";
  const form = document.querySelector("[data-purchase-form]");
  if (!form) {
    return;
  }
  const linesBox = form.querySelector("[data-lines]");
  const template = form.querySelector("[data-line-template]");
  const totalForms = form.querySelector("input[name$='-TOTAL_FORMS']");
  const maxForms = Number(form.querySelector("input[name$='-MAX_NUM_FORMS']").value);
  const linePattern = linesBox.getAttribute("data-line-pattern");
  const receipt = form.querySelector("input[name=receipt_number]");
  const recordButton = form.querySelector("[data-record]");
  const addButton = form.querySelector("[data-add-line]");
  const quick = form.querySelector("[data-quick-categories]");
  const summary = form.querySelector("[data-preview-summary]");
  const basket = form.querySelector("[data-preview-basket]");
  const breakdown = form.querySelector("[data-preview-breakdown]");
  const url = form.getAttribute("data-preview-url");
  const tokenInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  const emptySummary = summary.textContent.trim();
  const delayMs = 300;
  // Fields the clerk has left or changed: only their mistakes are shown while typing.
  const touched = new Set();
  let currentLine = null;
  let timer = null;
  let controller = null;
  let latest = 0;

  // --- lines ---------------------------------------------------------------------------

  function allLines() {
    return Array.from(linesBox.querySelectorAll("[data-line]"));
  }

  function visibleLines() {
    return allLines().filter(function (line) { return !line.hidden; });
  }

  function field(line, name) {
    return line.querySelector("[name$='-" + name + "']");
  }

  function isBlank(line) {
    const quantity = field(line, "quantity").value.trim();
    return field(line, "description").value.trim() === "" &&
      field(line, "category").value === "" &&
      (quantity === "" || quantity === "1") &&
      field(line, "amount").value.trim() === "";
  }

  function hasErrors(line) {
    return line.querySelector(".field--error, .errors") !== null;
  }

  // Legends and the remove buttons' names follow the order the clerk sees.
  function renumber() {
    const shown = visibleLines();
    shown.forEach(function (line, index) {
      line.querySelector("[data-remove-line]").hidden = shown.length === 1;
      const name = linePattern.replace("__n__", String(index + 1));
      line.querySelectorAll("[data-line-name]").forEach(function (node) {
        node.textContent = name;
      });
    });
    if (addButton) {
      addButton.hidden = Number(totalForms.value) >= maxForms &&
        !allLines().some(function (line) { return line.hidden; });
    }
  }

  function newLine() {
    const index = Number(totalForms.value);
    if (index >= maxForms) {
      return null;
    }
    const fragment = template.content.cloneNode(true);
    fragment.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (node) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attribute) {
        const value = node.getAttribute(attribute);
        if (value) {
          node.setAttribute(attribute, value.replace(/__prefix__/g, String(index)));
        }
      });
    });
    const line = fragment.querySelector("[data-line]");
    linesBox.append(fragment);
    totalForms.value = String(index + 1);
    return line;
  }

  // The line after `line`: the next one in view, else a blank one kept out of the way (never
  // used, or removed), else a new one.
  function lineAfter(line) {
    const lines = allLines();
    const after = lines.slice(lines.indexOf(line) + 1);
    const shown = after.find(function (candidate) { return !candidate.hidden; });
    if (shown) {
      return shown;
    }
    const spare = after.find(function (candidate) { return candidate.hidden; });
    if (spare) {
      spare.hidden = false;
      return spare;
    }
    return newLine();
  }

  function addLine() {
    const shown = visibleLines();
    const line = lineAfter(shown[shown.length - 1]);
    renumber();
    if (line) {
      field(line, "description").focus();
    }
    return line;
  }

  function clearLine(line) {
    field(line, "description").value = "";
    field(line, "category").value = "";
    field(line, "quantity").value = "1";
    field(line, "amount").value = "";
    line.querySelectorAll("input, select").forEach(function (input) {
      clearError(input);
      touched.delete(input.name);
    });
  }

  function removeLine(line) {
    const shown = visibleLines();
    const position = shown.indexOf(line);
    clearLine(line);
    if (shown.length > 1) {
      line.hidden = true;
      const next = shown[position + 1] || shown[position - 1];
      field(next, "description").focus();
    } else {
      field(line, "description").focus();
    }
    renumber();
    schedule(0);
  }

  function basketHasLine() {
    return visibleLines().some(function (line) { return !isBlank(line); });
  }

  // --- mistakes on the line they belong to ------------------------------------------------

  function errorBox(input) {
    return document.getElementById(input.id + "_error");
  }

  function clearError(input) {
    const box = errorBox(input);
    if (box) {
      box.remove();
    }
    const wrapper = input.closest(".field");
    if (wrapper) {
      wrapper.classList.remove("field--error");
    }
    input.removeAttribute("aria-invalid");
  }

  function showError(input, message) {
    let box = errorBox(input);
    if (!box) {
      box = document.createElement("div");
      box.className = "errors";
      box.id = input.id + "_error";
      box.setAttribute("role", "alert");
      input.closest(".field").append(box);
    }
    const list = document.createElement("ul");
    list.className = "errorlist";
    const item = document.createElement("li");
    item.textContent = message;
    list.append(item);
    box.replaceChildren(list);
    input.closest(".field").classList.add("field--error");
    input.setAttribute("aria-invalid", "true");
    const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (described.indexOf(box.id) === -1) {
      described.push(box.id);
      input.setAttribute("aria-describedby", described.join(" "));
    }
  }

  function showErrors(errors) {
    linesBox.querySelectorAll("input, select").forEach(function (input) {
      const message = errors[input.name];
      if (message && touched.has(input.name)) {
        showError(input, message);
      } else if (!message) {
        clearError(input);
      }
    });
  }

  // --- the live preview ---------------------------------------------------------------------

  function show(data) {
    basket.textContent = data.basket || "";
    summary.textContent = data.summary || emptySummary;
    summary.classList.toggle("muted", data.points === null || data.points === undefined);
    breakdown.replaceChildren();
    const items = data.breakdown || [];
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
    showErrors(data.errors || {});
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
      // Aborted by a newer request, or offline: recording still checks every line.
    }
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(preview, delay === undefined ? delayMs : delay);
  }

  // --- quick categories ---------------------------------------------------------------------

  function markCategory() {
    if (!quick || !currentLine) {
      return;
    }
    const chosen = field(currentLine, "category").value;
    quick.querySelectorAll("[data-category]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-category") === chosen));
    });
  }

  function enterLine(line) {
    if (line === currentLine) {
      return;
    }
    currentLine = line;
    if (quick) {
      // The buttons follow the line being typed, under its boxes.
      line.append(quick);
      quick.hidden = false;
      markCategory();
    }
  }

  function chooseCategory(button) {
    if (!currentLine) {
      return;
    }
    const select = field(currentLine, "category");
    const value = button.getAttribute("data-category");
    select.value = select.value === value ? "" : value;
    touched.add(select.name);
    markCategory();
    schedule(0);
    const amount = field(currentLine, "amount");
    if (amount.value.trim() === "") {
      amount.focus();
    }
  }

  // --- keys -----------------------------------------------------------------------------

  function onEnter(event) {
    const target = event.target;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      form.requestSubmit(recordButton);
      return;
    }
    if (target === receipt) {
      event.preventDefault();
      field(visibleLines()[0], "description").focus();
      return;
    }
    const line = target.closest("[data-line]");
    if (!line || !(target.matches("input, select"))) {
      return;  // a button, or the form's own buttons: Enter does what it says
    }
    event.preventDefault();
    touched.add(target.name);
    const amount = field(line, "amount");
    if (target !== amount) {
      amount.focus();
      return;
    }
    if (amount.value.trim() !== "") {
      schedule(0);
      const next = lineAfter(line);
      renumber();
      if (next) {
        field(next, "description").focus();
      }
    } else if (isBlank(line) && basketHasLine()) {
      recordButton.focus();
    }
  }

  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.isComposing && !event.altKey && !event.shiftKey) {
      onEnter(event);
    }
  });
  form.addEventListener("focusin", function (event) {
    const line = event.target.closest("[data-line]");
    if (line && line.parentNode === linesBox) {
      enterLine(line);
    }
  });
  form.addEventListener("input", function () { schedule(); });
  form.addEventListener("change", function (event) {
    if (event.target.name) {
      touched.add(event.target.name);
    }
    markCategory();
    schedule();
  });
  linesBox.addEventListener("focusout", function (event) {
    if (event.target.name && event.target.value !== event.target.defaultValue) {
      touched.add(event.target.name);
    }
  });
  form.addEventListener("click", function (event) {
    const remove = event.target.closest("[data-remove-line]");
    if (remove) {
      removeLine(remove.closest("[data-line]"));
      return;
    }
    const category = event.target.closest("[data-category]");
    if (category) {
      chooseCategory(category);
    }
  });
  if (addButton) {
    addButton.addEventListener("click", addLine);
  }

  // --- start: the lines in use and one empty line, the rest out of the way -------------------

  const lines = allLines();
  let lastUsed = -1;
  lines.forEach(function (line, index) {
    if (!isBlank(line) || hasErrors(line)) {
      lastUsed = index;
    }
  });
  lines.forEach(function (line, index) {
    line.hidden = index > lastUsed + 1;
  });
  if (lastUsed === lines.length - 1) {
    newLine();
  }
  form.querySelectorAll("[data-fixed-lines-help], [data-preview-button]").forEach(function (node) {
    node.hidden = true;
  });
  form.querySelector("[data-keyboard-help]").hidden = false;
  if (addButton) {
    addButton.hidden = false;
  }
  renumber();
  // After a refused submission, the first mistake has the focus rather than the receipt box.
  const firstMistake = form.querySelector(".field--error input, .field--error select");
  if (firstMistake) {
    firstMistake.focus();
  }
  if (basketHasLine()) {
    schedule(0);
  }
})();
