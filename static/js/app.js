// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
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
