// The attendance grid (出席簿): keyboard first, one click or key per mark, htmx without reloads.
// Arrow keys move between days and pupils; 1–4 and 0 set a mark (the pens), Enter opens the
// detail form of the focused day; a click applies the chosen pen. Works with the strict CSP.
(() => {
  const grid = document.getElementById("att-grid");
  if (!grid) return;
  const dialog = document.getElementById("att-dialog");
  const dialogBody = document.getElementById("att-dialog-body");
  const penForm = document.getElementById("pen-form");
  const editable = grid.dataset.editable === "true";
  const KEYS = { "1": "illness", "2": "accident", "3": "late", "4": "early", "0": "present",
    "Delete": "present", "Backspace": "present" };
  let focusKey = null;

  const buttons = () => Array.from(grid.querySelectorAll("button.att-btn"));
  const keyOf = (b) => `${b.dataset.student}:${b.dataset.date}`;
  const find = (key) => buttons().find((b) => keyOf(b) === key) || null;

  const focus = (button) => {
    if (!button) return;
    buttons().forEach((b) => { b.tabIndex = -1; });
    button.tabIndex = 0;
    button.focus();
    focusKey = keyOf(button);
  };

  // The first focusable cell: today's of the first pupil, else the first.
  const start = grid.querySelector("td.is-today button.att-btn") || buttons()[0];
  if (start) start.tabIndex = 0;

  const pen = () => {
    const checked = penForm ? penForm.querySelector("input[name=pen]:checked") : null;
    return checked ? checked.value : "detail";
  };

  const setPen = (value) => {
    const input = penForm ? penForm.querySelector(`input[name=pen][value="${value}"]`) : null;
    if (input) input.checked = true;
  };

  const openDetail = (button) => {
    if (!dialog || !window.htmx) return;
    focusKey = keyOf(button);
    const url = `${grid.dataset.cellUrl}?student=${encodeURIComponent(button.dataset.student)}&date=${encodeURIComponent(button.dataset.date)}`;
    window.htmx.ajax("GET", url, { target: "#att-dialog-body", swap: "innerHTML" }).then(() => {
      dialog.showModal();
      const first = dialogBody.querySelector("select, input:not([type=hidden]), textarea");
      if (first) first.focus();
    });
  };

  // A click with the 詳細 pen opens the form instead of posting (capture: before htmx).
  grid.addEventListener("click", (event) => {
    const button = event.target.closest("button.att-btn");
    if (!button) return;
    focus(button);
    if (!editable || pen() === "detail") {
      event.preventDefault();
      event.stopImmediatePropagation();
      openDetail(button);
    }
  }, true);

  grid.addEventListener("keydown", (event) => {
    const button = event.target.closest("button.att-btn");
    if (!button) return;
    const row = button.closest("tr");
    const rowButtons = Array.from(row.querySelectorAll("button.att-btn"));
    const index = rowButtons.indexOf(button);
    const move = (target) => { if (target) { event.preventDefault(); focus(target); } };
    const sameDay = (tr) => tr ? tr.querySelector(`button.att-btn[data-date="${button.dataset.date}"]`) : null;
    switch (event.key) {
      case "ArrowRight": return move(rowButtons[index + 1]);
      case "ArrowLeft": return move(rowButtons[index - 1]);
      case "ArrowDown": {
        let tr = row.nextElementSibling;
        while (tr && !sameDay(tr)) tr = tr.nextElementSibling;
        return move(sameDay(tr));
      }
      case "ArrowUp": {
        let tr = row.previousElementSibling;
        while (tr && !sameDay(tr)) tr = tr.previousElementSibling;
        return move(sameDay(tr));
      }
      case "Home": return move(rowButtons[0]);
      case "End": return move(rowButtons[rowButtons.length - 1]);
      case "Enter":
      case " ":
        event.preventDefault();
        return openDetail(button);
      default:
        if (editable && KEYS[event.key]) {
          event.preventDefault();
          const previous = pen();
          setPen(KEYS[event.key]);
          focusKey = keyOf(button);
          window.htmx.trigger(button, "click");
          setPen(previous);
        }
    }
  });

  // After a row is swapped in, focus the same day again.
  document.body.addEventListener("htmx:afterSwap", () => {
    if (focusKey && (!dialog || !dialog.open)) focus(find(focusKey));
  });
  // The detail form saved (the server says so): its response replaced the row.
  document.body.addEventListener("attendance-saved", () => {
    if (dialog && dialog.open) dialog.close();
  });
  if (dialog) {
    dialog.addEventListener("click", (event) => {
      if (event.target.closest("[data-dialog-close]")) dialog.close();
    });
    dialog.addEventListener("close", () => { if (focusKey) focus(find(focusKey)); });
  }
})();
