// One button per page that opens or closes every "Calls made" panel (docs/_ext/snippetexec).
document.addEventListener("DOMContentLoaded", () => {
  const panels = [...document.querySelectorAll("details.snippet-calls")];
  if (panels.length === 0) return;
  const heading = document.querySelector("article h1");
  if (!heading) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "snippet-calls-all";
  const label = () => {
    const open = panels.every((panel) => panel.open);
    button.textContent = open ? panels[0].dataset.hideAll : panels[0].dataset.showAll;
    button.setAttribute("aria-pressed", String(open));
  };
  button.addEventListener("click", () => {
    const open = !panels.every((panel) => panel.open);
    panels.forEach((panel) => { panel.open = open; });
    label();
  });
  panels.forEach((panel) => panel.addEventListener("toggle", label));
  label();
  heading.after(button);
});

// A panel's rows are in the page's calls script (_calls/<page>.js, written by the build beside
// the page), loaded when a panel is first opened: one script per page, a script and not JSON so
// that it loads from file:// too. Per snippet: the note on where the calls come from, the rows
// ([process, pid, call, library file, [syscalls]]) and the count of rows left out.
(() => {
  let loading = null;
  const load = (src) => loading || (loading = new Promise((resolve, reject) => {
    window.snippetCallsLoaded = resolve;
    const script = document.createElement("script");
    script.src = src;
    script.onerror = () => { loading = null; reject(new Error(`cannot load ${src}`)); };
    document.head.appendChild(script);
  }));
  const element = (tag, className, text) => {
    const made = document.createElement(tag);
    made.className = className;
    made.textContent = text;
    return made;
  };
  const fill = (panel, found) => {
    const list = panel.querySelector("ol.snippet-calls-list");
    if (!found || !list || list.childElementCount) return;
    list.before(element("p", "snippet-calls-note", found.note));
    for (const [process, pid, call, madeIn, syscalls] of found.rows) {
      const item = document.createElement("li");
      item.append(element("span", "proc", `[${process} ${pid}]`), " ",
                  element("code", "py", call));
      if (madeIn) item.append(" ", element("span", "made-in", madeIn));
      for (const text of syscalls) item.append(element("code", "sys", text));
      list.append(item);
    }
    if (found.more) list.append(element("li", "more", found.more));
  };
  document.querySelectorAll("details.snippet-calls[data-calls]").forEach((panel) => {
    const show = () => {
      if (!panel.open) return;
      load(panel.dataset.calls).then((all) => fill(panel, all[panel.dataset.snippet]),
                                     (error) => console.warn(error.message));
    };
    panel.addEventListener("toggle", show);
    show();
  });
})();
