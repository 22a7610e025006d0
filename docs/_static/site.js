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
  // Code and output: each line in a box of its own, which knows its indentation, so that a
  // line that wraps on a narrow screen goes on under its own indentation (site.css). The text
  // stays as it was (each box is followed by its newline): copying gives the same code.
  document.querySelectorAll("div.snippet-code pre, div.snippet-output pre").forEach(function (pre) {
    var lines = [document.createElement("span")];
    Array.prototype.slice.call(pre.childNodes).forEach(function (node) {
      var parts = node.textContent.split("\n");
      parts.forEach(function (part, i) {
        if (i > 0) lines.push(document.createElement("span"));
        if (!part) return;
        var piece = node.nodeType === Node.TEXT_NODE ? document.createTextNode(part)
          : node.cloneNode(false);
        if (piece.nodeType !== Node.TEXT_NODE) piece.textContent = part;
        lines[lines.length - 1].appendChild(piece);
      });
    });
    if (lines.length > 1 && !lines[lines.length - 1].hasChildNodes()) lines.pop();
    pre.textContent = "";
    lines.forEach(function (line) {
      line.className = "line";
      var indent = /^ */.exec(line.textContent)[0].length;
      if (indent) line.style.setProperty("--indent", indent + "ch");
      pre.appendChild(line);
      pre.appendChild(document.createTextNode("\n"));
    });
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
