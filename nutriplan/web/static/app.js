// nutriplan's web page: a little plain JavaScript, no framework, nothing loaded from a network.
document.addEventListener("click", (event) => {
  // "Print": print the plan's report (the framed, self-contained HTML report) or this page.
  const button = event.target.closest("[data-print-frame]");
  if (!button) return;
  const frame = document.getElementById(button.dataset.printFrame);
  if (frame && frame.contentWindow) {
    frame.contentWindow.focus();
    frame.contentWindow.print();
  } else {
    window.print();
  }
});
document.addEventListener("submit", (event) => {
  // Forms that destroy a record ask first.
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
