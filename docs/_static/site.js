// Small behaviours the theme lacks.
(function () {
  "use strict";
  // The drawer (☰) and table-of-contents checkboxes (focusable on narrow screens, site.css):
  // Enter toggles them too, as it would a button.
  document.querySelectorAll("input.sidebar-toggle").forEach(function (box) {
    box.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      box.click();
    });
  });
  // Tables: each cell knows its column's name, which a phone shows beside it (site.css).
  document.querySelectorAll("article table.docutils").forEach(function (table) {
    var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        if (cell.tagName === "TD" && names[i]) cell.setAttribute("data-label", names[i]);
      });
    });
  });
  // A diagram that scrolls sideways on a phone can be scrolled with the keyboard too.
  document.querySelectorAll('article p > img[src$=".svg"]').forEach(function (img) {
    var box = img.parentElement;
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", img.getAttribute("alt") || "");
  });
})();

// Search results from the glossary: the summary under a term shows its wordings and its
// definition, not the term alone.
(function () {
  "use strict";
  if (typeof Search === "undefined" || !Search.htmlToText) return;
  var plain = Search.htmlToText;
  Search.htmlToText = function (htmlString, anchor) {
    if (!anchor || anchor.indexOf("#term-") !== 0) return plain(htmlString, anchor);
    var doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(".headerlink").forEach(function (el) { el.remove(); });
    var term = doc.querySelector('[role="main"] ' + anchor.replace(/([^\w#-])/g, "\\$1"));
    if (!term) return plain(htmlString, anchor);
    while (term.previousElementSibling && term.previousElementSibling.tagName === "DT") {
      term = term.previousElementSibling;
    }
    var words = [], node = term;
    for (; node && node.tagName === "DT"; node = node.nextElementSibling) words.push(node.textContent.trim());
    return words.join(" · ") + " — " + (node ? node.textContent.trim() : "");
  };
})();
