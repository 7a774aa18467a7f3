// Export page: a "Copy" button for the export text, announced through a live region.
// Bibliographies are copied as HTML too, so titles stay italic when pasted into a word processor.
(function () {
  "use strict";

  function announce(status, key) {
    // Clear first so the same message is announced again on a second copy.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = status.dataset[key]; }, 50);
  }

  function copyWithSelection(area) {
    area.focus();
    area.select();
    try {
      return document.execCommand("copy");
    } catch (err) {
      return false;
    }
  }

  async function copy(area) {
    const htmlSource = area.dataset.htmlSource && document.getElementById(area.dataset.htmlSource);
    if (navigator.clipboard && window.isSecureContext) {
      if (htmlSource && window.ClipboardItem) {
        try {
          await navigator.clipboard.write([new ClipboardItem({
            "text/plain": new Blob([area.value], { type: "text/plain" }),
            "text/html": new Blob([htmlSource.innerHTML], { type: "text/html" }),
          })]);
          return true;
        } catch (err) { /* fall through to plain text */ }
      }
      try {
        await navigator.clipboard.writeText(area.value);
        return true;
      } catch (err) { /* fall through to the selection */ }
    }
    return copyWithSelection(area);
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    const area = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector(".copy-status");
    if (!area || !status) return;
    button.hidden = false;
    button.addEventListener("click", async function () {
      const copied = await copy(area);
      if (!copied) {
        area.focus();
        area.select();
      }
      announce(status, copied ? "copied" : "failed");
    });
  });
})();
