/* Decap CMS calls crypto.randomUUID, which Chromium 86-91 and plain-http intranet pages lack. */
(function () {
  'use strict';
  var c = window.crypto;
  if (c && typeof c.randomUUID !== 'function' && typeof c.getRandomValues === 'function') {
    c.randomUUID = function () {
      var b = c.getRandomValues(new Uint8Array(16));
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      var h = [];
      for (var i = 0; i < 16; i++) { h.push((b[i] + 0x100).toString(16).slice(1)); }
      return h.slice(0, 4).join('') + '-' + h.slice(4, 6).join('') + '-' + h.slice(6, 8).join('') + '-' +
        h.slice(8, 10).join('') + '-' + h.slice(10, 16).join('');
    };
  }
  window.CMS_MANUAL_INIT = true;
})();
