/* Click-to-zoom for charts: a chart opens full size in a dialog (Esc or the button closes it).
 * Charts are stored at twice the size they are shown at, so the zoomed view stays sharp.
 * Sphinx wraps each chart in a link to its image file (the fallback without scripts);
 * that link is what the keyboard reaches: Tab to it, Enter to open. */
(function () {
  "use strict";
  function open(image, trigger) {
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
    big.title = "Click for full size; click again to fit the window";
    big.addEventListener("click", function () { big.classList.toggle("full-size"); });
    dialog.appendChild(close);
    dialog.appendChild(big);
    document.body.appendChild(dialog);
    close.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) { dialog.close(); }
    });
    dialog.addEventListener("close", function () {
      dialog.remove();
      trigger.focus();
    });
    dialog.showModal();
    close.focus();
  }
  function ready() {
    document.querySelectorAll("figure.chart img, img.chart-image").forEach(function (image) {
      var link = image.closest("a");
      var trigger = link || image;
      if (!link) {
        image.setAttribute("tabindex", "0");
        image.setAttribute("role", "button");
      }
      trigger.setAttribute("aria-haspopup", "dialog");
      trigger.title = "Show the chart full size";
      trigger.addEventListener("click", function (event) {
        event.preventDefault();
        open(image, trigger);
      });
      trigger.addEventListener("keydown", function (event) {
        if (!link && (event.key === "Enter" || event.key === " ")) {
          event.preventDefault();
          open(image, trigger);
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
