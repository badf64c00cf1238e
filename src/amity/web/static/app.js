// amity dashboard: suggestions, auto-submitting selects, sortable tables, Vega-Lite charts.
// No inline scripts, no eval: charts run under the page's Content-Security-Policy with
// Vega's expression interpreter (vega-embed's `ast: true`).
"use strict";

function suggestions(input) {
  const list = document.getElementById(input.dataset.suggest);
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) { list.replaceChildren(); return; }
    timer = setTimeout(async () => {
      try {
        const r = await fetch("/api/countries?q=" + encodeURIComponent(q));
        if (!r.ok) return;
        const found = await r.json();
        list.replaceChildren(...found.map((c) => {
          const o = document.createElement("option");
          o.value = c.name;
          o.label = c.iso3 + (c.cow ? " · COW " + c.cow : "");
          o.textContent = o.label;
          return o;
        }));
      } catch (e) { /* suggestions are a convenience */ }
    }, 120);
  });
}

function sortable(table) {
  const heads = table.querySelectorAll("thead th");
  heads.forEach((th, col) => {
    th.tabIndex = 0;
    th.classList.add("sort");
    const run = () => {
      const numeric = th.dataset.type === "num";
      const asc = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      const body = table.tBodies[0];
      const rows = Array.from(body.rows);
      const key = (row) => {
        const cell = row.cells[col];
        const v = cell ? (cell.dataset.v !== undefined ? cell.dataset.v : cell.textContent.trim()) : "";
        return numeric ? (v === "" ? null : Number(v)) : v.toLowerCase();
      };
      rows.sort((x, y) => {
        const a = key(x), b = key(y);
        if (a === null && b === null) return 0;
        if (a === null) return 1;   // missing last, whatever the direction
        if (b === null) return -1;
        return (a < b ? -1 : a > b ? 1 : 0) * (asc ? 1 : -1);
      });
      body.append(...rows);
    };
    th.addEventListener("click", run);
    th.addEventListener("keydown", (e) => { if (e.key === "Enter") run(); });
  });
}

async function charts() {
  const boxes = document.querySelectorAll(".vis[data-spec]");
  if (!boxes.length) return;
  if (typeof vegaEmbed === "undefined") {
    boxes.forEach((b) => { b.textContent = "The chart could not be drawn; its values are in the table below."; });
    return;
  }
  for (const box of boxes) {
    const spec = JSON.parse(document.getElementById(box.dataset.spec).textContent);
    try {
      await vegaEmbed(box, spec, {
        ast: true, actions: false, renderer: "svg", defaultStyle: false,
        tooltip: { disableDefaultStyle: true },
      });
      box.dataset.rendered = "true";
    } catch (e) {
      box.textContent = "The chart could not be drawn (" + e.message + "); its values are in the table below.";
      box.dataset.rendered = "error";
    }
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-suggest]").forEach(suggestions);
  document.querySelectorAll("select[data-autosubmit]").forEach((s) => {
    s.addEventListener("change", () => s.form.submit());
  });
  document.querySelectorAll("table.sortable").forEach(sortable);
  charts();
});
