// "Back" links go back in the browser's history (a script file: the CSP allows no inline script).
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-back]");
  if (link && history.length > 1) {
    event.preventDefault();
    history.back();
  }
});
