// Task status forms save without reloading the page; without JS they post and redirect.
(() => {
  "use strict";
  const live = document.getElementById("readiness-status");
  const say = (text) => { if (live) { live.textContent = text; } };

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-task-status]");
    if (!form) { return; }
    event.preventDefault();
    const data = new FormData(form);
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken") },
      });
      const body = await response.json();
      say(response.ok ? body.message : (body.message || (live && live.dataset.failed)));
    } catch (error) {
      form.submit();
    }
  });
})();
