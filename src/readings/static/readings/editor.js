// The list editor: every action already works as a form; this makes them fetch
// requests that change only what they touch, adds drag and drop and keyboard
// moves, and keeps the list version every write must name.
(function () {
  "use strict";

  document.documentElement.classList.add("js");
  const editor = document.getElementById("editor");

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Citation form page (no editor around it): only the type switch is enhanced.
  if (!editor) {
    document.querySelectorAll("form[data-kind-form]").forEach(enhanceKindForm);
    return;
  }

  const statusBox = document.getElementById("editor-status");
  const conflictBox = document.getElementById("editor-conflict");
  const conflictAnchor = document.createComment("conflict");
  conflictBox.before(conflictAnchor);
  const text = editor.dataset;
  const dialog = document.getElementById("editor-dialog");
  const dialogBody = dialog.querySelector(".ed-dialog-body");
  const dialogTitle = document.getElementById("editor-dialog-title");
  const moveMenu = document.getElementById("move-menu");
  const cbase = editor.dataset.cbase;
  let version = Number(editor.dataset.version);
  let queue = Promise.resolve();

  function announce(message) {
    // Cleared first so the same message twice is read twice.
    statusBox.textContent = "";
    window.setTimeout(function () { statusBox.textContent = message; }, 50);
  }

  function setVersion(next) {
    if (!next) return;
    version = next;
    editor.dataset.version = String(next);
    document.querySelectorAll("input[name=version]").forEach(function (input) {
      input.value = String(next);
    });
  }

  function showConflict(message) {
    conflictBox.querySelector(".ed-conflict-message").textContent = message;
    // A modal dialog makes the page behind it inert: show the message where the user is.
    if (dialog.open) dialogBody.prepend(conflictBox); else conflictAnchor.after(conflictBox);
    conflictBox.hidden = false;
    conflictBox.querySelector("[data-reload]").focus();
  }

  function hideConflict() {
    conflictBox.hidden = true;
    conflictAnchor.after(conflictBox);
  }

  // One write at a time, in order: each needs the version the previous one answered.
  function send(url, data) {
    const run = function () {
      data.set("version", String(version));
      return fetch(url, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.ok) {
            setVersion(body.version);
            return body;
          }
          if (response.status === 409) showConflict(body.message || "");
          else announce(body.message || text.errorText);
          const error = new Error(body.message || String(response.status));
          error.status = response.status;
          error.body = body;
          throw error;
        });
      });
    };
    const result = queue.then(run, run);
    queue = result.catch(function () {});
    return result;
  }

  // Reload the sections in place: the dialog and its unsaved input stay.
  function reloadList() {
    return fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        const doc = new DOMParser().parseFromString(html, "text/html");
        const fresh = doc.getElementById("editor");
        document.getElementById("sections").replaceWith(doc.getElementById("sections"));
        ["bulk-section", "move-target"].forEach(function (id) {
          document.getElementById(id).replaceWith(doc.getElementById(id));
        });
        setVersion(Number(fresh.dataset.version));
        hideConflict();
        announce(text.reloadedText);
      });
  }

  conflictBox.querySelector("[data-reload]").addEventListener("click", function () {
    reloadList().then(function () {
      const target = dialog.open ? dialog.querySelector("button[name=save]") : document.getElementById("sections");
      if (target) target.focus();
    });
  });

  // Items -------------------------------------------------------------------

  function itemsOf(list) {
    return Array.prototype.filter.call(list.children, function (el) { return el.classList.contains("ed-item"); });
  }

  // An item becomes draggable when pressed, not all 1,500 when the page opens: the
  // drag starts only after the pointer moves, so this is in time, and opening stays fast.
  document.addEventListener("pointerdown", function (event) {
    const item = event.target.closest && event.target.closest(".ed-item");
    if (item && !item.draggable) item.draggable = true;
  });

  function titleOf(item) {
    const title = item.querySelector(".title");
    return title ? title.textContent.trim() : "";
  }

  function fromHtml(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  // Make the page match the server's order (usually it already does: the move was shown at once).
  function applyOrder(order) {
    const focused = document.activeElement;
    Object.keys(order || {}).forEach(function (sectionId) {
      const list = document.querySelector('.ed-items[data-section="' + sectionId + '"]');
      if (!list) return;
      const shown = itemsOf(list).map(function (el) { return el.dataset.id; }).join(",");
      if (shown === order[sectionId].join(",")) return;
      order[sectionId].forEach(function (id) {
        const item = document.getElementById("c" + id);
        if (item) list.appendChild(item);
      });
    });
    if (focused && focused !== document.activeElement && document.contains(focused)) focused.focus();
    // Items no longer in any of these sections of this page moved to another list.
    const listed = new Set();
    Object.values(order || {}).forEach(function (ids) { ids.forEach(function (id) { listed.add(String(id)); }); });
    Object.keys(order || {}).forEach(function (sectionId) {
      const list = document.querySelector('.ed-items[data-section="' + sectionId + '"]');
      if (!list) return;
      itemsOf(list).forEach(function (item) {
        if (!listed.has(item.dataset.id)) item.remove();
      });
    });
  }

  function moveItem(item, sectionId, position) {
    const data = new FormData();
    data.set("section", sectionId);
    data.set("position", String(position));
    return send(cbase + item.dataset.id + "/move/", data).then(function (body) {
      applyOrder(body.order);
      if (!document.getElementById("c" + item.dataset.id) && body.message) {
        // Moved to another list: it left this page.
      }
      announce(body.message);
      return body;
    }).catch(function (error) {
      if (error.status !== 409) return reloadList();
    });
  }

  function placeAndMove(item, list, index) {
    const items = itemsOf(list).filter(function (el) { return el !== item; });
    index = Math.max(0, Math.min(index, items.length));
    if (index >= items.length) list.appendChild(item); else list.insertBefore(item, items[index]);
    return moveItem(item, list.dataset.section, index);
  }

  function keyboardMove(item, how) {
    const list = item.parentNode;
    const items = itemsOf(list);
    const index = items.indexOf(item);
    const lists = Array.prototype.slice.call(document.querySelectorAll(".ed-items"));
    const listIndex = lists.indexOf(list);
    let promise;
    if (how === "up" && index === 0 && listIndex > 0) {
      const previous = lists[listIndex - 1];
      promise = placeAndMove(item, previous, itemsOf(previous).length);
    } else if (how === "down" && index === items.length - 1 && listIndex < lists.length - 1) {
      promise = placeAndMove(item, lists[listIndex + 1], 0);
    } else if (how === "up" || how === "down") {
      if ((how === "up" && index === 0) || (how === "down" && index === items.length - 1)) {
        announce(text.edgeText);
        return Promise.resolve();
      }
      promise = placeAndMove(item, list, how === "up" ? index - 1 : index + 1);
    } else if (how === "top") {
      promise = placeAndMove(item, list, 0);
    } else {
      promise = placeAndMove(item, list, items.length);
    }
    return promise;
  }

  document.addEventListener("keydown", function (event) {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    const item = event.target.closest && event.target.closest(".ed-item");
    if (!item || dialog.open) return;
    event.preventDefault();
    const focused = event.target;
    keyboardMove(item, event.key === "ArrowUp" ? "up" : "down");
    focused.focus();
  });

  // The Move menu: one shared element, placed under the item it moves.
  let menuItem = null;

  function openMenu(item, button) {
    menuItem = item;
    moveMenu.querySelector(".ed-move-title").textContent = text.moveText + ": " + titleOf(item);
    item.classList.add("has-menu");
    item.appendChild(moveMenu);
    moveMenu.hidden = false;
    button.setAttribute("aria-expanded", "true");
    moveMenu.querySelector("[data-move=up]").focus();
  }

  function closeMenu(focusBack) {
    if (!menuItem) return;
    const button = menuItem.querySelector(".ed-move");
    moveMenu.hidden = true;
    if (button) {
      button.setAttribute("aria-expanded", "false");
      if (focusBack) button.focus();
    }
    editor.appendChild(moveMenu);
    menuItem.classList.remove("has-menu");
    menuItem = null;
  }

  moveMenu.addEventListener("click", function (event) {
    const button = event.target.closest("[data-move]");
    if (!button || !menuItem) return;
    const item = menuItem;
    const how = button.dataset.move;
    closeMenu(true);
    if (how === "close") return;
    if (how === "section") {
      const target = document.getElementById("move-target").value;
      const list = document.querySelector('.ed-items[data-section="' + target + '"]');
      if (list) placeAndMove(item, list, itemsOf(list).length);
      else moveItem(item, target, "end").then(function () { item.remove(); });
    } else {
      keyboardMove(item, how);
    }
    const focusAfter = item.querySelector(".ed-move");
    if (focusAfter) focusAfter.focus();
  });

  moveMenu.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); closeMenu(true); }
  });

  // Drag and drop ----------------------------------------------------------------

  let dragged = null;
  const marker = document.createElement("li");
  marker.className = "ed-drop-marker";
  marker.setAttribute("aria-hidden", "true");

  document.addEventListener("dragstart", function (event) {
    const item = event.target.closest && event.target.closest(".ed-item");
    if (!item) return;
    dragged = item;
    item.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.id);
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    marker.remove();
    dragged = null;
  });

  function dropList(target) {
    const section = target.closest && target.closest(".ed-section");
    return section ? section.querySelector(".ed-items") : null;
  }

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    const list = dropList(event.target);
    if (!list) return;
    event.preventDefault();
    const over = event.target.closest(".ed-item");
    if (over && over !== dragged && over.parentNode === list) {
      const box = over.getBoundingClientRect();
      const after = event.clientY > box.top + box.height / 2;
      list.insertBefore(marker, after ? over.nextSibling : over);
    } else if (!over) {
      if (marker.parentNode !== list) list.appendChild(marker);
    }
  });

  document.addEventListener("drop", function (event) {
    if (!dragged) return;
    const list = dropList(event.target);
    if (!list) return;
    event.preventDefault();
    const item = dragged;
    let index = itemsOf(list).length;
    if (marker.parentNode === list) {
      index = 0;
      for (let el = marker.previousElementSibling; el; el = el.previousElementSibling) {
        if (el.classList.contains("ed-item") && el !== item) index += 1;
      }
    }
    marker.remove();
    placeAndMove(item, list, index);
  });

  // Dialog: the add and edit forms, loaded on demand ------------------------------

  function openDialog(url) {
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        const doc = new DOMParser().parseFromString(html, "text/html");
        const panel = doc.getElementById("citation-panel");
        if (!panel) { window.location.href = url; return; }
        panel.querySelector("h1").remove();
        dialogTitle.textContent = panel.dataset.title;
        dialogBody.replaceChildren.apply(dialogBody, Array.prototype.slice.call(panel.children));
        dialogBody.querySelectorAll("input[name=version]").forEach(function (input) { input.value = String(version); });
        dialogBody.querySelectorAll("form[data-kind-form]").forEach(enhanceKindForm);
        dialog.showModal();
        const first = dialogBody.querySelector("[data-adding] #id_identifier, #id_title");
        if (first) first.focus();
      });
  }

  dialog.querySelector("[data-close]").addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("close", function () {
    hideConflict();
    dialogBody.replaceChildren();
  });

  function showFormErrors(form, body) {
    const box = form.querySelector(".ed-form-errors");
    form.querySelectorAll(".errorlist.js-errors").forEach(function (el) { el.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    const messages = [];
    Object.keys(body.errors || {}).forEach(function (name) {
      const field = form.querySelector('[name="' + name + '"]');
      const text = body.errors[name].join(" ");
      if (field) {
        field.setAttribute("aria-invalid", "true");
        const list = document.createElement("ul");
        list.className = "errorlist js-errors";
        const li = document.createElement("li");
        li.textContent = text;
        list.appendChild(li);
        field.parentNode.insertBefore(list, field);
      }
      const label = field && field.labels && field.labels[0] ? field.labels[0].textContent.trim() + ": " : "";
      messages.push(label + text);
    });
    if (!messages.length && body.message) messages.push(body.message);
    box.textContent = messages.join(" ");
  }

  function handleDialogResult(form, body) {
    if (body.item) {
      const fresh = fromHtml(body.item);
      const existing = document.getElementById("c" + body.id);
      if (existing) existing.replaceWith(fresh);
      else if (body.after) document.getElementById("c" + body.after).after(fresh);
      else document.querySelector('.ed-items[data-section="' + body.section + '"]').appendChild(fresh);
    }
    let nextFocus = null;
    if (body.removed) body.removed.forEach(function (id) {
      const el = document.getElementById("c" + id);
      if (!el) return;
      // Focus goes to the next item (or the section's heading), not lost with the row.
      const neighbour = el.nextElementSibling || el.previousElementSibling;
      nextFocus = neighbour ? neighbour.querySelector("a[data-dialog]") : null;
      if (!nextFocus) {
        const heading = el.closest(".ed-section").querySelector("h2");
        heading.tabIndex = -1;
        nextFocus = heading;
      }
      el.remove();
    });
    if (body.order) applyOrder(body.order);
    announce(body.message);
    if (form.hasAttribute("data-adding")) {
      // Ready for the next one: a new one-time token, the same section and type.
      form.reset();
      form.querySelector("input[name=form_token]").value =
        window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID() : String(Date.now()) + Math.random();
      form.querySelector(".ed-form-errors").textContent = body.message;
      form.querySelector("#id_title").focus();
    } else {
      dialog.close();
      const target = document.getElementById("c" + (body.id || body.after));
      const link = target && target.querySelector("a[data-dialog]");
      if (link) link.focus(); else if (nextFocus) nextFocus.focus();
    }
  }

  function lookUp(form, submitter) {
    const url = editor.dataset.identify;
    const identifier = form.querySelector("#id_identifier").value.trim();
    const status = form.querySelector(".ed-identify-status");
    if (!url) return false;
    const data = new FormData();
    data.set("identifier", identifier);
    status.textContent = text.lookingText;
    submitter.disabled = true;
    fetch(url, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw body;
        fillForm(form, body.fields || {});
        status.textContent = text.filledText;
        form.querySelector("#id_title").focus();
      });
    }).catch(function (body) {
      const errors = body && body.errors ? Object.values(body.errors).flat().join(" ") : "";
      status.textContent = errors || (body && body.message) || text.notFoundText;
    }).finally(function () { submitter.disabled = false; });
    return true;
  }

  function namesText(value) {
    if (!Array.isArray(value)) return value || "";
    return value.map(function (n) {
      if (typeof n === "string") return n;
      if (n.literal) return n.literal;
      return [n.family, n.given].filter(Boolean).join(", ");
    }).join("; ");
  }

  function fillForm(form, fields) {
    if (fields.secondary_type) {
      const select = form.querySelector("[name=secondary_type]");
      select.value = fields.secondary_type;
      select.dispatchEvent(new Event("change"));
    }
    Object.keys(fields).forEach(function (name) {
      if (name === "secondary_type") return;
      const input = form.querySelector('[name="' + name + '"]');
      if (!input || input.type === "checkbox") return;
      const value = name === "authors" || name === "editors" ? namesText(fields[name]) : fields[name];
      if (value !== null && value !== undefined && value !== "") input.value = String(value);
    });
  }

  dialog.addEventListener("submit", function (event) {
    const form = event.target;
    const submitter = event.submitter;
    if (submitter && submitter.name === "lookup") {
      if (lookUp(form, submitter)) event.preventDefault();
      return;
    }
    event.preventDefault();
    const data = new FormData(form, submitter);
    const saveButtons = form.querySelectorAll("button[type=submit]");
    saveButtons.forEach(function (b) { b.disabled = true; });
    send(form.action, data)
      .then(function (body) { handleDialogResult(form, body); })
      .catch(function (error) {
        if (error.status === 400 && error.body) showFormErrors(form, error.body);
      })
      .finally(function () { saveButtons.forEach(function (b) { b.disabled = false; }); });
  });

  // Clicks: dialog links, Move buttons ---------------------------------------------

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a[data-dialog]");
    if (link && editor.contains(link)) {
      event.preventDefault();
      closeMenu(false);
      openDialog(link.href);
      return;
    }
    const move = event.target.closest(".ed-move");
    if (move) {
      const item = move.closest(".ed-item");
      if (menuItem === item) closeMenu(true); else { closeMenu(false); openMenu(item, move); }
      return;
    }
    if (menuItem && !moveMenu.contains(event.target)) closeMenu(false);
  });

  // Section moves and bulk actions by fetch ------------------------------------------

  editor.addEventListener("submit", function (event) {
    const form = event.target;
    if (dialog.contains(form)) return;
    if (form.id === "bulk") {
      event.preventDefault();
      const data = new FormData(form, event.submitter);
      send(form.action, data).then(function (body) {
        Object.keys(body.sections || {}).forEach(function (sectionId) {
          const list = document.querySelector('.ed-items[data-section="' + sectionId + '"]');
          if (list) list.innerHTML = body.sections[sectionId];
        });
        form.reset();
        announce(body.message);
      }).catch(function () {});
      return;
    }
    if (form.id === "new-section-form") {
      event.preventDefault();
      send(form.action, new FormData(form)).then(function (body) {
        const container = document.getElementById("sections");
        const empty = container.querySelector(".empty-state");
        if (empty) empty.remove();
        container.appendChild(fromHtml(body.section_html));
        ["bulk-section", "move-target"].forEach(function (id) {
          const option = new Option(body.name, body.id);
          document.getElementById(id).querySelector("optgroup").appendChild(option);
        });
        form.reset();
        announce(body.message);
        form.querySelector("input[name$=name]").focus();
      }).catch(function (error) {
        if (error.status === 400 && error.body) showFormErrors(form, error.body);
      });
      return;
    }
    if (form.hasAttribute("data-enhance")) {
      event.preventDefault();
      const data = new FormData(form, event.submitter);
      send(form.action, data).then(function (body) {
        const container = document.getElementById("sections");
        (body.sections || []).forEach(function (id) {
          const section = document.getElementById("s" + id);
          if (section) container.appendChild(section);
        });
        if (event.submitter) event.submitter.focus();
        announce(body.message);
      }).catch(function () {});
    }
  });

  // A signal for tests and the editor_open benchmark: the page is enhanced and usable.
  document.documentElement.dataset.editorReady = "true";
  if (window.performance && performance.mark) performance.mark("editor-ready");

  // The type switch: show the chosen type's fields without a round trip.
  function enhanceKindForm(form) {
    const select = form.querySelector("[name=secondary_type]");
    if (!select) return;
    select.addEventListener("change", function () {
      const kind = select.value;
      form.querySelectorAll("[data-kinds]").forEach(function (field) {
        field.hidden = field.dataset.kinds.split(" ").indexOf(kind) === -1;
      });
    });
  }
})();
