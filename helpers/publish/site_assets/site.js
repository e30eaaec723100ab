/* Click-to-zoom for charts: a chart opens full size in a dialog (Esc or the button closes it).
 * Charts are stored at twice the size they are shown at, so the zoomed view stays sharp.
 * Every chart is reachable by keyboard: Tab to it, Enter or Space to open. */
(function () {
  "use strict";
  function open(image) {
    var dialog = document.createElement("dialog");
    dialog.className = "chart-zoom";
    dialog.setAttribute("aria-label", "Chart, full size");
    var close = document.createElement("button");
    close.type = "button";
    close.className = "chart-zoom-close";
    close.textContent = "Close (Esc)";
    var big = document.createElement("img");
    big.src = image.currentSrc || image.src;
    big.alt = image.alt;
    dialog.appendChild(close);
    dialog.appendChild(big);
    document.body.appendChild(dialog);
    close.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) { dialog.close(); }
    });
    dialog.addEventListener("close", function () {
      dialog.remove();
      image.focus();
    });
    dialog.showModal();
    close.focus();
  }
  function ready() {
    var images = document.querySelectorAll("figure.chart img, img.chart-image");
    images.forEach(function (image) {
      image.setAttribute("tabindex", "0");
      image.setAttribute("role", "button");
      image.setAttribute("aria-haspopup", "dialog");
      image.title = "Show the chart full size";
      image.addEventListener("click", function () { open(image); });
      image.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          open(image);
        }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
