// Catalogue search: add a result to the list without leaving the page.
// The forms work without this script; it sends them with fetch and reports in place.
"use strict";

(() => {
  const results = document.querySelector(".catalogue-results");
  const picker = document.querySelector("[data-add-section]");
  const texts = results ? results.dataset : {};
  const forms = () => document.querySelectorAll("[data-add-form]");

  function setVersion(version) {
    for (const form of forms()) form.elements.version.value = version;
  }

  function say(status, message) {
    status.replaceChildren();
    const text = document.createElement("p");
    text.textContent = message;
    status.append(text);
    return text;
  }

  function offerAddAnyway(form, status, message) {
    say(status, message).className = "add-warning";
    const again = document.createElement("button");
    again.type = "button";
    again.className = "secondary";
    again.textContent = texts.textAddAnyway;
    again.setAttribute("aria-describedby", form.querySelector("button[type=submit]").getAttribute("aria-describedby"));
    again.addEventListener("click", () => add(form, true));
    status.append(again);
  }

  async function add(form, allowDuplicate) {
    // One request at a time per result: a double click adds the record once.
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    const button = form.querySelector("button[type=submit]");
    const status = form.querySelector("[data-add-status]");
    button.setAttribute("aria-disabled", "true");
    say(status, texts.textAdding);
    const body = new FormData(form);
    if (allowDuplicate) body.set("allow_duplicate", "1");
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": body.get("csrfmiddlewaretoken") },
      });
      const data = await response.json().catch(() => ({}));
      if (response.ok) {
        setVersion(data.list_version);
        say(status, data.message).className = "add-done";
      } else if (response.status === 409 && data.error === "duplicate") {
        offerAddAnyway(form, status, data.message);
      } else {
        say(status, data.message || texts.textFailed).className = "add-warning";
      }
    } catch {
      say(status, texts.textFailed).className = "add-warning";
    } finally {
      delete form.dataset.busy;
      button.removeAttribute("aria-disabled");
    }
  }

  for (const form of forms()) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      add(form, false);
    });
  }

  // Changing the target section retargets every result and keeps it in the page's links.
  picker?.addEventListener("change", () => {
    const label = picker.selectedOptions[0].dataset.addLabel;
    for (const form of forms()) {
      form.elements.section.value = picker.value;
      form.querySelector("button[type=submit]").textContent = label;
    }
    for (const link of document.querySelectorAll(".pager a")) {
      const url = new URL(link.href);
      url.searchParams.set("section", picker.value);
      link.href = url.toString();
    }
    const here = new URL(window.location.href);
    here.searchParams.set("section", picker.value);
    window.history.replaceState(null, "", here);
  });
})();
