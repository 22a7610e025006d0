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
