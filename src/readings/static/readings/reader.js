/* The reader's list page: overlay this user's state on the shared list, act without reloads,
   filter and search within the list. Every control also works as a plain form or link. */
(function () {
  "use strict";

  const tools = document.getElementById("reader-tools");
  const label = (name) => (tools ? tools.dataset[name] || "" : "");
  const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (m, key) => String(values[key]));

  function csrfFrom(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  async function post(url, form, data) {
    const body = new FormData();
    Object.entries(data).forEach(([key, value]) => body.append(key, value));
    const response = await fetch(url, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfFrom(form) },
    });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(json.message || label("failed"));
    }
    return json;
  }

  function announce(text) {
    const status = document.getElementById("reader-announce");
    if (status) {
      status.textContent = "";
      window.setTimeout(() => { status.textContent = text; }, 50);
    }
  }

  // --- This user's state -------------------------------------------------------------------

  const items = () => Array.from(document.querySelectorAll("li.citation[data-citation-id]"));
  const itemById = (id) => document.getElementById("c" + id);

  function setDone(item, done) {
    item.classList.toggle("is-done", done);
    const mark = item.querySelector(".done-mark");
    if (mark) mark.hidden = !done;
    const button = item.querySelector("button[data-action=done]");
    if (button) {
      button.dataset.on = String(done);
      button.textContent = done ? label("labelUndone") : label("labelDone");
    }
  }

  function setLiked(item, liked, likes) {
    const button = item.querySelector("button[data-action=like]");
    if (!button) return;
    button.dataset.on = String(liked);
    button.textContent = liked ? label("labelLiked") : label("labelLike");
    let count = item.querySelector(".like-count");
    if (!count) {
      count = document.createElement("span");
      count.className = "like-count";
      button.after(count);
    }
    count.textContent = !likes ? "" : likes === 1 ? label("likesOne") : fill(label("likesMany"), { n: likes });
  }

  function setNote(item, text) {
    const link = item.querySelector("a[data-action=note]");
    let shown = item.querySelector(".my-note");
    if (!text) {
      if (shown) shown.remove();
    } else {
      if (!shown) {
        shown = document.createElement("div");
        shown.className = "my-note";
        const title = document.createElement("strong");
        title.textContent = label("myNote") + " ";
        const body = document.createElement("span");
        body.className = "my-note-text";
        shown.append(title, body);
        item.querySelector(".engage").after(shown);
      }
      shown.querySelector(".my-note-text").textContent = text;
    }
    if (link) link.textContent = text ? label("noteEdit") : label("noteAdd");
    item.dataset.note = text || "";
  }

  function setComments(item, n) {
    const link = item.querySelector("a[data-action=discuss]");
    if (link && n) link.textContent = n === 1 ? label("commentsOne") : fill(label("commentsMany"), { n });
  }

  function applyState(state) {
    const done = new Set(state.done.map(String));
    const liked = new Set(state.liked.map(String));
    items().forEach((item) => {
      const id = item.dataset.citationId;
      if (!state.can_take_part) {
        item.querySelectorAll("button[data-action], a[data-action=note]").forEach((el) => { el.hidden = true; });
      }
      setDone(item, done.has(id));
      setLiked(item, liked.has(id), state.likes[id] || 0);
      setNote(item, state.notes[id] || "");
      setComments(item, state.comments[id] || 0);
    });
    const listLink = document.getElementById("list-discussion-link");
    if (listLink && state.list_comments) {
      listLink.textContent += " (" + state.list_comments + ")";
    }
    document.body.dataset.readerState = "ready";
    applyFilters();
  }

  async function loadState() {
    const response = await fetch(tools.dataset.stateUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (response.ok) applyState(await response.json());
  }

  // --- Actions -------------------------------------------------------------------------------

  async function onEngage(event) {
    // Every item's buttons submit the one shared form (form="engage"), each to its own formaction.
    const form = event.target;
    const button = event.submitter;
    const item = button && button.closest("li.citation");
    if (form.id !== "engage" || !item || !button.dataset.action) return;
    event.preventDefault();
    // The label says what a press does next, so the state is not also given as aria-pressed.
    const on = button.dataset.on !== "true";
    const url = button.getAttribute("formaction") || form.getAttribute("action");
    button.disabled = true;
    try {
      if (button.dataset.action === "done") {
        const result = await post(url, form, { done: on ? "1" : "0" });
        setDone(item, result.done);
        announce(result.done ? label("announceDone") : label("announceUndone"));
        applyFilters();
      } else {
        const result = await post(url, form, { liked: on ? "1" : "0" });
        setLiked(item, result.liked, result.likes);
        announce(result.liked ? label("announceLiked") : label("announceUnliked"));
      }
      button.focus();
    } catch (error) {
      announce(error.message);
    } finally {
      button.disabled = false;
    }
  }

  function openNoteEditor(link) {
    const item = link.closest("li.citation");
    const existing = item.querySelector("form.note-editor");
    if (existing) {
      existing.querySelector("textarea").focus();
      return;
    }
    const template = document.getElementById("note-editor");
    const editor = template.content.firstElementChild.cloneNode(true);
    const id = "note-" + item.dataset.citationId;
    editor.querySelector("label").htmlFor = id;
    const textarea = editor.querySelector("textarea");
    textarea.id = id;
    textarea.value = item.dataset.note || "";
    editor.action = link.href;
    const close = () => { editor.remove(); link.focus(); };
    editor.querySelector("[data-cancel]").addEventListener("click", close);
    editor.addEventListener("keydown", (event) => { if (event.key === "Escape") close(); });
    editor.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const result = await post(link.href, editor, { text: textarea.value });
        setNote(item, result.note);
        close();
        announce(result.note ? label("noteSaved") : label("noteDeleted"));
      } catch (error) {
        announce(error.message);
      }
    });
    item.querySelector(".engage").after(editor);
    textarea.focus();
  }

  // --- Filters -------------------------------------------------------------------------------

  const fields = {
    q: () => document.getElementById("filter-q"),
    tag: () => document.getElementById("filter-tag"),
    done: () => document.getElementById("filter-done"),
  };

  function tagsOf(element) {
    return (element.dataset.tags || "").split(" ").filter(Boolean);
  }

  function buildTagOptions() {
    const names = new Map();
    document.querySelectorAll("[data-tags]").forEach((element) => {
      const badges = element.matches("section")
        ? element.querySelectorAll(":scope > .tags .tag")
        : element.querySelectorAll(".citation-head .tag");
      tagsOf(element).forEach((code, i) => {
        if (!names.has(code) && badges[i]) names.set(code, badges[i].textContent.trim());
      });
    });
    const select = fields.tag();
    names.forEach((name, code) => select.add(new Option(name, code)));
    if (!names.size) select.closest(".field").hidden = true;
  }

  function searchText(item) {
    if (!item.dataset.search) {
      const parts = item.querySelectorAll(".ref, .note, .citation-head, .links, .due");
      item.dataset.search = Array.from(parts, (p) => p.textContent).join(" ").toLowerCase();
    }
    return item.dataset.search + " " + (item.dataset.note || "").toLowerCase();
  }

  function applyFilters() {
    if (!tools) return;
    const words = fields.q().value.toLowerCase().split(/\s+/).filter(Boolean);
    const tag = fields.tag().value;
    const done = fields.done().value;
    const filtering = words.length || tag || done;
    const all = items();
    let shown = 0;
    all.forEach((item) => {
      const section = item.closest("section");
      const text = searchText(item);
      const match =
        words.every((w) => text.includes(w)) &&
        (!tag || tagsOf(item).includes(tag) || (section && tagsOf(section).includes(tag))) &&
        (!done || (done === "done") === item.classList.contains("is-done"));
      item.hidden = !match;
      if (match) shown += 1;
    });
    document.querySelectorAll("section.section").forEach((section) => {
      const list = section.querySelector("ol.citations");
      section.hidden = Boolean(filtering && list && !list.querySelector("li.citation:not([hidden])"));
      if (!list) section.hidden = Boolean(filtering);
    });
    const status = document.getElementById("filter-status");
    status.textContent = filtering ? fill(label("shown"), { shown, total: all.length }) : "";
  }

  // --- Discussion page -----------------------------------------------------------------------

  function enhanceDiscussion() {
    const form = document.querySelector("form[data-enhance=comment]");
    if (!form) return;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const textarea = form.querySelector("textarea");
      const status = document.querySelector("[data-status]");
      try {
        const result = await post(form.action, form, { body: textarea.value });
        const list = document.getElementById("comments");
        const empty = list.querySelector(".empty-state");
        if (empty) empty.remove();
        list.insertAdjacentHTML("beforeend", result.html);
        textarea.value = "";
        status.textContent = form.dataset.posted || "";
        textarea.focus();
      } catch (error) {
        status.textContent = error.message;
      }
    });
  }

  document.addEventListener("submit", (event) => {
    const message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // Hide, show again and delete a comment in place; the reply says what the comment is now.
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    const comment = form.closest && form.closest("li.comment");
    if (event.defaultPrevented || !comment || !form.closest(".comment-actions")) return;
    event.preventDefault();
    const status = document.querySelector("[data-status]");
    const data = {};
    new FormData(form).forEach((value, key) => {
      if (key !== "csrfmiddlewaretoken") data[key] = value;
    });
    try {
      const result = await post(form.action, form, data);
      if (result.deleted) {
        const next = comment.nextElementSibling || comment.previousElementSibling;
        comment.remove();
        if (status) status.textContent = form.dataset.done || "";
        const target = next ? next.querySelector("button") : document.getElementById("comment-body");
        if (target) target.focus();
      } else if (result.html) {
        comment.insertAdjacentHTML("afterend", result.html);
        comment.remove();
        const replaced = document.getElementById("comment-" + result.comment);
        const button = replaced && replaced.querySelector(".comment-actions button");
        if (button) button.focus();
      }
    } catch (error) {
      if (status) status.textContent = error.message;
    }
  });

  if (tools) {
    tools.hidden = false;
    buildTagOptions();
    document.addEventListener("submit", onEngage);
    document.addEventListener("click", (event) => {
      const link = event.target.closest("a[data-action=note]");
      if (link && document.body.dataset.readerState === "ready") {
        event.preventDefault();
        openNoteEditor(link);
      }
    });
    tools.querySelector("form.filters").addEventListener("submit", (event) => event.preventDefault());
    ["input", "change"].forEach((type) => tools.addEventListener(type, applyFilters));
    loadState().catch(() => {});
  }
  enhanceDiscussion();
})();
