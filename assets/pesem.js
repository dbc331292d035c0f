/* Clientside code of the PESEM dashboard (referenced by ClientsideFunction, so the
   Content-Security-Policy needs no hash or 'unsafe-inline' for it).

   PNG export. Every chart card (components/graph.py) carries, on its <figure>, the "slide patch"
   computed by components/export.py:slide_patch: [[path, value], ...] that turns the figure on
   screen into its 1600x900 slide (title, source line inside the picture, projector-sized text).
   Both the "Descargar PNG" button and the modebar camera apply it to a copy of the plotted
   figure (so zoom and legend choices on screen are kept) and download 1600x900 at scale 2.

   The camera calls plotly's registry method "downloadImage"; it is replaced (Plotly.register,
   moduleType "apiMethod") by slideDownloadImage as soon as plotly.js is there. dcc.Graph loads
   plotly.js lazily, so the hook is installed on the first pointer movement (the camera is only
   reachable by pointer) and by the button's callback. */
(function () {
  "use strict";

  var PNG_DEFAULTS = { format: "png", width: 1600, height: 900, scale: 2 };
  var PATCH_ATTRIBUTE = "data-slide-patch";
  var originalDownloadImage = null;

  function isPlainObject(value) {
    return Object.prototype.toString.call(value) === "[object Object]";
  }

  /* Deep copy of figure data/layout: plain objects, arrays, typed arrays; other values shared. */
  function copy(value) {
    if (Array.isArray(value)) {
      return value.map(copy);
    }
    if (ArrayBuffer.isView(value) && typeof value.slice === "function") {
      return value.slice();
    }
    if (isPlainObject(value)) {
      var out = {};
      Object.keys(value).forEach(function (key) {
        out[key] = copy(value[key]);
      });
      return out;
    }
    return value;
  }

  function setPath(root, path, value) {
    var node = root;
    for (var i = 0; i < path.length - 1; i += 1) {
      var key = path[i];
      var next = node[key];
      if (next === null || typeof next !== "object") {
        next = typeof path[i + 1] === "number" ? [] : {};
        node[key] = next;
      }
      node = next;
    }
    var last = path[path.length - 1];
    if (value === null) {
      delete node[last];
    } else {
      node[last] = copy(value);
    }
  }

  function graphDiv(gd) {
    return typeof gd === "string" ? document.getElementById(gd) : gd;
  }

  function slidePatch(gd) {
    var holder = gd && gd.closest ? gd.closest("[" + PATCH_ATTRIBUTE + "]") : null;
    if (!holder) {
      return null;
    }
    try {
      var patch = JSON.parse(holder.getAttribute(PATCH_ATTRIBUTE));
      return Array.isArray(patch) ? patch : null;
    } catch (error) {
      return null;
    }
  }

  /* {data, layout, config} of the slide, or null for a plot without a patch. */
  function slideFigure(gd) {
    var patch = slidePatch(gd);
    if (!patch || !gd.data || !gd.layout) {
      return null;
    }
    var figure = { data: copy(gd.data), layout: copy(gd.layout) };
    patch.forEach(function (operation) {
      if (Array.isArray(operation) && Array.isArray(operation[0]) && operation[0].length) {
        setPath(figure, operation[0], operation[1]);
      }
    });
    var context = gd._context || {};
    figure.config = { locale: context.locale, locales: context.locales };
    return figure;
  }

  function imageOptions(gd, opts) {
    var configured = (gd && gd._context && gd._context.toImageButtonOptions) || {};
    return Object.assign({}, PNG_DEFAULTS, configured, opts || {});
  }

  /* Replacement of plotly's "downloadImage": the slide of a chart card, else the plot as is. */
  function slideDownloadImage(gd, opts) {
    var div = graphDiv(gd);
    var options = imageOptions(div, opts);
    var figure = div ? slideFigure(div) : null;
    return originalDownloadImage(figure || gd, options);
  }

  function installHook() {
    if (originalDownloadImage) {
      return true;
    }
    var Plotly = window.Plotly;
    if (!Plotly || typeof Plotly.register !== "function" || !Plotly.downloadImage) {
      return false;
    }
    originalDownloadImage = Plotly.downloadImage;
    Plotly.register({ moduleType: "apiMethod", name: "downloadImage", fn: slideDownloadImage });
    document.removeEventListener("pointerover", installHook, true);
    return true;
  }

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
      if (!plot || !installHook()) {
        return;
      }
      var filename = button.getAttribute("data-filename");
      slideDownloadImage(plot, filename ? { filename: filename } : {}).catch(function (error) {
        console.warn("PNG export failed", error);
      });
    });
  }

  /* "Descargar todos los gráficos" (components/png_zip.py): the page's query as it is now in the
     address bar (e.g. the explorer's filters, written without the pages router knowing). */
  function refreshZipLink(event) {
    var target = event.target;
    var link = target && target.closest ? target.closest("a[data-zip-page]") : null;
    if (!link) {
      return;
    }
    var query = new URLSearchParams();
    query.set("pagina", link.getAttribute("data-zip-page"));
    new URLSearchParams(window.location.search).forEach(function (value, key) {
      if (key !== "pagina") {
        query.append(key, value);
      }
    });
    var url = new URL(link.getAttribute("href"), window.location.href);
    link.setAttribute("href", url.pathname + "?" + query.toString());
  }

  document.addEventListener("click", refreshZipLink, true);

  if (!installHook()) {
    document.addEventListener("pointerover", installHook, true);
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.pesem = Object.assign({}, window.dash_clientside.pesem, {
    downloadPng: downloadPng,
    slideFigure: slideFigure,
  });
})();
