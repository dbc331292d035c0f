/* Clientside code of the PESEM dashboard (a plain asset, so the Content-Security-Policy needs
   no hash or 'unsafe-inline' for it).

   PNG downloads are rendered by the server (web/slides.py): "Descargar PNG" on a chart card
   (components/graph.py, a[data-png-chart]) and "Descargar todos los gráficos" above the page
   (a[data-zip-page]). When one is clicked, its link gets the page path and the page's query as
   they are now in the address bar (e.g. the explorer's filters and the COVID page's view,
   written without the pages router knowing), so the server draws the charts the reader sees.

   Static charts (components/graph.py, web/chart_images.py): a chart card may show the server's
   picture of the chart and an "Interactuar" button. Pressing it fetches the figure and puts
   the dcc.Graph in the picture's place (showInteractive): plotly.js loads then, not with the
   page. On a large screen
   the button is pressed for the reader when the chart scrolls into view (after a first scroll); a picture that fails
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

  /* "Interactuar": the figure's JSON from the server, then a dcc.Graph in the picture's place
     through Dash's public dash_clientside.set_props (no callback: a pattern-matching one made
     the renderer slower on every page update). */
  function showInteractive(button) {
    var slot = document.getElementById(button.getAttribute("data-chart-activate"));
    if (!slot || button.hidden || button.disabled || !window.dash_clientside ||
        !window.dash_clientside.set_props) {
      return;
    }
    var spec = JSON.parse(slot.getAttribute("data-graph") || "{}");
    button.disabled = true;
    fetch(slot.getAttribute("data-figure-src"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (figure) {
        window.dash_clientside.set_props(slot.id, {
          children: {
            namespace: "dash_core_components",
            type: "Graph",
            props: {
              id: spec.id,
              figure: figure,
              config: spec.config,
              className: spec.className
            }
          }
        });
        slot.classList.remove("chart-static");
        button.hidden = true;
      })
      .catch(function () {
        button.disabled = false; /* the picture stays; the reader may try again */
      });
  }

  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest
      ? event.target.closest("button[data-chart-activate]")
      : null;
    if (button) {
      showInteractive(button);
    }
  });

  function activate(slot) {
    var button = document.querySelector('button[data-chart-activate="' + slot.id + '"]');
    if (button) {
      showInteractive(button);
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

  /* Only a large screen watches for charts coming into view (a phone loads none by itself),
     and only once the reader scrolls: the charts of the first screen stay pictures until then
     (measured in bench/: loading plotly.js for them at once cost a computer's first visit
     Lighthouse points), and "Interactuar" is there for them. */
  var watching = null;
  var scrolled = false;

  function watchCharts() {
    if (watching || !scrolled || !inView || !large || !large.matches) {
      return;
    }
    watching = new MutationObserver(observeNewCharts);
    watching.observe(document.documentElement, { childList: true, subtree: true });
    observeNewCharts();
  }

  window.addEventListener("scroll", function () {
    scrolled = true;
    watchCharts();
  }, { passive: true, once: true });
  if (large && large.addEventListener) {
    large.addEventListener("change", watchCharts);
  }
})();
