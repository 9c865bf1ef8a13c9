// The score grid (素点): type a score, Enter or Tab saves it and the pupil's row comes back with
// the 観点 and 評定 recomputed. ↑/↓ and Enter move between pupils in the same column. A refused
// value stays in its cell with the reason. Plain fetch, no inline script (strict CSP).
(() => {
  const grid = document.getElementById("score-grid");
  if (!grid || grid.dataset.editable !== "true") return;
  const status = document.getElementById("grades-status");
  const url = grid.dataset.cellUrl;
  const term = grid.dataset.term;
  const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");

  const inputs = () => Array.from(grid.querySelectorAll("input.grades-input"));
  const cellOf = (input) => input.dataset.cell;
  const find = (cell) => grid.querySelector(`input.grades-input[data-cell="${cell}"]`);

  const say = (text) => { if (status) status.textContent = text; };

  const neighbour = (input, step) => {
    const column = input.dataset.item;
    const same = inputs().filter((i) => i.dataset.item === column);
    const at = same.indexOf(input);
    return same[at + step] || null;
  };

  // Saves run one after another, in the order the cells were left, so that a quick typist
  // never has two saves of the same row racing each other.
  let queue = Promise.resolve();
  const save = (input) => {
    if (input.value === input.defaultValue && !input.closest("tr").classList.contains("is-invalid")) return;
    const cell = cellOf(input);
    const value = input.value;
    queue = queue.then(() => send(cell, value)).catch(() => {});
  };

  const send = async (cell, value) => {
    const input = find(cell);
    if (!input) return;
    const row = input.closest("tr");
    const [item, student] = cell.split("-");
    const body = new URLSearchParams({ item, student, term, value });
    input.setAttribute("aria-busy", "true");
    say("保存しています…");
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true" },
        body,
        credentials: "same-origin",
      });
    } catch (error) {
      say("保存できませんでした (通信エラー)。入力はそのまま残っています。");
      input.removeAttribute("aria-busy");
      return;
    }
    if (!response.ok) {
      say(`保存できませんでした (${response.status})。入力はそのまま残っています。`);
      input.removeAttribute("aria-busy");
      return;
    }
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.cell : null;
    const html = await response.text();
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const fresh = template.content.firstElementChild;
    if (!fresh) return;
    // Values typed in the row's other cells while this one was saving are carried over.
    row.querySelectorAll("input.grades-input").forEach((old) => {
      if (cellOf(old) === cell || old.value === old.defaultValue) return;
      const twin = fresh.querySelector(`input.grades-input[data-cell="${cellOf(old)}"]`);
      if (twin) twin.value = old.value;
    });
    row.replaceWith(fresh);
    const error = fresh.querySelector(".grades-error");
    say(error ? error.textContent : "保存しました。");
    if (focused) {
      const again = find(focused);
      if (again && document.activeElement !== again) again.focus();
    }
  };

  grid.addEventListener("change", (event) => {
    const input = event.target.closest("input.grades-input");
    if (input) save(input);
  });
  grid.addEventListener("keydown", (event) => {
    const input = event.target.closest("input.grades-input");
    if (!input) return;
    if (event.key === "Enter" || event.key === "ArrowDown") {
      event.preventDefault();
      const next = neighbour(input, 1);
      if (next) { next.focus(); next.select(); } else { input.blur(); input.focus(); save(input); }
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      const previous = neighbour(input, -1);
      if (previous) { previous.focus(); previous.select(); }
    }
  });
})();
