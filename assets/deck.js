/* "Descargar presentación" (web/slides.py, a[data-deck]): the server needs a few seconds to
   build a deck, so the link is fetched here instead of followed. Meanwhile it says
   "Preparando…" (aria-busy, and the bar's live region for screen readers); the file then
   arrives as a normal download (a blob saved under the server's file name), or the server's
   Spanish error is shown. Without fetch the plain link still downloads the deck.
   Listens in the bubble phase: assets/pesem.js (capture phase) has already put the address
   bar's query into the link. */
(function () {
  "use strict";

  var PREPARING = "Preparando la presentación…";
  var DONE = "Presentación descargada.";
  var FAILED = "No se pudo preparar la presentación. Intente de nuevo.";

  function statusOf(link) {
    var bar = link.closest(".png-zip");
    return bar ? bar.querySelector(".deck-status") : null;
  }

  function say(link, text) {
    var status = statusOf(link);
    if (status) {
      status.textContent = text;
    }
  }

  function fileName(response, fallback) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename="?([^";]+)"?/i.exec(header);
    return match ? match[1] : fallback;
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = name;
    anchor.hidden = true;
    document.body.appendChild(anchor);
    anchor.click();
    anchor.remove();
    window.setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 60000);
  }

  function setBusy(link, busy, label) {
    link.setAttribute("aria-busy", busy ? "true" : "false");
    link.setAttribute("aria-disabled", busy ? "true" : "false");
    link.classList.toggle("disabled", busy);
    link.textContent = label;
  }

  function download(link) {
    var label = link.textContent;
    setBusy(link, true, link.getAttribute("data-busy-label") || "Preparando…");
    say(link, PREPARING);
    return fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          return response.text().then(function (text) {
            throw new Error(text.trim() || FAILED);
          });
        }
        return response.blob().then(function (blob) {
          save(blob, fileName(response, link.getAttribute("download") || "presentacion.pptx"));
          say(link, DONE);
        });
      })
      .catch(function (error) {
        say(link, (error && error.message) || FAILED);
      })
      .then(function () {
        setBusy(link, false, label);
      });
  }

  function onClick(event) {
    var target = event.target;
    var link = target && target.closest ? target.closest("a[data-deck]") : null;
    if (!link || !window.fetch || !window.URL || !URL.createObjectURL) {
      return;
    }
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return; // "open in a new tab" and the like: the plain link
    }
    event.preventDefault();
    if (link.getAttribute("aria-busy") !== "true") {
      download(link);
    }
  }

  document.addEventListener("click", onClick);
})();
