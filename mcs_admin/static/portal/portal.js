// "Back" links go back in the browser's history (a script file: the CSP allows no inline script).
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-back]");
  if (link && history.length > 1) {
    event.preventDefault();
    history.back();
  }
});

// On a narrow screen the menu folds behind its button (portal.css); Escape folds it again.
function showMenu(button, open) {
  button.setAttribute("aria-expanded", String(open));
  document.getElementById(button.getAttribute("aria-controls")).classList.toggle("open", open);
}
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.menu-toggle");
  if (button) showMenu(button, button.getAttribute("aria-expanded") !== "true");
});
document.addEventListener("keydown", (event) => {
  const button = document.querySelector("button.menu-toggle[aria-expanded=true]");
  if (event.key === "Escape" && button) {
    showMenu(button, false);
    button.focus();
  }
});

// A list's rows stack on a phone: each cell is labelled with its column's heading.
for (const table of document.querySelectorAll("main table:not(.chart-numbers)")) {
  if (table.closest(".wide")) continue;
  const headings = [];
  for (const th of table.querySelectorAll("thead tr:last-child th")) {
    for (let i = 0; i < th.colSpan; i++) headings.push(th.textContent.trim());
  }
  for (const row of table.querySelectorAll("tbody tr")) {
    let column = 0;
    for (const cell of row.cells) {
      if (cell.colSpan === 1 && headings[column] && !cell.dataset.label) {
        cell.dataset.label = headings[column];
      }
      column += cell.colSpan;
    }
  }
  table.classList.add("stack");
}
