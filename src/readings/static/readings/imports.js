// Import preview: select all / none, a live count, and one submission only.
(function () {
  "use strict";
  const form = document.querySelector("[data-import-confirm]");
  if (!form) return;
  const boxes = Array.from(form.querySelectorAll('input[type="checkbox"][name="entry"]'));
  const bulk = form.querySelector("[data-import-bulk]");
  const count = form.querySelector("[data-import-count]");
  const submit = form.querySelector("[data-import-submit]");
  const total = boxes.length;

  function update() {
    const chosen = boxes.filter((box) => box.checked).length;
    if (count) {
      count.hidden = false;
      count.textContent = (count.dataset.template || "{selected} of {total} selected")
        .replace("{selected}", String(chosen))
        .replace("{total}", String(total));
    }
    if (submit) submit.disabled = chosen === 0;
  }

  if (bulk && total > 1) {
    bulk.hidden = false;
    bulk.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-select]");
      if (!button) return;
      const on = button.dataset.select === "all";
      boxes.forEach((box) => { box.checked = on; });
      update();
    });
  }
  boxes.forEach((box) => box.addEventListener("change", update));
  form.addEventListener("submit", (event) => {
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    if (submit) submit.setAttribute("aria-disabled", "true");
  });
  update();
})();
