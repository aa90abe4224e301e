// Public pages: the filter forms apply as soon as a choice changes (the button stays for
// keyboards and readers without JavaScript).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-autosubmit] select").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });
});
