// dti — small progressive enhancements shared by every page. The pages work
// without it; it only adds sorting, printing and confirmations.
(function () {
  "use strict";

  // Sortable tables: headers with data-sort get a button; rows sort by the
  // cell's data-sort-value (or its text), numbers numerically.
  function enhanceTable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      var kind = th.getAttribute("data-sort");
      if (!kind) { return; }
      var btn = document.createElement("button");
      btn.type = "button";
      while (th.firstChild) { btn.appendChild(th.firstChild); }
      th.appendChild(btn);
      btn.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        sortBody(table.tBodies[0], col, kind, asc);
      });
    });
  }

  function cellKey(row, col, kind) {
    var cell = row.cells[col];
    if (!cell) { return kind === "num" ? 0 : ""; }
    var v = cell.hasAttribute("data-sort-value") ? cell.getAttribute("data-sort-value") : cell.textContent.trim();
    if (kind === "num") {
      var n = parseFloat(v);
      return isNaN(n) ? Number.NEGATIVE_INFINITY : n;
    }
    return v;
  }

  function sortBody(tbody, col, kind, asc) {
    var rows = Array.prototype.slice.call(tbody.rows);
    var collator = new Intl.Collator(document.documentElement.lang || "vi");
    rows.sort(function (a, b) {
      var x = cellKey(a, col, kind), y = cellKey(b, col, kind);
      var c = kind === "num" ? (x < y ? -1 : x > y ? 1 : 0) : collator.compare(x, y);
      return asc ? c : -c;
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), enhanceTable);
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm]"), function (f) {
      f.addEventListener("submit", function (e) {
        if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
      });
    });
  });
})();
