/* Study packs: each PDF link shows its page count and size, read from packs/index.json, which
 * the build writes after the packs are typeset (the pages render at the same time). Without it
 * the links work as they are. ES2017, classic script. */
(function () {
  "use strict";

  function size(bytes) {
    if (bytes >= 1024 * 1024) return (bytes / 1024 / 1024).toFixed(1) + " MB";
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function show(links, index) {
    links.forEach(function (link) {
      var entry = index[link.getAttribute("data-ql-pack")];
      var label = link.parentNode.querySelector("[data-ql-pack-size]");
      if (!entry || !label || typeof entry.pages !== "number" || typeof entry.bytes !== "number") return;
      label.textContent = "（PDF，" + entry.pages + " 页，" + size(entry.bytes) + "）";
    });
  }

  function start() {
    var links = Array.prototype.slice.call(document.querySelectorAll("a[data-ql-pack]"));
    if (!links.length || !window.fetch) return;
    // The index sits beside the packs: the first link's address, with index.json for its name.
    var url = links[0].href.replace(/[^/]*$/, "index.json");
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (index) { show(links, index || {}); })
      .catch(function () { /* sizes are a convenience; the links still work */ });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
