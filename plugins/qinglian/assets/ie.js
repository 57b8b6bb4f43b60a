/* Dual-core browsers (360, QQ, Sogou) may open an intranet site in their IE kernel, where
   the theme cannot work. Tell the reader how to switch to the Chromium kernel (极速模式).
   ES3 on purpose: this is the one script that must run in IE itself. */
(function () {
  if (document.documentMode) {
    document.documentElement.className += " ql-ie";
  }
})();
