// Small progressive enhancements; every page works without this file.
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
