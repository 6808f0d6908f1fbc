/* Buttons marked data-print print the page (no inline handlers: the Content-Security-Policy allows none). */
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
