/* Qinglian site search, on the portal's own index (qinglian/search; docs/operators, 站内搜索).
 *
 * Text is cut into symbols — each Han character, each run of ASCII letters and digits — and
 * the index lists, for every single symbol, pair and triple, the pages that hold it. A query
 * fetches the few index files its tokens hash to: pages holding all its pairs are results,
 * pages holding all its triples as well hold the phrase itself (for up to three symbols,
 * surely; longer phrases are confirmed on the page text before a result is shown above the
 * dividing line). Written for Chromium 67 and later: ES2017, no modules, no WebAssembly.
 */
(function () {
  "use strict";

  var HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
  var HAN_SYMBOL = new RegExp("[" + HAN + "]", "u");
  var PAGE_SIZE = 10;
  var PANEL_SIZE = 6;
  var INDEX_FOLDER = "search-index/";
  // A crafted link (search/?q=…) must not make a reader's browser fetch the whole index:
  // a query is cut to this many characters, and to this many index files.
  var MAX_QUERY_CHARS = 40;
  var MAX_QUERY_FILES = 24;

  var MESSAGES = {
    file: "站内搜索需要通过网站服务器访问。当前页面是从本地文件直接打开的（地址以 file:// 开头），请改用网站地址访问，或联系网站管理员。",
    failed: "搜索暂时无法使用，请稍后再试或联系网站管理员。",
    loading: "正在搜索……",
    empty: "没有找到包含“{q}”的内容。可以换一个词，或减少词语再试。",
    prompt: "请输入要查找的词语，例如：八项规定、以案促改、四风。",
    trimmed: "搜索词太长，只按前 {n} 个字查找。",
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

  function normalise(text) {
    return (text.normalize ? text.normalize("NFKC") : text).toLowerCase();
  }

  /* The runs of symbols in a text, as qinglian/search/tokens.py cuts them. */
  function symbolRuns(text) {
    var runs = [];
    var run = [];
    var word = "";
    Array.from(normalise(text)).forEach(function (c) {
      if (/^[0-9a-z]$/.test(c)) {
        word += c;
        return;
      }
      if (word) run.push(word);
      word = "";
      if (HAN_SYMBOL.test(c)) {
        run.push(c);
      } else if (run.length) {
        runs.push(run);
        run = [];
      }
    });
    if (word) run.push(word);
    if (run.length) runs.push(run);
    return runs;
  }

  /* Tokens two apart cover a run as surely as all of them (警示 and 教育 spell 警示教育 with
   * 示教 between), so a query fetches half the pairs and half the triples. */
  function covering(run, size) {
    var tokens = [];
    if (run.length < size) return tokens;
    for (var i = 0; i + size <= run.length; i += 2) tokens.push(run.slice(i, i + size).join(""));
    var last = run.slice(run.length - size).join("");
    if (tokens[tokens.length - 1] !== last) tokens.push(last);
    return tokens;
  }

  /* The query as searched: cut until it needs at most MAX_QUERY_FILES index files. */
  function boundedQuery(query, buckets) {
    var characters = Array.from(query.trim());
    var cut = characters.length > MAX_QUERY_CHARS;
    if (cut) characters = characters.slice(0, MAX_QUERY_CHARS);
    for (;;) {
      var plan = parseQuery(characters.join(""));
      var files = {};
      plan.loose.concat(plan.exact).forEach(function (token) { files[bucketOf(token, buckets)] = true; });
      if (Object.keys(files).length <= MAX_QUERY_FILES || characters.length <= 1) {
        plan.trimmed = cut ? characters.length : 0;
        return plan;
      }
      characters = characters.slice(0, characters.length - 1);
      cut = true;
    }
  }

  function parseQuery(query) {
    var parts = [];
    var loose = [];
    var exact = [];
    normalise(query).split(/\s+/).forEach(function (part) {
      var runs = symbolRuns(part);
      if (!runs.length) return;
      parts.push(part);
      runs.forEach(function (run) {
        loose = loose.concat(run.length === 1 ? run : covering(run, 2));
        exact = exact.concat(covering(run, 3));
      });
    });
    function distinct(list) { return list.filter(function (t, i) { return list.indexOf(t) === i; }); }
    loose = distinct(loose);
    exact = distinct(exact);
    var singles = [];
    var pairs = [];
    parts.forEach(function (part) {
      symbolRuns(part).forEach(function (run) {
        singles = singles.concat(run);
        for (var i = 0; i + 2 <= run.length; i++) pairs.push(run.slice(i, i + 2).join(""));
      });
    });
    // singles and pairs: what a search that finds no whole phrase falls back to (near misses).
    return { parts: parts, loose: loose, exact: exact, singles: distinct(singles), pairs: distinct(pairs), term: loose.join(" ") };
  }

  function containsAll(text, parts) {
    var normal = normalise(text);
    return parts.every(function (part) { return normal.indexOf(part) >= 0; });
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

  /* ``versioned``: a file of one index version, gone once a publish replaced it. */
  function Unavailable(reason, versioned) { this.reason = reason; this.versioned = !!versioned; }

  /* The digits of qinglian/search/postings.py: 0-31 end a number, 32-63 continue it. */
  var DIGIT = {};
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_".split("").forEach(function (c, i) {
    DIGIT[c.charCodeAt(0)] = i;
  });

  /* A list of page numbers, each with its flag (the token is in the page's title). */
  function decodeList(text) {
    var pages = [];
    var titles = [];
    var value = 0;
    var page = -1;
    for (var i = 0; i < text.length; i++) {
      var digit = DIGIT[text.charCodeAt(i)];
      if (digit >= 32) {
        value = value * 32 + digit - 32;
        continue;
      }
      value = value * 32 + digit;
      page += Math.floor(value / 2);
      pages.push(page);
      titles.push(value % 2);
      value = 0;
    }
    return { pages: pages, titles: titles };
  }

  /* FNV-1a over UTF-16 code units, as qinglian/search/tokens.py computes it. */
  function bucketOf(token, buckets) {
    var hash = 0x811c9dc5;
    for (var i = 0; i < token.length; i++) {
      hash ^= token.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash & (buckets - 1);
  }

  function fetchJson(url, options) {
    return fetch(url, options).then(function (response) {
      if (!response.ok) throw new Unavailable("failed", url.indexOf("/" + INDEX_FOLDER + "v-") >= 0);
      return response.json();
    });
  }

  function SearchIndex(root, meta) {
    this.root = root;
    this.meta = meta;
    this.labels = meta.filters;
    this.base = root + INDEX_FOLDER + "v-" + meta.version + "/";
    this.buckets = {};
    this.pages = {};
    this.filterLists = null;
  }

  SearchIndex.prototype.bucket = function (token) {
    var number = bucketOf(token, this.meta.buckets);
    if (!this.buckets[number]) {
      var buckets = this.buckets;
      buckets[number] = fetchJson(this.base + "t/" + number + ".json");
      buckets[number].catch(function () { delete buckets[number]; });
    }
    return this.buckets[number];
  };

  SearchIndex.prototype.list = async function (token) {
    var lists = await this.bucket(token);
    return decodeList(Object.prototype.hasOwnProperty.call(lists, token) ? lists[token] : "");
  };

  /* Fetch the index files of a query's tokens now, while the reader is still typing. */
  SearchIndex.prototype.preload = function (query) {
    var plan = parseQuery(query);
    plan.loose.concat(plan.exact).forEach(function (token) { this.bucket(token).catch(function () {}); }, this);
  };

  SearchIndex.prototype.page = function (number) {
    if (!this.pages[number]) this.pages[number] = fetchJson(this.base + "p/" + number + ".json");
    return this.pages[number];
  };

  /* Per filter, per value, the pages holding it; only the search page needs them. */
  SearchIndex.prototype.loadFilters = function () {
    if (!this.filterLists) {
      this.filterLists = fetchJson(this.base + "filters.json").then(function (filters) {
        // Maps without a prototype: ?unit=toString or ?topic=__proto__ are values like any other.
        var decoded = Object.create(null);
        Object.keys(filters).forEach(function (name) {
          decoded[name] = Object.create(null);
          filters[name].values.forEach(function (value, i) {
            decoded[name][value] = decodeList(filters[name].lists[i]).pages;
          });
        });
        return decoded;
      });
    }
    return this.filterLists;
  };

  var enginePromise = null;

  var engineCheckedAt = 0;
  // A page left open asks at most this often whether a publish brought a new index version.
  var RECHECK_MS = 30000;

  /* The index named by meta.json. ``fresh`` (or an answer older than RECHECK_MS) asks the
   * server again; the same version keeps its fetched files. */
  function engine(root, fresh) {
    var known = enginePromise;
    if (known && !fresh && Date.now() - engineCheckedAt < RECHECK_MS) return known;
    engineCheckedAt = Date.now();
    var made = enginePromise = (async function () {
      if (location.protocol === "file:") throw new Unavailable("file");
      var previous = known ? await known.catch(function () { return null; }) : null;
      var meta = await fetchJson(root + INDEX_FOLDER + "meta.json", known ? { cache: "no-cache" } : undefined);
      return previous && previous.meta.version === meta.version ? previous : new SearchIndex(root, meta);
    })();
    made.catch(function () { if (enginePromise === made) enginePromise = null; });
    return made;
  }

  function Search(engine, query, filters) {
    this.engine = engine;
    this.query = boundedQuery(query, engine.meta.buckets);
    this.filters = filters || {};
  }

  /* Run a search and load its first ``count`` results. A page left open across a publish
   * still knows the old index version, whose files are gone: it asks for the new one once. */
  async function searched(root, query, filters, count, withCounts) {
    for (var attempt = 0; ; attempt++) {
      try {
        var search = new Search(await engine(root, attempt > 0), query, filters);
        search.withCounts = withCounts;
        await search.run();
        return { search: search, items: await search.top(count) };
      } catch (error) {
        if (attempt > 0 || !(error instanceof Unavailable) || !error.versioned) throw error;
      }
    }
  }

  function has(map, key) { return Object.prototype.hasOwnProperty.call(map, key); }

  /* How many of the lists hold each page, and how many hold it in the title. */
  function tally(lists, size) {
    var held = new Uint16Array(size);
    var titled = new Uint16Array(size);
    lists.forEach(function (list) {
      for (var i = 0; i < list.pages.length; i++) {
        held[list.pages[i]]++;
        titled[list.pages[i]] += list.titles[i];
      }
    });
    return { held: held, titled: titled };
  }

  Search.prototype.run = async function () {
    var index = this.engine;
    var size = index.meta.pages;
    var query = this.query;
    var chosen = this.filters;
    var names = Object.keys(chosen).filter(function (name) { return chosen[name].length; });
    var filterLists = names.length || this.withCounts ? await index.loadFilters() : null;
    if (!query.loose.length && !names.length) {
      this.results = [];
      this.counts = filterLists ? countValues(filterLists, null) : {};
      return this;
    }
    var lists = await Promise.all(query.loose.concat(query.exact).map(function (token) { return index.list(token); }));
    var loose = tally(lists.slice(0, query.loose.length), size);
    var exact = tally(lists.slice(query.loose.length), size);
    var allowed = new Uint8Array(size);
    var needed = names.length;
    names.forEach(function (name) {
      var seen = new Uint8Array(size);
      var lists = filterLists[name] || Object.create(null);
      chosen[name].forEach(function (value) {
        (has(lists, value) ? lists[value] : []).forEach(function (page) { seen[page] = 1; });
      });
      for (var page = 0; page < size; page++) allowed[page] += seen[page];
    });
    // The editors' and operators' guides come last in the index; readers see them only by
    // choosing their collection (their count still shows beside it).
    var readers = typeof index.meta.readers === "number" ? index.meta.readers : size;
    var staffChosen = (chosen.collection || []).indexOf(index.meta.staff) >= 0;
    var all = [];
    for (var page = 0; page < size; page++) {
      if (loose.held[page] !== query.loose.length || allowed[page] !== needed) continue;
      all.push({
        page: page,
        likely: exact.held[page] === query.exact.length,
        // The whole query stands in the title: its pairs are all there.
        inTitle: query.loose.length > 0 && loose.titled[page] === query.loose.length,
        handWritten: page >= index.meta.documents,
        exact: undefined,
        data: null,
      });
    }
    var visible = function (item) { return staffChosen || item.page < readers; };
    this.near = false;
    if (query.parts.length && query.singles.length > 1 && !all.some(function (item) { return item.likely && visible(item); })) {
      var near = await this.nearMisses(allowed, needed, all);
      if (near.some(visible)) {
        all = all.concat(near);
        this.near = !all.some(function (item) { return !item.near && visible(item); });
      }
    }
    var results = all.filter(visible);
    this.results = results;
    this.counts = filterLists ? countValues(filterLists, all) : {};
    this.order();
    return this;
  };

  /* No page holds the whole phrase: the pages holding all its characters, scattered, and failing
   * that the pages holding most of its pairs in order, most first. A shorter query thus never
   * finds less than a longer one that contains it. */
  Search.prototype.nearMisses = async function (allowed, needed, found) {
    var index = this.engine;
    var size = index.meta.pages;
    var query = this.query;
    var files = {};
    var tokens = query.singles.concat(query.pairs).filter(function (token) {
      var file = bucketOf(token, index.meta.buckets);
      if (!files[file] && Object.keys(files).length >= MAX_QUERY_FILES) return false;
      files[file] = true;
      return true;
    });
    var singles = tokens.filter(function (token) { return query.singles.indexOf(token) >= 0; });
    var pairs = tokens.filter(function (token) { return query.singles.indexOf(token) < 0; });
    var lists = await Promise.all(tokens.map(function (token) { return index.list(token); }));
    var held = tally(lists.slice(0, singles.length), size).held;
    var inOrder = tally(lists.slice(singles.length), size).held;
    var known = {};
    found.forEach(function (item) { known[item.page] = true; });
    function item(page) {
      return { page: page, likely: false, near: true, score: inOrder[page], inTitle: false, handWritten: page >= index.meta.documents, exact: false, data: null };
    }
    var scattered = [];
    var most = [];
    var least = Math.max(1, Math.ceil(pairs.length / 2));
    for (var page = 0; page < size; page++) {
      if (known[page] || allowed[page] !== needed) continue;
      if (singles.length === query.singles.length && held[page] === singles.length) scattered.push(item(page));
      else if (pairs.length && inOrder[page] >= least) most.push(item(page));
    }
    return scattered.length ? scattered : most;
  };

  /* Per filter value, how many of ``results`` hold it (all pages when ``results`` is null). */
  function countValues(filterLists, results) {
    var member = null;
    if (results) {
      member = {};
      results.forEach(function (item) { member[item.page] = true; });
    }
    var counts = Object.create(null);
    Object.keys(filterLists).forEach(function (name) {
      counts[name] = Object.create(null);
      Object.keys(filterLists[name]).forEach(function (value) {
        var pages = filterLists[name][value];
        counts[name][value] = member ? pages.filter(function (page) { return member[page]; }).length : pages.length;
      });
    });
    return counts;
  }

  Search.prototype.order = function () {
    // Pages with the phrase first (a page counts as one until its text shows otherwise), then the
    // pages with its words apart, then near misses (most of the phrase's pairs first); in each
    // group documents, then quizzes whose questions do not hold the phrase (only an option or a
    // topic does), then hand-written pages; titles holding the words first, then newest.
    function group(item) { return item.near ? 2 : item.exact === true || (item.exact === undefined && item.likely) ? 0 : 1; }
    this.results.sort(function (a, b) {
      return group(a) - group(b) || (b.score || 0) - (a.score || 0) || a.handWritten - b.handWritten ||
        (a.quizOnly ? 1 : 0) - (b.quizOnly ? 1 : 0) || b.inTitle - a.inTitle || a.page - b.page;
    });
  };

  /* A quiz whose questions themselves do not hold the phrase (only an option does) ranks after documents. */
  function quizOnly(data, parts) {
    if (data.collection !== "在线测试" || !parts.length) return false;
    return !data.text.split("\n").some(function (line) { return /^\d+\. /.test(line) && containsAll(line, parts); });
  }

  /* The first ``count`` results, loaded and checked; reorders until they are stable. */
  Search.prototype.top = async function (count) {
    var parts = this.query.parts;
    var index = this.engine;
    for (;;) {
      var shown = this.results.slice(0, count);
      var pending = shown.filter(function (item) { return !item.data; });
      if (!pending.length) return shown;
      await Promise.all(pending.map(async function (item) {
        var data = await index.page(item.page);
        item.data = data;
        item.exact = parts.length && !item.near ? containsAll([data.title, data.collection, data.date, data.text].join("\n"), parts) : !item.near;
        item.quizOnly = item.exact === true && quizOnly(data, parts);
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
    var data = item.data;
    var parts = this.query.parts;
    return (
      '<a class="ql-result__link" href="' + escapeHtml(this.link(item)) + '">' +
      '<span class="ql-result__title">' + markPhrases(data.title || data.url, parts) + "</span></a>" +
      '<span class="ql-result__meta">' + escapeHtml([data.collection, data.date].filter(Boolean).join(" · ")) +
      (data.status ? ' <span class="ql-result__status">' + escapeHtml(data.status) + "</span>" : "") + "</span>" +
      (parts.length ? '<span class="ql-result__excerpt">' + excerpt(data.text, parts) + "</span>" : "")
    );
  };

  /* The results as list items; where the pages without the whole phrase begin, a line says so. */
  Search.prototype.listItems = function (items) {
    var parts = this.query.parts;
    var describe = this.describe.bind(this);
    return items.map(function (item, index) {
      var divider = "";
      var previous = index ? items[index - 1] : null;
      if (item.near && (!previous || !previous.near)) {
        divider = '<li class="ql-results__divider">' + (previous ? "以下是相近的结果：" : "没有完全匹配的结果，以下是相近的结果。") + "</li>";
      } else if (parts.length && item.exact === false && !item.near && (!previous || previous.exact !== false)) {
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

  function trimmedNote(search) {
    var count = search.query.trimmed;
    return count ? '<p class="ql-search__note">' + escapeHtml(format(MESSAGES.trimmed, { n: count })) + "</p>" : "";
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
        var found = await searched(root, query, null, PANEL_SIZE, false);
        var search = found.search;
        var items = found.items;
        if (!search.query.term || ticket !== latest) return;
        var note = trimmedNote(search);
        if (!items.length) {
          show(note + '<p class="ql-search__note">' + escapeHtml(format(MESSAGES.empty, { q: query })) + "</p>");
          return;
        }
        var all = root + "search/?q=" + encodeURIComponent(query);
        show(
          note + '<ol class="ql-results">' +
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
        // Fetch the index files for the words typed so far; the search itself waits a moment.
        var typedQuery = input.value;
        enginePromise.then(function (loaded) { loaded.preload(typedQuery); }).catch(function () {});
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
        // The search page shows how many results each filter value has.
        var search = (await searched(root, query, chosen, PAGE_SIZE, true)).search;
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
        var shownQuery = search.query.parts.join(" ");
        status.textContent = (search.query.trimmed ? format(MESSAGES.trimmed, { n: search.query.trimmed }) : "") + (search.near
          ? "没有完全匹配“" + shownQuery + "”的结果，以下是 " + search.results.length + " 条相近的结果。"
          : search.results.length
          ? (query ? "找到 " + search.results.length + " 条与“" + shownQuery + "”相关的结果" : "共 " + search.results.length + " 条结果") +
            "，包含完整词语的排在前面。"
          : format(MESSAGES.empty, { q: shownQuery }));
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
    var parts = parseQuery(Array.from(query).slice(0, MAX_QUERY_CHARS).join("")).parts;
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
      node.parentNode.replaceChild(holder, node);
      // A pool quiz hides the questions it did not draw: scroll to words the reader can see.
      var mark = holder.querySelector("mark");
      if (!mark.getClientRects().length) return;
      if (!first || (target && !target.contains(first) && target.contains(mark))) first = mark;
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

  window.qinglianSearch = { parseQuery: parseQuery, symbolRuns: symbolRuns, decodeList: decodeList, bucketOf: bucketOf, engine: engine, Search: Search };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
