// Small progressive enhancements; every page works without this file.

function columnHeadings(table) {
  // The heading of every column, from a grid that follows rowspan and colspan.
  const rows = table.tHead ? Array.from(table.tHead.rows) : [];
  const grid = [];
  rows.forEach((row, r) => {
    grid[r] = grid[r] || [];
    let c = 0;
    Array.from(row.cells).forEach((cell) => {
      while (grid[r][c] !== undefined) c += 1;
      for (let dr = 0; dr < cell.rowSpan; dr += 1) {
        for (let dc = 0; dc < cell.colSpan; dc += 1) {
          grid[r + dr] = grid[r + dr] || [];
          grid[r + dr][c + dc] = cell.textContent.replace(/\s+/g, " ").trim();
        }
      }
      c += cell.colSpan;
    });
  });
  const width = Math.max(0, ...grid.map((row) => row.length));
  const names = [];
  for (let c = 0; c < width; c += 1) {
    const parts = grid.map((row) => row[c]).filter((text, i, all) => text && all.indexOf(text) === i);
    names.push(parts.join(" · "));
  }
  return names;
}

function labelColumns(table) {
  if (table.classList.contains("no-stack") || !table.tHead) return false;
  const names = columnHeadings(table);
  const bodies = [...table.tBodies, ...(table.tFoot ? [table.tFoot] : [])];
  bodies.forEach((body) => Array.from(body.rows).forEach((row) => {
    let c = 0;
    Array.from(row.cells).forEach((cell) => {
      if (!cell.hasAttribute("data-label") && names[c]) cell.dataset.label = names[c];
      c += cell.colSpan;
    });
  }));
  return true;
}

const PHONE = window.matchMedia("(max-width: 600px)");

function asCards(table) {
  // Cards on a phone, and wherever the table would be wider than the box it sits in.
  table.classList.remove("cards");
  const box = table.parentElement;
  if (PHONE.matches || (box && table.scrollWidth > box.clientWidth + 1)) table.classList.add("cards");
}
document.addEventListener("DOMContentLoaded", () => {
  // The compact header of phones: the menu folds behind one button.
  const header = document.querySelector(".site-header");
  const toggle = header && header.querySelector(".menu-toggle");
  if (toggle) {
    header.classList.add("collapsible");
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      const open = header.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
  // Phones: every data table becomes a pile of cards (static/css/app.css, table.stack);
  // each cell is labelled with its column's heading (both rows of a two-row heading).
  const tables = Array.from(document.querySelectorAll("main table")).filter(labelColumns);
  const fit = () => tables.forEach(asCards);
  fit();
  window.addEventListener("resize", fit);
  document.querySelectorAll("main details").forEach((d) => d.addEventListener("toggle", fit));

  // "Select all" checkboxes for bulk actions: <input type="checkbox" data-select-all="name">
  document.querySelectorAll("[data-select-all]").forEach((box) => {
    box.addEventListener("change", () => {
      document
        .querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]`)
        .forEach((item) => { item.checked = box.checked; });
    });
  });
  // Buttons that ask before a destructive action: <button data-confirm="...">
  document.querySelectorAll("[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });
});
