/* Clientside code of the PESEM dashboard (a plain asset, so the Content-Security-Policy needs
   no hash or 'unsafe-inline' for it).

   PNG downloads are rendered by the server (web/slides.py): "Descargar PNG" on a chart card
   (components/graph.py, a[data-png-chart]) and "Descargar todos los gráficos" above the page
   (a[data-zip-page]). When one is clicked, its link gets the page path and the page's query as
   they are now in the address bar (e.g. the explorer's filters and the COVID page's view,
   written without the pages router knowing), so the server draws the charts the reader sees.

   Static charts (components/graph.py, web/chart_images.py): a chart card may show the server's
   picture of the chart and an "Interactuar" button. Pressing it runs the clientside callback
   below (dash_clientside.pesem_charts.interactive), which fetches the figure and puts the
   dcc.Graph in the picture's place: plotly.js loads then, not with the page. On a large screen
   the button is pressed for the reader when the chart scrolls into view; a picture that fails
   to load is replaced the same way (never an empty frame). */
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

  /* ------------------------------------------------------------------ static charts */

  var LARGE_SCREEN = "(min-width: 992px)"; /* Bootstrap's lg */
  var STATIC = ".chart-static";
  var OBSERVED = "data-chart-observed";

  function noUpdate() {
    return window.dash_clientside.no_update;
  }

  function interactive(clicks, source) {
    if (!clicks || !source || !source.src) {
      return [noUpdate(), noUpdate()];
    }
    return fetch(source.src, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (figure) {
        var graph = {
          namespace: "dash_core_components",
          type: "Graph",
          props: {
            id: source.id,
            figure: figure,
            config: source.config,
            className: source.className
          }
        };
        return [graph, true];
      })
      .catch(function () {
        return [noUpdate(), false]; /* the picture stays, the button too */
      });
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.pesem_charts = { interactive: interactive };

  function activate(slot) {
    var card = slot.closest(".chart-card") || slot.parentNode;
    var button = card && card.querySelector("[data-chart-activate]");
    if (button && !button.hidden && !button.disabled) {
      button.click();
    }
  }

  var large = window.matchMedia ? window.matchMedia(LARGE_SCREEN) : null;
  var inView = "IntersectionObserver" in window
    ? new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting && large && large.matches) {
          inView.unobserve(entry.target);
          activate(entry.target);
        }
      });
    }, { rootMargin: "0px 0px 200px 0px" })
    : null;

  function observeNewCharts() {
    if (!inView) {
      return;
    }
    var slots = document.querySelectorAll(STATIC + ":not([" + OBSERVED + "])");
    for (var i = 0; i < slots.length; i += 1) {
      slots[i].setAttribute(OBSERVED, "");
      inView.observe(slots[i]);
    }
  }

  function pictureFailed(event) {
    var target = event.target;
    if (target && target.tagName === "IMG" && target.closest) {
      var slot = target.closest(STATIC);
      if (slot) {
        activate(slot);
      }
    }
  }

  document.addEventListener("error", pictureFailed, true);

  /* Only a large screen watches for charts coming into view (a phone loads none by itself):
     the observer starts when the screen is, or becomes, large. */
  var watching = null;

  function watchCharts() {
    if (watching || !inView || !large || !large.matches) {
      return;
    }
    watching = new MutationObserver(observeNewCharts);
    watching.observe(document.documentElement, { childList: true, subtree: true });
    observeNewCharts();
  }

  watchCharts();
  if (large && large.addEventListener) {
    large.addEventListener("change", watchCharts);
  }
})();
