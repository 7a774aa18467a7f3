// Follow a running load: ask its progress endpoint every second, update the bar,
// and reload the page (which then shows the report) once the load has finished.
// Without JavaScript the page refreshes itself instead (see the noscript element).
(function () {
  "use strict";
  var box = document.getElementById("load-progress");
  if (!box) {
    return;
  }
  if (!window.fetch) {
    window.setTimeout(function () { window.location.reload(); }, 3000);
    return;
  }
  var url = box.getAttribute("data-progress-url");
  var stage = document.getElementById("load-stage");
  var bar = box.querySelector("progress");
  var percent = document.getElementById("load-percent");
  var status = document.querySelector("#load-status .badge");

  function show(data) {
    if (status && status.textContent !== data.status_label) {
      status.textContent = data.status_label;
    }
    if (stage.textContent !== data.message) {
      stage.textContent = data.message; // a live region: stage changes are announced
    }
    if (data.percent === null) {
      bar.removeAttribute("value");
      percent.textContent = "";
    } else {
      bar.value = data.percent;
      percent.textContent = data.percent + "%";
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (data.finished) {
          window.location.reload();
          return;
        }
        show(data);
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000); // the server restarting, say: keep trying, slower
      });
  }

  window.setTimeout(poll, 1000);
})();
