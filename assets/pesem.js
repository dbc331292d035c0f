/* Clientside code of the PESEM dashboard (a plain asset, so the Content-Security-Policy needs
   no hash or 'unsafe-inline' for it).

   PNG downloads are rendered by the server (web/slides.py): "Descargar PNG" on a chart card
   (components/graph.py, a[data-png-chart]) and "Descargar todos los gráficos" above the page
   (a[data-zip-page]). When one is clicked, its link gets the page path and the page's query as
   they are now in the address bar (e.g. the explorer's filters and the COVID page's view,
   written without the pages router knowing), so the server draws the charts the reader sees. */
(function () {
  "use strict";

  var PAGE_PARAM = "pagina";
  var CHART_PARAM = "grafico";

  function refreshDownloadLink(event) {
    var target = event.target;
    var link = target && target.closest
      ? target.closest("a[data-png-chart], a[data-zip-page]")
      : null;
    if (!link) {
      return;
    }
    var query = new URLSearchParams();
    query.set(PAGE_PARAM, link.getAttribute("data-zip-page") || window.location.pathname);
    var chart = link.getAttribute("data-png-chart");
    if (chart) {
      query.set(CHART_PARAM, chart);
    }
    new URLSearchParams(window.location.search).forEach(function (value, key) {
      if (key !== PAGE_PARAM && key !== CHART_PARAM) {
        query.append(key, value);
      }
    });
    var url = new URL(link.getAttribute("href"), window.location.href);
    link.setAttribute("href", url.pathname + "?" + query.toString());
  }

  document.addEventListener("click", refreshDownloadLink, true);
})();
