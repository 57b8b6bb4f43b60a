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

/* Each save carries the version of the entry its form was opened from (qinglianBase), so a form
   opened before someone else's save is refused whatever was read since, in this tab or another.
   Versions come from what the form loads: the published file (getEntry) or the entry under review
   (unpublishedEntryDataFile), and from each save's answer. */
(function () {
  'use strict';
  var realFetch = window.fetch.bind(window);
  var published = {};
  var underReview = {};

  function forget(map, collection, slug) {
    Object.keys(map).forEach(function (path) {
      if (path.slice(-(collection.length + slug.length + 5)) === '/' + collection + '/' + slug + '.md') { delete map[path]; }
    });
  }

  function learn(action, params, paths, answer) {
    if (!answer || typeof answer !== 'object') { return; }
    if (action === 'getEntry' && answer.file && answer.file.id) { published[answer.file.path] = answer.file.id; }
    if (action === 'entriesByFiles' && Array.isArray(answer)) {
      answer.forEach(function (e) { if (e && e.file && e.file.id) { published[e.file.path] = e.file.id; } });
    }
    if (action === 'unpublishedEntryDataFile' && answer.id) { underReview[params.path] = answer.id; }
    if (action === 'persistEntry' && answer.id) {
      var map = params.options && params.options.useWorkflow ? underReview : published;
      paths.forEach(function (p) { map[p] = answer.id; });
      // A new entry's first save: Decap itself moves from …/new to …/entries/<slug> (workspace.js keeps that page).
      var saved = /\/([^/]+)\/([^/]+)\.md$/.exec(paths[0] || '');
      window.qinglianSaved = saved ? '#/collections/' + saved[1] + '/entries/' + saved[2] : '';
      var said = [answer.status === 'pending_review' ? answer.message : '', answer.notice || ''].filter(Boolean);
      if (said.length && window.qinglianNotice) { window.qinglianNotice(said.join('\n')); }
    }
    if (action === 'publishUnpublishedEntry' || action === 'deleteUnpublishedEntry') {
      forget(underReview, String(params.collection), String(params.slug));
      if (action === 'publishUnpublishedEntry') { forget(published, String(params.collection), String(params.slug)); }
    }
  }

  window.fetch = function (input, init) {
    var url = typeof input === 'string' ? input : (input && input.url) || '';
    if (url.split('?')[0].slice(-7) !== '/api/v1' || !init || typeof init.body !== 'string') { return realFetch(input, init); }
    var request;
    try { request = JSON.parse(init.body); } catch (e) { return realFetch(input, init); }
    var action = request.action;
    var params = request.params || {};
    var paths = [];
    if (action === 'persistEntry') {
      var files = params.dataFiles || (params.entry ? [params.entry] : []);
      var workflow = params.options && params.options.useWorkflow;
      params.qinglianBase = {};
      files.forEach(function (f) {
        if (!f || !f.path) { return; }
        paths.push(f.path);
        var base = (workflow && underReview[f.path]) || published[f.path];
        if (base) { params.qinglianBase[f.path] = base; }
      });
      request.params = params;
      init = Object.assign({}, init, { body: JSON.stringify(request) });
    }
    return realFetch(input, init).then(function (response) {
      if (response.ok) {
        response.clone().json().then(function (answer) { learn(action, params, paths, answer); }, function () {});
      }
      return response;
    });
  };
})();
