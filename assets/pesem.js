/* All clientside code of the PESEM dashboard, in one plain asset: the Content-Security-Policy
   needs no hash or 'unsafe-inline' for it, and one file is one request. Every asset is another
   request on the way to the first paint; merging five scripts and five stylesheets into
   pesem.js + app.css cut the simulated mobile LCP by ~0.25-0.3 s (same-run Lighthouse A/B).
   Sections: PNG links and static charts (this one), deck, explorer, navbar, plotly's es locale,
   data tables, islands and the end of the first paint.

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

/* ======================================================================== deck */

/* "Descargar presentación" (web/slides.py, a[data-deck]): the server needs a few seconds to
   build a deck, so the link is fetched here instead of followed. Meanwhile it says
   "Preparando…" (aria-busy, and the bar's live region for screen readers); the file then
   arrives as a normal download (a blob saved under the server's file name), or the server's
   Spanish error is shown. Without fetch the plain link still downloads the deck.
   Listens in the bubble phase: the first section (capture phase) has already put the address
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

/* ======================================================================== explorar */

/* Clientside callback of the explorer (/explorar, pages/explorar.py), referenced by
   ClientsideFunction("pesem_explorer", "visibleRows").

   The grid's own column filters run in the browser. What they leave visible is counted here
   and written to the download form's "ids" field, so a download holds exactly the rows on
   screen, without posting every visible row to the server on each keystroke. The count's
   wording continues pages/explorar.py:count_text ("4 indicadores (de 24)"). */
(function () {
  "use strict";

  function hasColumnFilter(filterModel) {
    return Boolean(filterModel) && Object.keys(filterModel).length > 0;
  }

  /* [count suffix, comma-separated visible ids]; both empty without an active column filter
     (a stale virtualRowData is then ignored, as the server does with an empty "ids"). */
  function visibleRows(virtualRows, filterModel, rowData) {
    if (!hasColumnFilter(filterModel) || !Array.isArray(virtualRows)) {
      return ["", ""];
    }
    var ids = virtualRows
      .filter(function (row) { return row && typeof row.indicator_id === "string"; })
      .map(function (row) { return row.indicator_id; });
    var shown = Array.isArray(rowData) ? rowData.length : ids.length;
    var suffix = ids.length === shown
      ? ""
      : " · " + ids.length + " visibles con los filtros de columna de la tabla";
    // No row visible: send a value that matches no indicator, not "" (which means "all").
    return [suffix, ids.length ? ids.join(",") : "-"];
  }

  /* Pinned columns need room: where they would leave the rest under 50 px, AG Grid unpins them
     itself (keepPinnedColumnsNarrowerThanViewport), but only after drawing them pinned, about a
     third of a phone's grid mount (profiled at 4x CPU). There they start unpinned instead, but
     for the first one (the indicator's code) if it takes under 45 % of the grid: a phone
     reader scrolling the values still sees which indicator a row is. */
  var CENTER_MIN_PX = 50;
  var KEPT_SHARE = 0.45;

  function pinnedWidth(columns) {
    return columns.reduce(function (sum, column) {
      var own = column.pinned ? column.width || 0 : 0;
      return sum + own + (column.children ? pinnedWidth(column.children) : 0);
    }, 0);
  }

  function firstPinned(columns) {
    for (var i = 0; i < columns.length; i += 1) {
      var found = columns[i].children ? firstPinned(columns[i].children) : null;
      if (found || columns[i].pinned === "left") {
        return found || columns[i];
      }
    }
    return null;
  }

  function unpinned(columns, kept) {
    return columns.map(function (column) {
      var copy = Object.assign({}, column, { pinned: column === kept ? column.pinned : null });
      if (column.children) {
        copy.children = unpinned(column.children, kept);
      }
      return copy;
    });
  }

  function forWidth(data, width) {
    var columns = data.columnDefs || [];
    if (pinnedWidth(columns) < width - CENTER_MIN_PX) {
      return data;
    }
    var first = firstPinned(columns);
    var kept = first && (first.width || 0) < width * KEPT_SHARE ? first : null;
    return Object.assign({}, data, { columnDefs: unpinned(columns, kept) });
  }

  /* The grid's slot: the grid itself once near the screen (components/explorer.py,
     grid_slot); later filtered data goes to the mounted grid, which keeps its sort, column
     filters and scroll. */
  function grid(near, data, options) {
    var clientside = window.dash_clientside;
    if (!near || !data || !options) {
      return clientside.no_update;
    }
    var slot = document.getElementById(clientside.callback_context.outputs_list.id);
    var fitted = forWidth(data, slot ? slot.clientWidth : window.innerWidth);
    if (document.getElementById(options.props.id)) {
      clientside.set_props(options.props.id, fitted);
      return clientside.no_update;
    }
    return {
      namespace: options.namespace,
      type: options.type,
      props: Object.assign({}, options.props, fitted),
    };
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.pesem_explorer = { visibleRows: visibleRows, grid: grid };
})();

/* ======================================================================== navbar */

/* The navbar (clientside callback declared in app.py): its toggler below the md breakpoint, and
   the active link. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  pesem_navbar: {
    /* The toggler flips the menu; a new address (or the first load) closes it and marks the
       link of its page. */
    update: function (togglerClicks, pathname, expanded, hrefs, menuClass) {
      const ctx = window.dash_clientside.callback_context;
      const fromToggler = ctx.triggered.some(function (t) {
        return t.prop_id === "navbar-toggler.n_clicks";
      });
      const open = fromToggler ? expanded !== "true" : false;
      const here = (pathname || "/").replace(/\/+$/, "") || "/";
      const links = hrefs.map(function (href) {
        return (href.replace(/\/+$/, "") || "/") === here ? "nav-link active" : "nav-link";
      });
      const menu = (menuClass || "").split(/\s+/).filter(function (name) {
        return name && name !== "show";
      }).join(" ");
      return [open ? menu + " show" : menu, open ? "true" : "false", links];
    },
  },
});

/* ======================================================================== plotly-locale-es */

/* plotly.js 4.1.1 dist/plotly-locale-es.js (MIT, Plotly, Inc.), copied from the npm package so that
   the Spanish modebar needs no CDN. Registers the "es" locale used by components/graph.py. */
(function () {
var locale={moduleType:"locale",name:"es",dictionary:{Autoscale:"Autoescalar","Box Select":"Seleccionar Caja","Click to enter Colorscale title":"Introducir el t\xedtulo de la Escala de Color","Click to enter Component A title":"Introducir el t\xedtulo del Componente A","Click to enter Component B title":"Introducir el t\xedtulo del Componente B","Click to enter Component C title":"Introducir el t\xedtulo del Componente C","Click to enter Plot title":"Introducir el t\xedtulo de la Gr\xe1fica","Click to enter Plot subtitle":"Introducir el subt\xedtulo de la Gr\xe1fica","Click to enter X axis title":"Introducir el t\xedtulo del eje X","Click to enter Y axis title":"Introducir el t\xedtulo del eje Y","Click to enter radial axis title":"Introducir el t\xedtulo del eje radial","Compare data on hover":"Comparar datos al pasar por encima","Double-click on legend to isolate one trace":"Haga doble-clic en la leyenda para aislar una traza","Double-click to zoom back out":"Haga doble-clic para restaurar la escala","Download plot as a PNG":"Descargar gr\xe1fica como PNG","Download plot":"Descargar gr\xe1fica","Edit in Chart Studio":"Editar en Chart Studio","IE only supports svg.  Changing format to svg.":"IE solo soporta svg. Cambiando formato a svg.","Lasso Select":"Seleccionar con lazo","Orbital rotation":"Rotaci\xf3n esf\xe9rica",Pan:"Modo Panor\xe1mica","Produced with Plotly.js":"Hecho con Plotly.js",Reset:"Reiniciar","Reset axes":"Reiniciar ejes","Reset camera to default":"Restaurar c\xe1mara predeterminada","Reset camera to last save":"Restaurar anterior c\xe1mara","Reset view":"Restaurar vista","Reset views":"Restaurar vistas","Show closest data on hover":"Mostrar el dato m\xe1s cercano al pasar por encima","Image download succeeded":"La descarga de la imagen finaliz\xf3 correctamente","Sorry, there was a problem downloading your image!":"\xa1La descarga de la imagen fall\xf3!","Preparing image - this may take a few seconds":"Preparando una imagen - podr\xeda tardar unos segundos","Toggle Spike Lines":"Mostrar/Ocultar Gu\xedas","Toggle show closest data on hover":"Activar/Desactivar mostrar el dato m\xe1s cercano al pasar por encima","Turntable rotation":"Rotaci\xf3n plana",Zoom:"Modo Ampliar/Reducir","Zoom in":"Ampliar","Zoom out":"Reducir","close:":"cierre:","high:":"alza:","incoming flow count:":"flujo de entrada:","kde:":"edp:","lat:":"lat:","lon:":"lon:","low:":"baja:","lower fence:":"l\xedmite inferior:","max:":"m\xe1x:","mean \xb1 \u03c3:":"media \xb1 \u03c3:","mean:":"media:","median:":"mediana:","min:":"m\xedn:","new text":"nuevo texto","open:":"apertura:","outgoing flow count:":"flujo de salida:","q1:":"q1:","q3:":"q3:","source:":"fuente:","target:":"destino:",trace:"traza","upper fence:":"l\xedmite superior:"},format:{days:["Domingo","Lunes","Martes","Mi\xe9rcoles","Jueves","Viernes","S\xe1bado"],shortDays:["Dom","Lun","Mar","Mi\xe9","Jue","Vie","S\xe1b"],months:["Enero","Febrero","Marzo","Abril","Mayo","Junio","Julio","Agosto","Septiembre","Octubre","Noviembre","Diciembre"],shortMonths:["Ene","Feb","Mar","Abr","May","Jun","Jul","Ago","Sep","Oct","Nov","Dic"],date:"%d/%m/%Y",decimal:",",thousands:" "}};"undefined"==typeof Plotly?(window.PlotlyLocales=window.PlotlyLocales||[],window.PlotlyLocales.push(locale)):Plotly.register(locale);
})();

/* ======================================================================== data tables */

/* A chart's data table (components/graph.py, data_details) is built when its <details> opens,
   from the text in its box's data-table attribute: ~35-70 components per chart that React no
   longer creates on every first visit for a closed box. Put in place with Dash's public
   set_props, so from then on it is an ordinary part of the page. */
(function () {
  "use strict";

  function el(type, props, children) {
    return {
      type: type,
      namespace: "dash_html_components",
      props: Object.assign({ children: children }, props),
    };
  }

  function build(spec) {
    var header = el("Thead", {}, el("Tr", {}, spec.columns.map(function (name) {
      return el("Th", { scope: "col" }, name);
    })));
    var body = el("Tbody", {}, spec.rows.map(function (row) {
      return el("Tr", {}, row.map(function (cell, position) {
        return position === 0 ? el("Th", { scope: "row" }, cell) : el("Td", {}, cell);
      }));
    }));
    return el("Table", { className: spec.className }, [el("Caption", {}, spec.caption), header, body]);
  }

  function fill(details) {
    var box = details.querySelector("[data-table]");
    var clientside = window.dash_clientside;
    if (!box || !box.id || box.childElementCount > 0 || !clientside || !clientside.set_props) {
      return;
    }
    clientside.set_props(box.id, { children: build(JSON.parse(box.getAttribute("data-table"))) });
  }

  // "toggle" does not bubble: listen in the capture phase.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details && details.open && details.matches && details.matches("details.chart-data")) {
      fill(details);
    }
  }, true);
})();

/* ================================================== islands, mount when near, first paint */

/* A static part of a page (components/static_html.py, island: e.g. an OES's table of AES)
   travels as its HTML in one data-island attribute instead of hundreds of components for
   React to build on every first visit. It is put in place as soon as the box appears (or its
   attribute changes, when a callback answers a new one), before the browser paints; React
   renders no children into the box, so it leaves them be.

   The same watch finds boxes with data-mount-near (e.g. the explorer's grid slot): when such a
   box comes within 100 px of the screen while it still shows its [data-mount-waiting] child,
   the library it names in data-mount-needs is loaded first (its script URL is in the head's
   meta[name=pesem-library], components/page_bundles.py: no page carries that script), then the
   store its data-mount-near names gets data=true through Dash's public set_props, and a
   callback mounts the heavy part there. If the script fails, the waiting line shows the box's
   data-mount-failed text and the next approach tries again. Boxes stay watched: the router may
   draw the page again (back button) with a new store and the same box.

   It also ends the first paint: web/first_paint.py writes the page as HTML before the
   renderer's root and the CSS swaps the two in one frame once the renderer has drawn its page;
   then the copy leaves the document, so its text, landmarks and links exist once (for screen
   readers, find-in-page and tests). */
(function () {
  "use strict";
  var copy = document.querySelector(".first-paint");
  var root = copy ? copy.nextElementSibling : null;

  var loading = {};

  /* Run then() once window[name] exists: at once, or when its script has loaded. */
  function withLibrary(name, then, failed) {
    var meta = name && document.querySelector(
      'meta[name="pesem-library"][data-library="' + name + '"]');
    if (!name || window[name] || !meta) {
      then();
      return;
    }
    var script = loading[name];
    if (!script) {
      script = document.createElement("script");
      script.src = meta.getAttribute("content");
      script.addEventListener("error", function () {
        delete loading[name];
        script.remove();
      });
      loading[name] = script;
      document.head.appendChild(script);
    }
    script.addEventListener("load", then);
    script.addEventListener("error", failed);
  }

  function mount(box) {
    var clientside = window.dash_clientside;
    var waiting = box.querySelector("[data-mount-waiting]");
    if (!waiting || !clientside || !clientside.set_props || box.pesemMounting) {
      return;
    }
    box.pesemMounting = true;
    withLibrary(box.getAttribute("data-mount-needs"), function () {
      box.pesemMounting = false;
      clientside.set_props(box.getAttribute("data-mount-near"), { data: true });
    }, function () {
      box.pesemMounting = false;
      waiting.textContent = box.getAttribute("data-mount-failed") || waiting.textContent;
    });
  }

  var near = "IntersectionObserver" in window
    ? new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          mount(entry.target);
        }
      });
    }, { rootMargin: "0px 0px 100px 0px" })
    : null;

  function watchNear() {
    var boxes = document.querySelectorAll("[data-mount-near]");
    for (var i = 0; i < boxes.length; i += 1) {
      // the first paint's copy has no stores behind its boxes
      if (!boxes[i].pesemNear && !(copy && copy.contains(boxes[i]))) {
        boxes[i].pesemNear = true;
        if (near) {
          near.observe(boxes[i]);
        } else {
          mount(boxes[i]);
        }
      }
    }
  }

  function fill() {
    watchNear();
    var boxes = document.querySelectorAll("[data-island]");
    for (var i = 0; i < boxes.length; i += 1) {
      var markup = boxes[i].getAttribute("data-island");
      if (boxes[i].pesemIsland !== markup) {
        boxes[i].innerHTML = markup;
        boxes[i].pesemIsland = markup;
      }
    }
    if (copy && root && root.querySelector(".pesem-page")) {
      copy.remove();
      copy = null;
    }
  }
  if (window.MutationObserver) {
    new MutationObserver(fill).observe(document.documentElement, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["data-island"],
    });
  }
})();
