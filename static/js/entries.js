// The entry form: show the propaganda fields only for propaganda criteria, and let the
// reporter mark each chosen file public. The form works without this file.
document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("criteria-data");
  const select = document.querySelector("select[name=criterion]");
  const fields = document.querySelector("[data-propaganda-fields]");
  if (data && select && fields) {
    const criteria = JSON.parse(data.textContent);
    const sync = () => {
      const chosen = criteria[select.value];
      // A disabled fieldset sends nothing, so a phase chosen earlier cannot trip the rules.
      fields.hidden = !(chosen && chosen.propaganda);
      fields.disabled = fields.hidden;
    };
    select.addEventListener("change", sync);
    sync();
  }

  const input = document.querySelector("input[type=file][name=files]");
  const list = document.querySelector("[data-chosen-files]");
  if (input && list) {
    input.addEventListener("change", () => {
      list.replaceChildren();
      Array.from(input.files).forEach((file, index) => {
        const item = document.createElement("li");
        const label = document.createElement("label");
        label.className = "check";
        const box = document.createElement("input");
        box.type = "checkbox";
        box.name = "public_files";
        box.value = String(index);
        label.append(box, ` ${list.dataset.publicLabel}`);
        item.append(`${file.name} (${Math.ceil(file.size / 1024)} KB) `, label);
        list.append(item);
      });
    });
  }
});
