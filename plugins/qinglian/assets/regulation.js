/* Copy an article's link, so a reader can paste it into a message or a document.
   ES5; navigator.clipboard needs a secure context, which an intranet http:// site is not,
   so a hidden text area and execCommand("copy") stand in. */
(function () {
  "use strict";
  var status = document.getElementById("ql-copy-status");

  function announce(text) {
    if (status) status.textContent = text;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "absolute";
      area.style.left = "-9999px";
      document.body.appendChild(area);
      area.select();
      var copied = false;
      try {
        copied = document.execCommand("copy");
      } catch (error) {
        copied = false;
      }
      document.body.removeChild(area);
      if (copied) resolve();
      else reject(new Error("copy refused"));
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-ql-copy]") : null;
    if (!button) return;
    var anchor = button.getAttribute("data-ql-copy");
    var link = location.href.split("#")[0] + "#" + encodeURIComponent(anchor);
    copyText(link).then(function () {
      button.textContent = "已复制";
      announce("已复制" + anchor + "的链接");
    }, function () {
      // The reader can still copy the address bar: go to the article.
      location.hash = anchor;
      announce("无法自动复制，请复制地址栏中的链接");
    });
    setTimeout(function () { button.textContent = "复制链接"; }, 2000);
  });
})();
