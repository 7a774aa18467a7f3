// Collaborator search as you type: the plain search form keeps working without it.
(() => {
  "use strict";
  const form = document.querySelector("form[data-collaborator-search]");
  const region = document.getElementById("candidates");
  if (!form || !region) return;
  const input = form.querySelector("input[name=q]");
  const roles = [
    ["edit", region.dataset.labelEdit || "Can edit"],
    ["manage", region.dataset.labelManage || "Can manage"],
    ["owner", region.dataset.labelOwner || "Owner"],
  ];
  let timer = null;
  let latest = 0;

  function option(value, label) {
    const el = document.createElement("option");
    el.value = value;
    el.textContent = label;
    return el;
  }

  function row(person) {
    const li = document.createElement("li");
    const add = document.createElement("form");
    add.method = "post";
    add.action = region.dataset.addUrl;
    add.className = "row compact";
    const csrf = document.createElement("input");
    csrf.type = "hidden";
    csrf.name = "csrfmiddlewaretoken";
    csrf.value = region.dataset.csrf;
    const user = document.createElement("input");
    user.type = "hidden";
    user.name = "user";
    user.value = person.id;
    const who = document.createElement("span");
    who.className = "who-name";
    who.textContent = person.name + " ";
    const email = document.createElement("span");
    email.className = "muted";
    email.textContent = person.email;
    who.append(email);
    const label = document.createElement("label");
    label.className = "sr-only";
    label.htmlFor = "add-role-" + person.id;
    label.textContent = (region.dataset.labelRights || "Rights for") + " " + person.name;
    const select = document.createElement("select");
    select.name = "role";
    select.id = "add-role-" + person.id;
    roles.forEach(([value, text]) => select.append(option(value, text)));
    const button = document.createElement("button");
    button.type = "submit";
    button.textContent = region.dataset.labelAdd || "Add";
    const hint = document.createElement("span");
    hint.className = "sr-only";
    hint.textContent = " " + person.name;
    button.append(hint);
    add.append(csrf, user, who, label, select, button);
    li.append(add);
    return li;
  }

  async function search() {
    const query = input.value.trim();
    const ticket = ++latest;
    if (query.length < 2) {
      region.replaceChildren();
      return;
    }
    const url = form.dataset.collaboratorSearch + "?q=" + encodeURIComponent(query);
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok || ticket !== latest) return;
      const data = await response.json();
      if (ticket !== latest) return;
      if (!data.results.length) {
        const none = document.createElement("p");
        none.className = "muted";
        none.textContent = region.dataset.labelNone || "Nobody matches.";
        region.replaceChildren(none);
        return;
      }
      const list = document.createElement("ul");
      list.className = "candidates";
      data.results.forEach((person) => list.append(row(person)));
      region.replaceChildren(list);
    } catch (error) {
      // Offline or the server refused: the Search button still works.
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
})();
