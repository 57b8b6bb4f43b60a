/* Runs in <head>, before the page is drawn, so nothing flashes:
   - marks a dual-core browser's IE mode, where the theme cannot work, so the page can tell the
     reader how to switch to the Chromium kernel (极速模式);
   - applies the reader's 关怀模式 choices (text size, high contrast, reading mode), kept in
     localStorage, and wires the toolbar once the page is there.
   ES3 on purpose: this is the one script that must also run in IE itself. */
(function () {
  var root = document.documentElement;
  var KEY = "qinglian.care";
  var SIZES = { "": "", large: "ql-size-large", xlarge: "ql-size-xlarge" };

  if (document.documentMode) {
    root.className += " ql-ie";
    return;
  }

  function load() {
    try {
      var saved = window.localStorage && localStorage.getItem(KEY);
      var parsed = saved ? JSON.parse(saved) : null;
      return parsed && typeof parsed === "object" ? parsed : {};
    } catch (error) {
      return {};
    }
  }

  function save(settings) {
    try {
      localStorage.setItem(KEY, JSON.stringify(settings));
    } catch (error) {
      /* Private windows and full storage: the choice lasts for this page only. */
    }
  }

  function apply(settings) {
    var kept = [];
    var current = root.className.split(" ");
    for (var i = 0; i < current.length; i++) {
      if (current[i] && !/^ql-(size-|contrast|reading)/.test(current[i])) kept.push(current[i]);
    }
    if (SIZES[settings.size]) kept.push(SIZES[settings.size]);
    if (settings.contrast) kept.push("ql-contrast");
    if (settings.reading) kept.push("ql-reading");
    kept.push("ql-care-ready");
    root.className = kept.join(" ");
  }

  var settings = load();
  if (!SIZES.hasOwnProperty(settings.size)) settings.size = "";
  apply(settings);

  function refresh(toolbar) {
    var buttons = toolbar.getElementsByTagName("button");
    for (var i = 0; i < buttons.length; i++) {
      var button = buttons[i];
      var size = button.getAttribute("data-ql-size");
      var toggle = button.getAttribute("data-ql-toggle");
      var pressed = size !== null ? settings.size === size : !!settings[toggle];
      button.setAttribute("aria-pressed", pressed ? "true" : "false");
    }
  }

  function wire() {
    var toolbar = document.getElementById("ql-care");
    if (!toolbar) return;
    refresh(toolbar);
    toolbar.onclick = function (event) {
      var target = event.target;
      while (target && target !== toolbar && target.tagName !== "BUTTON") target = target.parentNode;
      if (!target || target === toolbar) return;
      var size = target.getAttribute("data-ql-size");
      var toggle = target.getAttribute("data-ql-toggle");
      if (size !== null) settings.size = size;
      else if (toggle) settings[toggle] = !settings[toggle];
      apply(settings);
      save(settings);
      refresh(toolbar);
    };
  }

  /* The theme wraps wide content tables in a scrolling box once the page is ready; a keyboard
     reader must be able to reach and scroll it, and a screen reader to name it. */
  function labelScrollingTables() {
    var boxes = document.querySelectorAll(".md-typeset__scrollwrap");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].getAttribute("tabindex") !== null) continue;
      boxes[i].setAttribute("tabindex", "0");
      boxes[i].setAttribute("role", "region");
      boxes[i].setAttribute("aria-label", "表格（可左右滚动）");
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
  if (document.readyState === "complete") labelScrollingTables();
  else window.addEventListener("load", labelScrollingTables);
})();
