/* The navbar's toggler below the md breakpoint (clientside callback declared in app.py).
   The toggler opens and closes the menu; following one of its links closes it. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  pesem_navbar: {
    toggle: function (togglerClicks, linkClicks, isOpen) {
      const ctx = window.dash_clientside.callback_context;
      const fromToggler = ctx.triggered.some(function (t) {
        return t.prop_id === "navbar-toggler.n_clicks";
      });
      const open = fromToggler ? !isOpen : false;
      return [open, open ? "true" : "false"];
    },
  },
});
