/* Clientside callbacks of the PESEM dashboard (referenced by ClientsideFunction, so the
   Content-Security-Policy needs no hash or 'unsafe-inline' for them). */
(function () {
  "use strict";

  var PNG_DEFAULTS = { format: "png", width: 1600, height: 900, scale: 2 };

  function downloadPng() {
    var dc = window.dash_clientside;
    var ctx = dc && dc.callback_context;
    var triggered = (ctx && ctx.triggered) || [];
    triggered.forEach(function (item) {
      if (!item || !item.value || typeof item.prop_id !== "string") {
        return;
      }
      var cut = item.prop_id.lastIndexOf(".");
      if (cut < 0 || item.prop_id.slice(cut + 1) !== "n_clicks") {
        return;
      }
      var button = document.getElementById(item.prop_id.slice(0, cut));
      var card = button && button.closest(".chart-card");
      var plot = card && card.querySelector(".js-plotly-plot");
      if (!plot || !window.Plotly) {
        return;
      }
      var configured = (plot._context && plot._context.toImageButtonOptions) || {};
      var options = Object.assign({}, PNG_DEFAULTS, {
        filename: button.getAttribute("data-filename") || configured.filename || "grafico",
      });
      window.Plotly.downloadImage(plot, options);
    });
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.pesem = Object.assign({}, window.dash_clientside.pesem, {
    downloadPng: downloadPng,
  });
})();
