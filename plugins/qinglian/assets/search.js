/* Qinglian site search.
 *
 * The index is built by Pagefind in shards (see qinglian/search). Chinese text is indexed
 * as overlapping character pairs, so a query is cut into pairs the same way; Pagefind then
 * returns every page holding all pairs. Pages whose matched pairs stand side by side hold
 * the phrase itself and are listed first; the fragments of the pages shown are checked for
 * the exact phrase, and a page that fails the check moves down.
 */
(function () {
  "use strict";

  var HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
  var HAN_RUN = new RegExp("[" + HAN + "]+", "gu");
  var PAIR_RUN = new RegExp("[" + HAN + "]{1,2}(?:\\u3000[" + HAN + "]{1,2})*", "gu");
  var WORD = /[\p{L}\p{N}_]+/gu;
  var PAGE_SIZE = 10;
  var PANEL_SIZE = 6;

  var MESSAGES = {
    file: "站内搜索需要通过网站服务器访问。当前页面是从本地文件直接打开的（地址以 file:// 开头），请改用网站地址访问，或联系网站管理员。",
    failed: "搜索暂时无法使用，请稍后再试或联系网站管理员。",
    browser: "当前浏览器版本过旧，无法使用站内搜索。请使用 360 安全浏览器 12 及以上版本的极速模式，或其他 Chromium 79 以上内核的浏览器。",
    loading: "正在搜索……",
    empty: "没有找到包含“{q}”的内容。可以换一个词，或减少词语再试。",
    prompt: "请输入要查找的词语，例如：八项规定、以案促改、四风。",
  };

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // ---- Queries -------------------------------------------------------------

  function chars(text) { return Array.from(text); }

  /* The tokens to look up for one space-separated part, each with its position relative to
   * the part's start in the index, which holds every pair of a run and then its last character.
   * Pairs two apart cover a phrase as surely as all its pairs (警示 at p and 教育 at p + 2
   * spell 警示教育), so only those are fetched: a third fewer index chunks for four characters. */
  function partTokens(part) {
    var tokens = [];
    var position = 0;
    var offset = 0;
    function words(text) {
      (text.match(WORD) || []).forEach(function (w) { tokens.push({ token: w, offset: offset++ }); });
    }
    // String.prototype.matchAll is newer than Chromium 67; exec walks the runs the same way.
    var runs = [];
    var found;
    var runPattern = new RegExp(HAN_RUN.source, HAN_RUN.flags);
    while ((found = runPattern.exec(part)) !== null) runs.push(found);
    runs.forEach(function (run) {
      words(part.slice(position, run.index));
      var c = chars(run[0]);
      if (c.length === 1) {
        tokens.push({ token: c[0], offset: offset });
      } else {
        for (var i = 0; i + 1 < c.length; i += 2) tokens.push({ token: c[i] + c[i + 1], offset: offset + i });
        if (c.length % 2 === 1) tokens.push({ token: c[c.length - 2] + c[c.length - 1], offset: offset + c.length - 2 });
      }
      offset += c.length;
      position = run.index + run[0].length;
    });
    words(part.slice(position));
    return tokens;
  }

  function parseQuery(query) {
    var parts = query.toLowerCase().split(/\s+/).filter(function (p) { return partTokens(p).length > 0; });
    var lookups = parts.map(partTokens);
    var seen = {};
    var terms = [];
    lookups.forEach(function (tokens) {
      tokens.forEach(function (t) {
        if (!seen[t.token]) terms.push(t.token);
        seen[t.token] = true;
      });
    });
    return { parts: parts, term: terms.join(" "), lookups: lookups };
  }

  /* Whether, for every part, the matched positions hold its tokens at their relative places. */
  function inPlace(positions, lookups) {
    var at = {};
    positions.forEach(function (p) { at[p] = true; });
    return lookups.every(function (tokens) {
      if (tokens.length <= 1) return true;
      return positions.some(function (start) {
        return tokens.every(function (t) { return at[start + t.offset - tokens[0].offset]; });
      });
    });
  }

  var LONE_HAN = new RegExp("^[" + HAN + "]$", "u");
  var HAN_PAIR = new RegExp("^[" + HAN + "]{2}$", "u");
  var ASCII_EDGE = /[A-Za-z0-9]/;

  /* The page text from Pagefind's copy of the index text, where every space has become " ". */
  function decodeIndexText(encoded) {
    var pieces = [];
    var run = null;
    encoded.split(/\s+/).forEach(function (token) {
      if (!token) return;
      if (HAN_PAIR.test(token)) {
        run = (run || "") + chars(token)[0];
      } else if (run !== null && LONE_HAN.test(token)) {
        pieces.push(run + token);
        run = null;
      } else {
        if (run !== null) pieces.push(run);
        run = null;
        pieces.push(token);
      }
    });
    if (run !== null) pieces.push(run);
    return pieces.reduce(function (text, piece) {
      var spaced = text && ASCII_EDGE.test(text.slice(-1)) && ASCII_EDGE.test(piece[0]);
      return text + (spaced ? " " : "") + piece;
    }, "");
  }

  function containsAll(text, parts) {
    var lower = text.toLowerCase();
    return parts.every(function (part) { return lower.indexOf(part) >= 0; });
  }

  /* About 80 characters around the first phrase found, with every phrase marked. */
  function excerpt(text, parts) {
    var flat = text.replace(/\s+/g, " ");
    var lower = flat.toLowerCase();
    var first = -1;
    parts.forEach(function (part) {
      var at = lower.indexOf(part);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    });
    var start = Math.max(0, first - 30);
    var end = Math.min(flat.length, start + 90);
    var piece = flat.slice(start, end);
    return (start > 0 ? "……" : "") + markPhrases(piece, parts) + (end < flat.length ? "……" : "");
  }

  function markPhrases(text, parts) {
    var lower = text.toLowerCase();
    var marks = [];
    parts.forEach(function (part) {
      for (var at = lower.indexOf(part); at >= 0 && part; at = lower.indexOf(part, at + part.length)) {
        marks.push([at, at + part.length]);
      }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var html = "";
    var position = 0;
    marks.forEach(function (m) {
      if (m[0] < position) return;
      html += escapeHtml(text.slice(position, m[0])) + "<mark>" + escapeHtml(text.slice(m[0], m[1])) + "</mark>";
      position = m[1];
    });
    return html + escapeHtml(text.slice(position));
  }

  // ---- The index -------------------------------------------------------------

  function Unavailable(reason) { this.reason = reason; }

  // The smallest module that uses memory.copy, a bulk-memory instruction.
  var BULK_MEMORY_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 3, 1, 0, 1, 10, 14, 1, 12, 0, 65, 0, 65, 0, 65, 0, 252, 10, 0, 0, 11];

  function webAssemblyReady() {
    try {
      return typeof WebAssembly === "object" && WebAssembly.validate(new Uint8Array(BULK_MEMORY_PROBE));
    } catch (error) {
      return false;
    }
  }

  /* Pagefind's script, down-levelled at build time to a classic ES2017 script that leaves its
     API in window.qinglianPagefind: a plain <script> element loads it in every kernel. */
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      if (window.qinglianPagefind) return resolve(window.qinglianPagefind);
      var script = document.createElement("script");
      script.src = src;
      script.onload = function () {
        if (window.qinglianPagefind) resolve(window.qinglianPagefind);
        else reject(new Unavailable("failed"));
      };
      script.onerror = function () { reject(new Unavailable("failed")); };
      document.head.appendChild(script);
    });
  }

  var enginePromise = null;

  function engine(root) {
    if (!enginePromise) {
      enginePromise = (async function () {
        if (location.protocol === "file:") throw new Unavailable("file");
        var base = new URL(root + "pagefind/", location.href);
        var response = await fetch(new URL("shards.json", base).href);
        if (!response.ok) throw new Unavailable("failed");
        var listing = await response.json();
        var primary = new URL(listing.shards[0], base);
        // Pagefind's program needs WebAssembly with bulk memory (Chromium 75 and later).
        if (!webAssemblyReady()) throw new Unavailable("browser");
        var pagefind = await loadScript(new URL("pagefind.js", primary).href);
        // The main thread is fine for an index of this size, and skips a 40 KB worker script.
        await pagefind.options({ basePath: primary.pathname, excerptLength: 20, noWorker: true });
        for (var i = 1; i < listing.shards.length; i++) {
          await pagefind.mergeIndex(new URL(listing.shards[i], base).pathname);
        }
        // Loads the program and the shard metadata now, while the reader is still typing.
        await pagefind.init();
        var filtersLoaded = null;
        return {
          pagefind: pagefind,
          labels: listing.filters,
          root: root,
          // Filter counts need Pagefind's filter chunks; only the search page shows them.
          loadFilters: function () { return (filtersLoaded = filtersLoaded || pagefind.filters()); },
        };
      })();
      enginePromise.catch(function () { enginePromise = null; });
    }
    return enginePromise;
  }

  function Search(engine, query, filters) {
    this.engine = engine;
    this.query = parseQuery(query);
    this.filters = filters || {};
  }

  Search.prototype.run = async function () {
    var chosen = {};
    Object.keys(this.filters).forEach(function (name) {
      if (this.filters[name].length) chosen[name] = { any: this.filters[name] };
    }, this);
    if (!this.query.term && !Object.keys(chosen).length) {
      this.results = [];
      this.counts = await this.engine.pagefind.filters();
      return this;
    }
    var found = await this.engine.pagefind.search(this.query.term || null, { filters: chosen });
    var lookups = this.query.lookups;
    this.results = found.results.map(function (result, rank) {
      return { result: result, rank: rank, likely: inPlace(result.words || [], lookups), exact: undefined, data: null };
    });
    this.counts = found.filters;
    this.order();
    return this;
  };

  Search.prototype.order = function () {
    // Phrase hits first (a page counts as one until its fragment shows otherwise), then Pagefind's rank.
    function group(item) { return item.exact === true || (item.exact === undefined && item.likely) ? 0 : 1; }
    this.results.sort(function (a, b) { return group(a) - group(b) || a.rank - b.rank; });
  };

  /* The first ``count`` results, loaded and checked; reorders until they are stable. */
  Search.prototype.top = async function (count) {
    var parts = this.query.parts;
    for (;;) {
      var shown = this.results.slice(0, count);
      var pending = shown.filter(function (item) { return !item.data; });
      if (!pending.length) return shown;
      await Promise.all(pending.map(async function (item) {
        var data = await item.result.data();
        var text = decodeIndexText(data.content || "");
        item.data = data;
        item.text = text;
        item.exact = parts.length ? containsAll(text, parts) : true;
      }));
      this.order();
    }
  };

  Search.prototype.link = function (item) {
    var url = this.engine.root + item.data.url.replace(/^\//, "");
    if (!this.query.parts.length) return url;
    // An article of a regulation is a fragment of its page: the query goes before the #.
    var hash = url.indexOf("#");
    var query = "?q=" + encodeURIComponent(this.query.parts.join(" "));
    return hash < 0 ? url + query : url.slice(0, hash) + query + url.slice(hash);
  };

  Search.prototype.describe = function (item) {
    var meta = item.data.meta || {};
    var parts = this.query.parts;
    // The indexed text starts with the title, collection and date; the excerpt comes from the body.
    var body = item.text.slice((meta.title || "").length + (meta.collection || "").length + (meta.date || "").length);
    return (
      '<a class="ql-result__link" href="' + escapeHtml(this.link(item)) + '">' +
      '<span class="ql-result__title">' + markPhrases(meta.title || item.data.url, parts) + "</span></a>" +
      '<span class="ql-result__meta">' + escapeHtml([meta.collection, meta.date].filter(Boolean).join(" · ")) + "</span>" +
      (parts.length ? '<span class="ql-result__excerpt">' + excerpt(body, parts) + "</span>" : "")
    );
  };

  /* The results as list items; where the pages without the whole phrase begin, a line says so. */
  Search.prototype.listItems = function (items) {
    var parts = this.query.parts;
    var describe = this.describe.bind(this);
    return items.map(function (item, index) {
      var divider = "";
      if (parts.length && item.exact === false && (index === 0 || items[index - 1].exact !== false)) {
        divider = '<li class="ql-results__divider">以下结果不包含完整的“' + escapeHtml(parts.join(" ")) + "”，只分别含有其中的字。</li>";
      }
      return divider + '<li class="ql-result">' + describe(item) + "</li>";
    }).join("");
  };

  /* Where a reader can still find every document when search cannot run. */
  function browseLinks(root) {
    var base = escapeHtml(root);
    return '<p class="ql-search__browse">仍可按<a href="' + base + 'topics/">专题</a>、<a href="' + base +
      'units/">发文单位</a>或<a href="' + base + 'archive/">归档</a>浏览全部文档。</p>';
  }

  function message(error) {
    return MESSAGES[error instanceof Unavailable ? error.reason : "failed"];
  }

  // ---- The header box --------------------------------------------------------

  function headerBox(form) {
    var input = form.querySelector("input[name=q]");
    var panel = form.querySelector(".ql-search__panel");
    var root = form.getAttribute("data-root");
    var live = form.querySelector(".ql-search__live");
    var latest = 0;

    function show(html, announcement) {
      panel.innerHTML = html;
      panel.hidden = false;
      // Screen readers hear how many results appeared without leaving the box.
      if (live) live.textContent = announcement || panel.textContent;
    }

    var timer = null;

    function close() {
      // A search still under way must not open the panel again once the reader closed it.
      clearTimeout(timer);
      latest++;
      panel.hidden = true;
      if (live) live.textContent = "";
    }

    function links() {
      return Array.prototype.slice.call(panel.querySelectorAll("a"));
    }

    async function update() {
      var query = input.value.trim();
      var ticket = ++latest;
      if (!query) {
        close();
        return;
      }
      try {
        var search = await new Search(await engine(root), query).run();
        if (!search.query.term) return;
        var items = await search.top(PANEL_SIZE);
        if (ticket !== latest) return;
        if (!items.length) {
          show('<p class="ql-search__note">' + escapeHtml(format(MESSAGES.empty, { q: query })) + "</p>");
          return;
        }
        var all = root + "search/?q=" + encodeURIComponent(query);
        show(
          '<ol class="ql-results">' +
          search.listItems(items) +
          '</ol><a class="ql-search__all" href="' + escapeHtml(all) + '">查看全部 ' + search.results.length + " 条结果</a>",
          "找到 " + search.results.length + " 条结果，按向下方向键查看。"
        );
      } catch (error) {
        if (ticket === latest) show('<p class="ql-search__note">' + escapeHtml(message(error)) + "</p>" + browseLinks(root));
      }
    }

    function typed() {
      clearTimeout(timer);
      var term = parseQuery(input.value).term;
      if (term && enginePromise) {
        // Fetch the index chunks for the words typed so far; the search itself waits a moment.
        enginePromise.then(function (loaded) { return loaded.pagefind.preload(term); }).catch(function () {});
      }
      timer = setTimeout(update, 40);
    }
    // While an input method is composing, the box holds pinyin, not the words: wait for the commit.
    input.addEventListener("input", function (event) {
      if (!event.isComposing) typed();
    });
    input.addEventListener("compositionend", typed);
    input.addEventListener("focus", function () {
      if (location.protocol === "file:") show('<p class="ql-search__note">' + escapeHtml(MESSAGES.file) + "</p>");
      else engine(root).catch(function () {});
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        close();
      } else if ((event.key === "ArrowDown" || event.key === "Down") && !panel.hidden && links().length) {
        event.preventDefault();
        links()[0].focus();
      }
    });
    // Arrow keys walk the results; Escape, or Up from the first, goes back to the box.
    panel.addEventListener("keydown", function (event) {
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (event.key === "Escape") {
        event.preventDefault();
        close();
        input.focus();
      } else if (event.key === "ArrowDown" || event.key === "Down") {
        event.preventDefault();
        if (at < all.length - 1) all[at + 1].focus();
      } else if (event.key === "ArrowUp" || event.key === "Up") {
        event.preventDefault();
        if (at > 0) all[at - 1].focus();
        else input.focus();
      }
    });
    // The panel closes once the focus has left the search box and its results.
    form.addEventListener("focusout", function () {
      setTimeout(function () {
        if (!form.contains(document.activeElement)) close();
      }, 0);
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) close();
    });
  }

  // ---- The search page -------------------------------------------------------

  function searchPage(container, root) {
    var form = container.querySelector("form");
    var input = form.querySelector("input[name=q]");
    var status = container.querySelector(".ql-search-page__status");
    var list = container.querySelector(".ql-search-page__results");
    var facets = container.querySelector(".ql-search-page__filters");
    var more = container.querySelector(".ql-search-page__more");
    var params = new URLSearchParams(location.search);
    var chosen = {};
    var current = null;
    var shown = 0;

    input.value = params.get("q") || "";
    Object.keys({ collection: 1, year: 1, unit: 1, topic: 1, discipline: 1 }).forEach(function (name) {
      var values = params.getAll(name);
      if (values.length) chosen[name] = values;
    });

    function address() {
      var next = new URLSearchParams();
      if (input.value.trim()) next.set("q", input.value.trim());
      Object.keys(chosen).forEach(function (name) {
        chosen[name].forEach(function (value) { next.append(name, value); });
      });
      var query = next.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
    }

    function drawFilters(search) {
      var labels = search.engine.labels;
      var counts = search.counts || {};
      // Redrawing replaces the checkboxes; the reader's focus goes back to the same one.
      var focused = facets.contains(document.activeElement) ? document.activeElement : null;
      var focusedFilter = focused && focused.getAttribute("data-filter");
      var focusedValue = focused && focused.value;
      facets.innerHTML = Object.keys(labels).map(function (name) {
        var values = Object.keys(counts[name] || {}).filter(function (v) {
          return counts[name][v] > 0 || (chosen[name] || []).indexOf(v) >= 0;
        });
        if (!values.length) return "";
        values.sort(function (a, b) { return name === "year" ? b.localeCompare(a) : counts[name][b] - counts[name][a] || a.localeCompare(b, "zh"); });
        return (
          '<fieldset class="ql-facet"><legend>' + escapeHtml(labels[name]) + "</legend>" +
          values.map(function (value) {
            var on = (chosen[name] || []).indexOf(value) >= 0;
            return (
              '<label class="ql-facet__option"><input type="checkbox" data-filter="' + escapeHtml(name) +
              '" value="' + escapeHtml(value) + '"' + (on ? " checked" : "") + "> " + escapeHtml(value) +
              ' <span class="ql-facet__count">' + (counts[name][value] || 0) + "</span></label>"
            );
          }).join("") + "</fieldset>"
        );
      }).join("");
      if (focusedFilter) {
        var again = Array.prototype.filter.call(facets.querySelectorAll("input[data-filter]"), function (box) {
          return box.getAttribute("data-filter") === focusedFilter && box.value === focusedValue;
        })[0];
        if (again) again.focus();
      }
    }

    async function showMore() {
      var items = await current.top(shown + PAGE_SIZE);
      list.innerHTML = current.listItems(items);
      shown = items.length;
      more.hidden = shown >= current.results.length;
    }

    async function run() {
      address();
      var query = input.value.trim();
      status.textContent = MESSAGES.loading;
      try {
        var loaded = await engine(root);
        await loaded.loadFilters();
        var search = await new Search(loaded, query, chosen).run();
        current = search;
        shown = 0;
        drawFilters(search);
        if (!search.query.term && !Object.keys(chosen).length) {
          status.textContent = MESSAGES.prompt;
          list.innerHTML = "";
          more.hidden = true;
          return;
        }
        await showMore();
        if (current !== search) return;
        status.textContent = search.results.length
          ? (query ? "找到 " + search.results.length + " 条与“" + query + "”相关的结果" : "共 " + search.results.length + " 条结果") +
            "，包含完整词语的排在前面。"
          : format(MESSAGES.empty, { q: query });
      } catch (error) {
        status.textContent = message(error);
        facets.innerHTML = "";
        list.innerHTML = "<li>" + browseLinks(root) + "</li>";
        more.hidden = true;
      }
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run();
    });
    facets.addEventListener("change", function (event) {
      var box = event.target;
      var name = box.getAttribute("data-filter");
      if (!name) return;
      var values = (chosen[name] || []).filter(function (v) { return v !== box.value; });
      if (box.checked) values.push(box.value);
      if (values.length) chosen[name] = values; else delete chosen[name];
      run();
    });
    more.addEventListener("click", function () { showMore(); });
    run();
  }

  // ---- Terms on the page a result leads to ----------------------------------------

  function highlightTerms(query) {
    var parts = parseQuery(query).parts;
    var article = document.querySelector("article") || document.querySelector("main");
    if (!parts.length || !article) return;
    var walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentElement.closest("script, style, mark, .headerlink") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      },
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    var first = null;
    // A result inside one part of a page (an article of a regulation) shows that part's words first.
    var target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    nodes.forEach(function (node) {
      var html = markPhrases(node.nodeValue, parts);
      if (html.indexOf("<mark>") < 0) return;
      var holder = document.createElement("span");
      holder.innerHTML = html;
      holder.querySelectorAll("mark").forEach(function (mark) { mark.className = "ql-hit"; });
      if (!first || (target && !target.contains(first) && target.contains(node))) first = holder.querySelector("mark");
      node.parentNode.replaceChild(holder, node);
    });
    if (first) first.scrollIntoView({ block: "center" });
  }

  function start() {
    var forms = document.querySelectorAll("form.ql-search");
    forms.forEach(headerBox);
    var page = document.querySelector("[data-ql-search-page]");
    var root = forms.length ? forms[0].getAttribute("data-root") : "./";
    if (page) {
      searchPage(page, root);
      return;
    }
    var query = new URLSearchParams(location.search).get("q");
    if (query) highlightTerms(query);
  }

  window.qinglianSearch = { parseQuery: parseQuery, decodeIndexText: decodeIndexText, engine: engine, Search: Search };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
