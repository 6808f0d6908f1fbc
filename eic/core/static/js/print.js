// A button marked data-print prints the page (the print style sheet leaves out the menus and buttons).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
