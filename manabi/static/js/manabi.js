// manabi: small behaviours that work with the strict CSP (no inline scripts).
// Buttons with data-confirm ask before their form is sent.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const message = button && button.dataset ? button.dataset.confirm : null;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// The header's menus (details elements): one open at a time; Escape or a click outside closes.
const navMenus = () => document.querySelectorAll("details[data-nav-menu]");
document.addEventListener("toggle", (event) => {
  const opened = event.target;
  if (!(opened instanceof HTMLDetailsElement) || !opened.open || !opened.hasAttribute("data-nav-menu")) {
    return;
  }
  navMenus().forEach((menu) => { if (menu !== opened) menu.open = false; });
}, true);
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  navMenus().forEach((menu) => {
    if (menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
});
document.addEventListener("click", (event) => {
  navMenus().forEach((menu) => { if (menu.open && !menu.contains(event.target)) menu.open = false; });
});
