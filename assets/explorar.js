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

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.pesem_explorer = { visibleRows: visibleRows };
})();
