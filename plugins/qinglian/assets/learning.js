/* Qinglian learning record, kept in this browser only: 已学 marks, quiz and exam attempts,
 * 每日一题 answers, the 错题本 and the reader's name for the 学习记录. This file runs on every
 * page (after the page's content, before its deferred quiz.js): storage, scoring, the 已学 button,
 * plan progress and the marks on links. The views of the home page and the learning pages are
 * in practice.js. ES2017 classic script.
 * Storage that is disabled or full is said once, in Chinese; the page goes on without memory. */
(function () {
  "use strict";

  var KEY = "qinglian.learning";
  var QUIZ_STORE = "qinglian.quiz.";
  // Bounds, so a record never outgrows the browser's storage: the oldest entries go first.
  var LIMITS = { read: 3000, attempts: 1000, mistakes: 500, daily: 400 };
  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  var TYPES = { single: "单选题", multiple: "多选题", truefalse: "判断题", blanks: "填空题" };

  /* ---- dates: the reader's own calendar day ---- */

  function two(n) { return (n < 10 ? "0" : "") + n; }
  function isoDay(date) { return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate()); }
  function today() { return isoDay(new Date()); }
  function chineseDate(iso) {
    var parts = iso.split("-");
    return Number(parts[0]) + "年" + Number(parts[1]) + "月" + Number(parts[2]) + "日";
  }
  function daysBefore(iso, n) {
    var parts = iso.split("-");
    return isoDay(new Date(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2]) - n));
  }

  /* ---- storage ---- */

  var warned = false;
  function storageFailed() {
    if (warned) return;
    warned = true;
    var box = document.createElement("p");
    box.className = "ql-learning-warning";
    box.setAttribute("role", "alert");
    box.textContent = "本机浏览器不能保存学习记录（本地存储已关闭或已满），本页的作答、标记和成绩不会被记住。请在浏览器设置中允许本站保存数据，或清理浏览器数据后再试。";
    var main = document.querySelector(".md-content__inner") || document.body;
    main.insertBefore(box, main.firstChild);
  }

  function empty() { return { read: {}, attempts: [], daily: {}, mistakes: {}, profile: { name: "", unit: "" } }; }

  function load() {
    var record = empty();
    try {
      var saved = JSON.parse(localStorage.getItem(KEY) || "null");
      if (saved && typeof saved === "object") {
        Object.keys(record).forEach(function (part) {
          if (saved[part] && typeof saved[part] === typeof record[part] && Array.isArray(saved[part]) === Array.isArray(record[part])) record[part] = saved[part];
        });
      }
    } catch (error) {
      storageFailed();
    }
    return record;
  }

  function trimmed(map, limit, dateOf) {
    var keys = Object.keys(map);
    if (keys.length <= limit) return;
    keys.sort(function (a, b) { return dateOf(map[a]) < dateOf(map[b]) ? -1 : 1; });
    keys.slice(0, keys.length - limit).forEach(function (key) { delete map[key]; });
  }

  function save(record) {
    trimmed(record.read, LIMITS.read, function (entry) { return entry.date; });
    trimmed(record.mistakes, LIMITS.mistakes, function (entry) { return entry.date; });
    trimmed(record.daily, LIMITS.daily, function (entry) { return entry.day; });
    if (record.attempts.length > LIMITS.attempts) record.attempts.splice(0, record.attempts.length - LIMITS.attempts);
    try {
      localStorage.setItem(KEY, JSON.stringify(record));
      return true;
    } catch (error) {
      storageFailed();
      return false;
    }
  }

  function update(change) {
    var record = load();
    change(record);
    save(record);
    return record;
  }

  /* ---- addresses: pages are named by their path from the site's root ---- */

  var siteBase = (function () {
    try {
      var config = JSON.parse(document.getElementById("__config").textContent);
      return new URL(config.base || ".", location.href);
    } catch (error) {
      return new URL("/", location.href);
    }
  })();
  var basePath = siteBase.pathname.replace(/[^/]*$/, "");

  function pageKey(href) {
    var url;
    try { url = new URL(href, location.href); } catch (error) { return null; }
    if (url.host !== location.host || url.pathname.indexOf(basePath) !== 0) return null;
    return decodeURI(url.pathname.slice(basePath.length)).replace(/index\.html$/, "");
  }

  function siteHref(key) { return basePath + key; }

  /* ---- questions: scoring and answers in words ---- */

  function normalise(text) {
    return String(text == null ? "" : text).normalize("NFKC").replace(/\s+/g, " ").trim().toLowerCase();
  }

  /* Points for one answered question. q: {kind, c, t, b, p}; response as read from the form. */
  function score(q, response, multipleMode) {
    var full = q.p;
    if (q.kind === "single") return response !== null && Number(response) === q.c[0] ? full : 0;
    if (q.kind === "truefalse") return response !== null && response === q.t ? full : 0;
    if (q.kind === "multiple") {
      var chosen = (response || []).map(Number);
      var wrong = chosen.some(function (i) { return q.c.indexOf(i) < 0; });
      if (wrong || chosen.length === 0) return 0;
      if (chosen.length === q.c.length) return full;
      return multipleMode === "half" ? full / 2 : 0;
    }
    var right = q.b.filter(function (accepted, i) {
      var given = normalise((response || [])[i]);
      return given !== "" && accepted.some(function (a) { return normalise(a) === given; });
    }).length;
    return Math.round((full * right / q.b.length) * 100) / 100;
  }

  function rightAnswer(item) {
    if (item.kind === "truefalse") return item.t ? "正确" : "错误";
    if (item.kind === "blanks") return item.b.map(function (accepted, i) { return "第" + (i + 1) + "空 " + accepted.join(" / "); }).join("；");
    return item.c.map(function (i) { return LETTERS[i]; }).join("、");
  }

  function givenAnswer(item, response) {
    if (response === null || response === undefined || (Array.isArray(response) && !response.join("").trim())) return "未作答";
    if (item.kind === "truefalse") return response === true || response === "true" ? "正确" : "错误";
    if (item.kind === "blanks") return response.map(function (text, i) { return "第" + (i + 1) + "空 " + (String(text).trim() || "（空）"); }).join("；");
    var chosen = Array.isArray(response) ? response.map(Number) : [Number(response)];
    return chosen.sort().map(function (i) { return LETTERS[i]; }).join("、");
  }

  /* A question of a quiz page as the 错题本 keeps it: options in their written order, addresses from the root. */
  function questionFromPage(quiz, fieldset, q, response) {
    var kind = fieldset.getAttribute("data-kind");
    var textNode = fieldset.querySelector(".ql-q__text");
    var text = "";
    Array.prototype.forEach.call(textNode.childNodes, function (node) {
      text += node.nodeName === "INPUT" ? "___" : node.textContent;
    });
    var options = Array.prototype.slice.call(fieldset.querySelectorAll(".ql-q__option"))
      .filter(function () { return kind === "single" || kind === "multiple"; })
      .map(function (label) { return [Number(label.querySelector("input").value), label.querySelector(".ql-q__label").textContent]; })
      .sort(function (a, b) { return a[0] - b[0]; })
      .map(function (pair) { return pair[1]; });
    var item = {
      id: fieldset.getAttribute("data-qid"), kind: kind, text: text.trim(), options: options, p: 1, e: q.e,
      quiz: [quiz.form.getAttribute("aria-label"), pageKey(location.href)]
    };
    if (q.c) item.c = q.c;
    if (q.t !== undefined) item.t = q.t;
    if (q.b) item.b = q.b;
    if (q.source) item.source = [pageKey(q.source[0]) + (q.source[0].indexOf("#") >= 0 ? q.source[0].slice(q.source[0].indexOf("#")) : ""), q.source[1]];
    item.given = givenAnswer(item, response === undefined ? null : response);
    return item;
  }

  /* A question answered anywhere: wrong puts it in the 错题本; right twice in a row takes it out. */
  function answered(item, right) {
    update(function (record) {
      var kept = record.mistakes[item.id];
      if (!right) {
        record.mistakes[item.id] = Object.assign({}, item, { date: today(), wrong: (kept ? kept.wrong : 0) + 1, streak: 0 });
      } else if (kept) {
        kept.streak += 1;
        if (kept.streak >= 2) delete record.mistakes[item.id];
      }
    });
  }

  function recordAttempt(attempt) {
    update(function (record) { record.attempts.push(Object.assign({ date: today() }, attempt)); });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* ---- 已学 and the marks on links ---- */

  function quizPassed(key) {
    var match = /^quizzes\/([a-z0-9-]+)\/$/.exec(key || "");
    if (!match) return false;
    try { return !!(JSON.parse(localStorage.getItem(QUIZ_STORE + match[1])) || {}).passed; } catch (error) { return false; }
  }

  function markLinks(record) {
    var links = document.querySelectorAll(".md-content a[href], .md-nav a[href]");
    Array.prototype.forEach.call(links, function (link) {
      if (link.closest(".ql-done, .ql-revised-note, .ql-record, .ql-mistakes, .ql-daily, .ql-past-daily, .headerlink")) return;
      var old = link.querySelector(".ql-mark");
      if (old) link.removeChild(old);
      var key = pageKey(link.href.split("#")[0]);
      var label = key && record.read[key] ? "已学" : quizPassed(key) ? "已及格" : "";
      if (!label) return;
      var mark = element("span", "ql-mark", label);
      mark.setAttribute("aria-label", "（" + label + "）");
      link.appendChild(mark);
    });
  }

  function planProgress(record) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-ql-plan-progress]"), function (line) {
      var keys = [];
      Array.prototype.forEach.call(document.querySelectorAll(".ql-session__readings a"), function (link) {
        if (link.closest(".ql-revised-note")) return;
        var key = pageKey(link.href.split("#")[0]);
        if (key && keys.indexOf(key) < 0) keys.push(key);
      });
      if (!keys.length) return;
      var done = keys.filter(function (key) { return record.read[key] || quizPassed(key); }).length;
      var percent = Math.round(100 * done / keys.length);
      line.textContent = "本计划学习材料 " + keys.length + " 项，已学 " + done + " 项（" + percent + "%）。 ";
      var bar = element("progress", "ql-plan-progress__bar");
      bar.max = keys.length;
      bar.value = done;
      bar.setAttribute("aria-label", "学习进度 " + percent + "%");
      line.appendChild(bar);
      line.hidden = false;
    });
  }

  function doneButton(block) {
    var key = pageKey(location.href);
    var button = block.querySelector(".ql-done__button");
    var status = block.querySelector(".ql-done__status");
    function show(record) {
      var entry = record.read[key];
      button.setAttribute("aria-pressed", entry ? "true" : "false");
      button.textContent = entry ? "已学（点击取消）" : "标记为已学";
      status.textContent = entry ? "已于" + chineseDate(entry.date) + "标记为已学。" : "";
      block.classList.toggle("ql-done--done", !!entry);
    }
    button.addEventListener("click", function () {
      show(update(function (record) {
        if (record.read[key]) delete record.read[key];
        else record.read[key] = { title: block.getAttribute("data-title"), date: today() };
      }));
    });
    block.hidden = false;
    show(load());
    // Reaching the end of the text offers the mark, once.
    if (window.IntersectionObserver && !load().read[key]) {
      var observer = new IntersectionObserver(function (entries) {
        if (!entries.some(function (e) { return e.isIntersecting; })) return;
        observer.disconnect();
        if (!load().read[key]) {
          block.classList.add("ql-done--offered");
          status.textContent = "已读到文末。读完了可以点击“标记为已学”，记入学习记录。";
        }
      });
      observer.observe(block);
    }
  }

  window.QinglianLearning = {
    // For quiz.js and exam.js.
    score: score, normalise: normalise, storageFailed: storageFailed,
    questionFromPage: questionFromPage, answered: answered, recordAttempt: recordAttempt,
    // For practice.js (the home page and the learning pages).
    KEY: KEY, QUIZ_STORE: QUIZ_STORE, LETTERS: LETTERS, TYPES: TYPES,
    today: today, chineseDate: chineseDate, daysBefore: daysBefore, load: load, update: update,
    siteHref: siteHref, rightAnswer: rightAnswer, givenAnswer: givenAnswer, element: element
  };

  var record = load();
  Array.prototype.forEach.call(document.querySelectorAll("[data-ql-done]"), doneButton);
  planProgress(record);
  markLinks(record);
})();
