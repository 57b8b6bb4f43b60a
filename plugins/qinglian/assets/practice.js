/* Qinglian practice views: 每日一题 (home page), 往日题目, the 错题本 with 只练错题, and the
 * 学习记录 with its printout and CSV file. The record itself is kept by learning.js, which runs
 * first on every page. ES2017 classic script. */
(function () {
  "use strict";

  var L = window.QinglianLearning;
  var KEY = L.KEY, QUIZ_STORE = L.QUIZ_STORE, LETTERS = L.LETTERS, TYPES = L.TYPES;
  var today = L.today, chineseDate = L.chineseDate, daysBefore = L.daysBefore, load = L.load, update = L.update;
  var siteHref = L.siteHref, rightAnswer = L.rightAnswer, givenAnswer = L.givenAnswer, element = L.element;
  var score = L.score, answered = L.answered, storageFailed = L.storageFailed;

  /* ---- one question as a small form: the daily question and the 错题本's practice ---- */

  function sourceLine(item) {
    var line = element("p", "ql-practice__source");
    line.appendChild(document.createTextNode("出处："));
    var link = element("a", "", item.source ? item.source[1] : item.quiz[0]);
    link.href = siteHref(item.source ? item.source[0] : item.quiz[1]);
    line.appendChild(link);
    return line;
  }

  function review(item, verdict) {
    var box = element("div", "ql-practice__review");
    if (verdict) box.appendChild(element("p", "ql-practice__verdict " + (verdict.right ? "ql-practice__verdict--right" : "ql-practice__verdict--wrong"), (verdict.right ? "回答正确。" : "回答错误。") + "您的作答：" + verdict.given + "。"));
    box.appendChild(element("p", "", "正确答案：" + rightAnswer(item)));
    box.appendChild(element("p", "", "解析：" + item.e));
    box.appendChild(sourceLine(item));
    return box;
  }

  var formCount = 0;
  /* The question with its inputs; ``done(right, given)`` after the reader answers it. */
  function questionForm(item, label, done) {
    formCount += 1;
    var name = "ql-practice-" + formCount;
    var form = element("form", "ql-practice");
    form.setAttribute("novalidate", "");
    var fieldset = element("fieldset", "ql-practice__question");
    var legend = element("legend", "ql-practice__legend", label + "（" + TYPES[item.kind] + "）");
    fieldset.appendChild(legend);
    var text = element("p", "ql-practice__text");
    if (item.kind === "blanks") {
      item.text.split("___").forEach(function (piece, i, pieces) {
        text.appendChild(document.createTextNode(piece));
        if (i < pieces.length - 1) {
          var blank = element("input", "ql-practice__blank");
          blank.type = "text";
          blank.setAttribute("aria-label", "第 " + (i + 1) + " 空");
          blank.autocomplete = "off";
          text.appendChild(blank);
        }
      });
    } else {
      text.textContent = item.text;
    }
    fieldset.appendChild(text);
    var choices = item.kind === "truefalse" ? ["正确", "错误"] : item.options;
    if (item.kind !== "blanks") {
      var list = element("div", "ql-practice__options");
      choices.forEach(function (choice, i) {
        var option = element("label", "ql-practice__option");
        var input = element("input");
        input.type = item.kind === "multiple" ? "checkbox" : "radio";
        input.name = name;
        input.value = item.kind === "truefalse" ? String(i === 0) : String(i);
        option.appendChild(input);
        option.appendChild(document.createTextNode(" " + (item.kind === "truefalse" ? "" : LETTERS[i] + ". ") + choice));
        list.appendChild(option);
      });
      fieldset.appendChild(list);
    }
    form.appendChild(fieldset);
    var submit = element("button", "md-button md-button--primary ql-practice__submit", "提交");
    submit.type = "submit";
    form.appendChild(submit);
    var result = element("div", "ql-practice__result");
    result.setAttribute("role", "status");
    form.appendChild(result);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var inputs = Array.prototype.slice.call(form.querySelectorAll("input"));
      var response;
      if (item.kind === "blanks") response = inputs.map(function (input) { return input.value; });
      else {
        var checked = inputs.filter(function (input) { return input.checked; }).map(function (input) { return input.value; });
        response = item.kind === "multiple" ? checked : checked.length ? checked[0] : null;
        if (item.kind === "truefalse" && response !== null) response = response === "true";
      }
      if (response === null || (Array.isArray(response) && !response.join("").trim())) {
        result.textContent = "请先作答再提交。";
        return;
      }
      inputs.forEach(function (input) { input.disabled = true; });
      submit.hidden = true;
      var right = score(item, response, "all") >= item.p;
      var given = givenAnswer(item, response);
      answered(Object.assign({}, item, { given: given }), right);
      result.textContent = "";
      result.appendChild(review(item, { right: right, given: given }));
      if (done) done(right, given, result);
    });
    return form;
  }

  /* ---- 每日一题: the same question for every reader on a day, drawn by the date alone ---- */

  function hash(text) {
    var value = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) value = Math.imul(value ^ text.charCodeAt(i), 0x01000193) >>> 0;
    return value;
  }

  function dailyQuestion(day) {
    var pool = window.QinglianDailyPool || [];
    return pool.length ? pool[hash("qinglian-daily:" + day) % pool.length] : null;
  }

  function streak(record) {
    var day = today();
    if (!record.daily[day]) day = daysBefore(day, 1);
    var count = 0;
    while (record.daily[day]) { count += 1; day = daysBefore(day, 1); }
    return count;
  }

  function streakText(record) {
    var days = streak(record);
    return days ? "已连续答题 " + days + " 天，累计答题 " + Object.keys(record.daily).length + " 天。" : "今天答题后开始计算连续答题天数。";
  }

  function showDaily(box) {
    var day = today();
    var item = dailyQuestion(day);
    box.textContent = "";
    if (!item) { box.appendChild(element("p", "ql-empty", "还没有可以出题的在线测试。")); return; }
    var record = load();
    box.appendChild(element("p", "ql-daily__meta", chineseDate(day) + " · 选自《" + item.quiz[0] + "》"));
    var streakLine = element("p", "ql-daily__streak", streakText(record));
    var done = record.daily[day];
    if (done && done.id === item.id) {
      box.appendChild(element("p", "ql-practice__text", item.text));
      box.appendChild(review(item, done));
    } else {
      box.appendChild(questionForm(item, "今日题目", function (right, given) {
        var saved = update(function (r) { r.daily[day] = { day: day, id: item.id, right: right, given: given }; });
        streakLine.textContent = streakText(saved);
      }));
    }
    box.appendChild(streakLine);
  }

  function showPastDaily(box) {
    var record = load();
    var days = Number(box.getAttribute("data-days")) || 30;
    box.textContent = "";
    var list = element("ol", "ql-past-daily__list");
    for (var n = 1; n <= days; n++) {
      var day = daysBefore(today(), n);
      var item = dailyQuestion(day);
      if (!item) break;
      var entry = element("li", "ql-past-daily__day");
      entry.appendChild(element("h2", "ql-past-daily__date", chineseDate(day)));
      entry.appendChild(element("p", "ql-practice__text", item.text + (item.options.length ? "　" + item.options.map(function (o, i) { return LETTERS[i] + ". " + o; }).join("　") : "")));
      var mine = record.daily[day];
      entry.appendChild(review(item, mine && mine.id === item.id ? mine : null));
      if (!mine) entry.appendChild(element("p", "ql-past-daily__missed", "这一天您没有作答。"));
      list.appendChild(entry);
    }
    box.appendChild(list);
  }

  /* ---- 错题本 ---- */

  function showMistakes(box) {
    var record = load();
    var items = Object.keys(record.mistakes).map(function (id) { return record.mistakes[id]; });
    box.textContent = "";
    if (!items.length) { box.appendChild(element("p", "ql-empty", "错题本是空的。在线测试或每日一题答错的题目会记在这里。")); return; }
    var bar = element("p", "ql-mistakes__bar", "错题本中共有 " + items.length + " 题。 ");
    var practise = element("button", "md-button md-button--primary ql-mistakes__practise", "只练错题");
    practise.type = "button";
    practise.addEventListener("click", function () { practiseMistakes(box, items); });
    bar.appendChild(practise);
    box.appendChild(bar);
    var groups = {};
    items.sort(function (a, b) { return a.quiz[0] < b.quiz[0] ? -1 : a.quiz[0] > b.quiz[0] ? 1 : a.date < b.date ? 1 : -1; });
    items.forEach(function (item) {
      var group = groups[item.quiz[0]];
      if (!group) {
        var section = element("section", "ql-mistakes__group");
        var heading = element("h2", "ql-mistakes__quiz");
        var link = element("a", "", item.quiz[0]);
        link.href = siteHref(item.quiz[1]);
        heading.appendChild(link);
        section.appendChild(heading);
        group = groups[item.quiz[0]] = element("ol", "ql-mistakes__list");
        section.appendChild(group);
        box.appendChild(section);
      }
      var entry = element("li", "ql-mistakes__item");
      entry.appendChild(element("p", "ql-practice__text", "（" + TYPES[item.kind] + "）" + item.text));
      if (item.options.length) entry.appendChild(element("p", "ql-mistakes__options", item.options.map(function (o, i) { return LETTERS[i] + ". " + o; }).join("　")));
      entry.appendChild(element("p", "ql-mistakes__given", "您的作答：" + item.given + "（答错 " + item.wrong + " 次，最近一次在" + chineseDate(item.date) + "）"));
      entry.appendChild(review(item, null));
      var remove = element("button", "md-button ql-mistakes__remove", "移出错题本");
      remove.type = "button";
      remove.setAttribute("aria-label", "把“" + item.text.slice(0, 20) + "”移出错题本");
      remove.addEventListener("click", function () {
        update(function (r) { delete r.mistakes[item.id]; });
        showMistakes(box);
        box.focus();
      });
      entry.appendChild(remove);
      group.appendChild(entry);
    });
  }

  /* 只练错题: the book's questions one after another; the book updates as each is answered. */
  function practiseMistakes(box, items) {
    var index = 0, right = 0;
    box.textContent = "";
    var status = element("p", "ql-mistakes__progress");
    status.setAttribute("aria-live", "polite");
    var stage = element("div", "ql-mistakes__stage");
    box.appendChild(status);
    box.appendChild(stage);
    function next() {
      stage.textContent = "";
      if (index >= items.length) {
        var left = Object.keys(load().mistakes).length;
        status.textContent = "练习结束：共 " + items.length + " 题，答对 " + right + " 题。错题本中还有 " + left + " 题（连续答对两次的题目已移出）。";
        var back = element("button", "md-button ql-mistakes__back", "返回错题本");
        back.type = "button";
        back.addEventListener("click", function () { showMistakes(box); });
        stage.appendChild(back);
        back.focus();
        return;
      }
      var item = items[index];
      status.textContent = "第 " + (index + 1) + " 题，共 " + items.length + " 题（选自《" + item.quiz[0] + "》）";
      stage.appendChild(questionForm(item, "错题 " + (index + 1), function (ok, given, result) {
        if (ok) right += 1;
        var more = element("button", "md-button ql-mistakes__next", index + 1 < items.length ? "下一题" : "查看结果");
        more.type = "button";
        more.addEventListener("click", function () { index += 1; next(); });
        result.appendChild(more);
        more.focus();
      }));
      var first = stage.querySelector("input");
      if (first) first.focus();
    }
    next();
  }

  /* ---- 学习记录: one table, printed and saved as CSV with the same columns ---- */

  var COLUMNS = ["类别", "日期", "名称", "成绩", "结果", "用时"];

  function minutes(seconds) {
    if (seconds === null || seconds === undefined) return "";
    return Math.floor(seconds / 60) + " 分 " + (seconds % 60) + " 秒";
  }

  function recordRows(record) {
    var rows = Object.keys(record.read).map(function (key) {
      var entry = record.read[key];
      return ["已学文档", entry.date, entry.title, "", "已学", ""];
    });
    record.attempts.forEach(function (a) {
      var points = String(Math.round(a.score * 100) / 100);
      rows.push([a.exam ? "考试" : "在线测试", a.date, a.title, points + " / " + a.total + " 分", a.passed ? "及格" : "不及格", minutes(a.seconds)]);
    });
    rows.sort(function (a, b) { return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0; });
    rows = rows.map(function (row) { return [row[0], chineseDate(row[1])].concat(row.slice(2)); });
    var days = Object.keys(record.daily).length;
    if (days) rows.push(["每日一题", chineseDate(today()), "连续答题 " + streak(record) + " 天，累计 " + days + " 天", "", "", ""]);
    return rows;
  }

  function csvCell(value) {
    var text = String(value);
    // A spreadsheet would run a cell that starts like a formula.
    if (/^[=+\-@]/.test(text)) text = "'" + text;
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function field(labelText, value, onInput) {
    var label = element("label", "ql-record__field");
    label.appendChild(document.createTextNode(labelText + "："));
    var input = element("input");
    input.type = "text";
    input.value = value;
    input.maxLength = 60;
    input.addEventListener("input", function () { onInput(input.value); });
    label.appendChild(input);
    return label;
  }

  function showRecord(box) {
    var record = load();
    box.textContent = "";
    var who = element("div", "ql-record__who");
    var printed = element("p", "ql-record__printed");
    function drawPrinted(r) { printed.textContent = "姓名：" + (r.profile.name || "＿＿＿＿") + "　单位：" + (r.profile.unit || "＿＿＿＿＿＿") + "　打印日期：" + chineseDate(today()); }
    who.appendChild(field("姓名", record.profile.name, function (v) { drawPrinted(update(function (r) { r.profile.name = v; })); }));
    who.appendChild(field("单位", record.profile.unit, function (v) { drawPrinted(update(function (r) { r.profile.unit = v; })); }));
    box.appendChild(who);
    drawPrinted(record);
    box.appendChild(printed);
    var rows = recordRows(record);
    if (!rows.length) {
      box.appendChild(element("p", "ql-empty", "还没有学习记录。阅读文档后点击文末的“标记为已学”，或完成在线测试、每日一题，记录就会出现在这里。"));
    } else {
      var table = element("table", "ql-record__table");
      table.appendChild(element("caption", "", "学习记录（共 " + rows.length + " 条）"));
      var head = element("tr");
      COLUMNS.forEach(function (name) { var th = element("th", "", name); th.scope = "col"; head.appendChild(th); });
      var thead = element("thead"); thead.appendChild(head); table.appendChild(thead);
      var tbody = element("tbody");
      rows.forEach(function (row) {
        var tr = element("tr");
        row.forEach(function (cell) { tr.appendChild(element("td", "", cell)); });
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      box.appendChild(table);
    }
    var actions = element("p", "ql-record__actions");
    var print = element("button", "md-button md-button--primary ql-record__print", "打印学习记录");
    print.type = "button";
    print.addEventListener("click", function () { window.print(); });
    var download = element("button", "md-button ql-record__csv", "保存为表格文件（CSV）");
    download.type = "button";
    download.addEventListener("click", function () { saveCsv(load()); });
    var clear = element("button", "md-button ql-record__clear", "清除我的记录");
    clear.type = "button";
    clear.addEventListener("click", function () { confirmClear(box, actions); });
    [print, download, clear].forEach(function (button) { actions.appendChild(button); actions.appendChild(document.createTextNode(" ")); });
    box.appendChild(actions);
  }

  function saveCsv(record) {
    var lines = [["姓名", record.profile.name], ["单位", record.profile.unit], COLUMNS].concat(recordRows(record));
    var text = "\ufeff" + lines.map(function (row) { return row.map(csvCell).join(","); }).join("\r\n") + "\r\n";
    var link = element("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    link.download = "学习记录-" + (record.profile.name || "未填姓名") + "-" + chineseDate(today()) + ".csv";
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }

  /* 清除我的记录 asks once more in the page, then removes this site's learning data from the browser. */
  function confirmClear(box, actions) {
    var ask = element("div", "ql-record__confirm");
    ask.setAttribute("role", "alertdialog");
    ask.setAttribute("aria-label", "确认清除学习记录");
    ask.tabIndex = -1;
    ask.appendChild(element("p", "", "确定清除本机的全部学习记录吗？已学标记、测试和考试成绩、每日一题和错题本都会删除，不能恢复。"));
    var yes = element("button", "md-button md-button--primary ql-record__clear-yes", "确定清除");
    yes.type = "button";
    var no = element("button", "md-button ql-record__clear-no", "取消");
    no.type = "button";
    yes.addEventListener("click", function () {
      try {
        Object.keys(localStorage).forEach(function (name) {
          if (name === KEY || name.indexOf(QUIZ_STORE) === 0) localStorage.removeItem(name);
        });
      } catch (error) {
        storageFailed();
      }
      showRecord(box);
      var done = element("p", "ql-record__cleared", "学习记录已清除。");
      done.setAttribute("role", "status");
      box.insertBefore(done, box.firstChild);
    });
    no.addEventListener("click", function () { actions.parentNode.removeChild(ask); actions.querySelector(".ql-record__clear").focus(); });
    ask.appendChild(yes);
    ask.appendChild(document.createTextNode(" "));
    ask.appendChild(no);
    actions.parentNode.insertBefore(ask, actions.nextSibling);
    ask.focus();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-ql-daily]"), showDaily);
  Array.prototype.forEach.call(document.querySelectorAll("[data-ql-past-daily]"), showPastDaily);
  Array.prototype.forEach.call(document.querySelectorAll("[data-ql-mistakes]"), function (box) { box.tabIndex = -1; showMistakes(box); });
  Array.prototype.forEach.call(document.querySelectorAll("[data-ql-record]"), showRecord);
})();
