/* Qinglian self-test quizzes: draw, shuffle, score and remember attempts in this browser.
 * Plain ES2017 classic script with no dependencies, so it runs in the older Chromium browsers of an intranet.
 * The answer key arrives base64-encoded (an exam's sealed too, see learning/sealing.py) and reaches
 * the page only after the reader submits. Attempts and wrong answers go to the reader's learning
 * record (learning.js); an exam's timer and answer sheet are in exam.js. */
(function () {
  "use strict";

  var STORE = "qinglian.quiz.";

  // One scoring for quizzes, the daily question and the 错题本 (learning.js runs first on every page).
  var score = window.QinglianLearning.score;
  var normalise = window.QinglianLearning.normalise;

  /* FNV-1a over UTF-16 code units and a xorshift32 byte stream: seed_of and _stream in sealing.py. */
  function seedOf(text) {
    var value = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      value ^= text.charCodeAt(i);
      value = Math.imul(value, 0x01000193) >>> 0;
    }
    return value || 1;
  }

  function unseal(array, seedText) {
    var state = seedOf(seedText);
    for (var i = 0; i < array.length; i++) {
      state ^= state << 13; state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5; state >>>= 0;
      array[i] ^= state & 0xff;
    }
  }

  function decodeKey(text, seedText) {
    var bytes = atob(text);
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i);
    if (seedText) unseal(array, seedText);
    var key = JSON.parse(new TextDecoder("utf-8").decode(array));
    Object.keys(key.q).forEach(function (number) {
      var q = key.q[number];
      q.source = q.s === undefined ? null : key.s[q.s];
    });
    return key.q;
  }

  function load(slug) {
    try { return JSON.parse(localStorage.getItem(STORE + slug)) || {}; } catch (e) { return {}; }
  }

  function save(slug, state) {
    try {
      localStorage.setItem(STORE + slug, JSON.stringify(state));
    } catch (e) {
      /* Disabled or full storage: the attempt lasts for this page; learning.js says so once. */
      if (window.QinglianLearning) window.QinglianLearning.storageFailed();
    }
  }

  /* The inputs that hold an answer (an exam's 标记 box is not one). */
  function answerInputs(fieldset) {
    return Array.prototype.slice.call(fieldset.querySelectorAll(".ql-q__options input, input.ql-q__blank"));
  }

  function shuffled(items) {
    var copy = items.slice();
    for (var i = copy.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var t = copy[i]; copy[i] = copy[j]; copy[j] = t;
    }
    return copy;
  }

  function formatPoints(value) {
    return String(Math.round(value * 100) / 100);
  }

  function Quiz(form) {
    this.form = form;
    this.slug = form.getAttribute("data-slug");
    this.version = form.getAttribute("data-version");
    this.total = Number(form.getAttribute("data-total"));
    this.pass = Number(form.getAttribute("data-pass"));
    this.draw = form.hasAttribute("data-draw") ? Number(form.getAttribute("data-draw")) : null;
    this.multiple = form.getAttribute("data-multiple");
    this.exam = form.hasAttribute("data-exam") ? Number(form.getAttribute("data-exam")) : null;
    this.fieldsets = Array.prototype.slice.call(form.querySelectorAll(".ql-q"));
    this.result = form.querySelector(".ql-quiz__result");
    this.state = load(this.slug);
    if (this.state.version !== this.version) this.state = { version: this.version };
    if (!this.state.attempt) this.newAttempt();
    if (this.exam !== null) this.examView = window.QinglianExam(this);
    this.render();
    var self = this;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (self.examView) self.examView.confirm(); else self.submit();
    });
    form.addEventListener("change", function () { self.remember(); });
    form.addEventListener("input", function () { self.remember(); });
    form.querySelector(".ql-quiz__restart").addEventListener("click", function () {
      self.newAttempt();
      self.render();
      var first = self.form.querySelector(".ql-q:not([hidden]) input");
      if (first) first.focus();
    });
  }

  Quiz.prototype.newAttempt = function () {
    var numbers = this.fieldsets.map(function (f) { return f.getAttribute("data-number"); });
    var chosen = this.draw ? shuffled(numbers).slice(0, this.draw) : numbers;
    chosen.sort(function (a, b) { return a - b; });
    var order = {};
    this.fieldsets.forEach(function (fieldset) {
      var kind = fieldset.getAttribute("data-kind");
      if (kind === "single" || kind === "multiple") {
        var count = fieldset.querySelectorAll(".ql-q__option").length;
        order[fieldset.getAttribute("data-number")] = shuffled(Array.apply(null, { length: count }).map(function (_, i) { return i; }));
      }
    });
    this.state.attempt = { questions: chosen, order: order, answers: {}, submitted: false };
    if (this.examView) this.examView.reset();
    save(this.slug, this.state);
  };

  Quiz.prototype.render = function () {
    var attempt = this.state.attempt;
    var shown = 0;
    this.fieldsets.forEach(function (fieldset) {
      var number = fieldset.getAttribute("data-number");
      var visible = attempt.questions.indexOf(number) >= 0;
      fieldset.hidden = !visible;
      fieldset.classList.remove("ql-q--right", "ql-q--wrong", "ql-q--partial");
      var review = fieldset.querySelector(".ql-q__review");
      review.hidden = true;
      review.textContent = "";
      if (!visible) return;
      shown += 1;
      fieldset.querySelector(".ql-q__no").textContent = shown + ".";
      var box = fieldset.querySelector(".ql-q__options");
      var order = attempt.order[number];
      if (box && order) {
        var labels = Array.prototype.slice.call(box.querySelectorAll(".ql-q__option"));
        var byValue = {};
        labels.forEach(function (label) { byValue[label.querySelector("input").value] = label; });
        order.forEach(function (value, position) {
          var label = byValue[String(value)];
          label.querySelector(".ql-q__letter").textContent = String.fromCharCode(65 + position) + ".";
          box.appendChild(label);
        });
      }
      var saved = attempt.answers[number];
      answerInputs(fieldset).forEach(function (input) {
        input.disabled = attempt.submitted;
        if (input.type === "text") {
          input.value = saved ? (saved[Number(input.getAttribute("data-blank"))] || "") : "";
        } else {
          input.checked = saved != null && (Array.isArray(saved) ? saved.indexOf(input.value) >= 0 : saved === input.value);
        }
      });
    });
    this.form.querySelector(".ql-quiz__submit").disabled = attempt.submitted;
    this.form.querySelector(".ql-quiz__progress").textContent = "本次作答共 " + shown + " 题。";
    if (attempt.submitted) this.review(); else this.result.hidden = true;
    if (this.examView) this.examView.render();
  };

  Quiz.prototype.responses = function (fieldset) {
    var kind = fieldset.getAttribute("data-kind");
    var inputs = answerInputs(fieldset);
    if (kind === "blanks") return inputs.map(function (input) { return input.value; });
    var checked = inputs.filter(function (input) { return input.checked; }).map(function (input) { return input.value; });
    if (kind === "multiple") return checked;
    return checked.length ? checked[0] : null;
  };

  Quiz.prototype.remember = function () {
    var attempt = this.state.attempt;
    if (attempt.submitted) return;
    var self = this;
    this.fieldsets.forEach(function (fieldset) {
      if (!fieldset.hidden) attempt.answers[fieldset.getAttribute("data-number")] = self.responses(fieldset);
    });
    save(this.slug, this.state);
  };

  /* Each question of the attempt with its key and the points it earned; the key is decoded once. */
  Quiz.prototype.marks = function () {
    if (!this.key) this.key = decodeKey(this.form.getAttribute("data-key"), this.exam !== null ? this.slug + ":" + this.version : null);
    var attempt = this.state.attempt;
    var self = this;
    return attempt.questions.map(function (number) {
      var fieldset = self.form.querySelector('.ql-q[data-number="' + number + '"]');
      var q = self.key[number];
      q.kind = fieldset.getAttribute("data-kind");
      var response = attempt.answers[number];
      if (response === undefined) response = null;
      if (q.kind === "truefalse" && response !== null) response = response === "true";
      return { fieldset: fieldset, q: q, got: score(q, response, self.multiple) };
    });
  };

  Quiz.prototype.submit = function () {
    this.remember();
    var attempt = this.state.attempt;
    var total = this.marks().reduce(function (sum, mark) { return sum + mark.got; }, 0);
    attempt.submitted = true;
    attempt.score = Math.round(total * 100) / 100;
    this.state.best = Math.max(this.state.best || 0, attempt.score);
    this.state.completed = true;
    this.state.passed = this.state.passed || attempt.score >= this.pass;
    if (this.examView) this.examView.finish(attempt);
    save(this.slug, this.state);
    this.record(attempt);
    this.render();
    this.result.focus();
  };

  /* The attempt in the reader's learning record, and each question in or out of the 错题本. */
  Quiz.prototype.record = function (attempt) {
    var learning = window.QinglianLearning;
    if (!learning) return;
    var self = this;
    learning.recordAttempt({
      quiz: this.slug, title: this.form.getAttribute("aria-label"), url: location.pathname,
      score: attempt.score, total: this.total, pass: this.pass, passed: attempt.score >= this.pass,
      exam: this.exam !== null, seconds: attempt.seconds === undefined ? null : attempt.seconds
    });
    this.marks().forEach(function (mark) {
      var item = learning.questionFromPage(self, mark.fieldset, mark.q, attempt.answers[mark.fieldset.getAttribute("data-number")]);
      learning.answered(item, mark.got >= mark.q.p);
    });
  };

  Quiz.prototype.review = function () {
    var attempt = this.state.attempt;
    var self = this;
    var wrong = 0;
    this.marks().forEach(function (mark) {
      var fieldset = mark.fieldset, q = mark.q, got = mark.got;
      fieldset.classList.add(got >= q.p ? "ql-q--right" : got > 0 ? "ql-q--partial" : "ql-q--wrong");
      if (got < q.p) wrong += 1;
      var review = fieldset.querySelector(".ql-q__review");
      review.textContent = "";
      var verdict = document.createElement("p");
      verdict.className = "ql-q__verdict";
      verdict.textContent = (got >= q.p ? "回答正确" : got > 0 ? "部分正确" : "回答错误") + "，得 " + formatPoints(got) + " 分（本题 " + q.p + " 分）。";
      review.appendChild(verdict);
      var answer = document.createElement("p");
      answer.textContent = "正确答案：" + self.answerLabel(fieldset, q);
      review.appendChild(answer);
      var explanation = document.createElement("p");
      explanation.textContent = "解析：" + q.e;
      review.appendChild(explanation);
      if (q.source) {
        var source = document.createElement("p");
        source.appendChild(document.createTextNode("出处："));
        var link = document.createElement("a");
        link.href = q.source[0];
        link.textContent = q.source[1];
        source.appendChild(link);
        review.appendChild(source);
      }
      review.hidden = false;
    });
    var passed = attempt.score >= this.pass;
    this.result.textContent = "";
    var heading = document.createElement("p");
    heading.className = "ql-quiz__score " + (passed ? "ql-quiz__score--pass" : "ql-quiz__score--fail");
    heading.textContent = "得分 " + formatPoints(attempt.score) + " / " + this.total + " 分，" + (passed ? "及格" : "不及格") + "（及格分 " + this.pass + " 分）。";
    this.result.appendChild(heading);
    var details = document.createElement("p");
    details.textContent = "答错或未全对 " + wrong + " 题，每题下方有正确答案、解析和出处。本机保存的最高分：" + formatPoints(this.state.best) + " 分。点击“重新作答”可以再做一次。";
    if (this.examView) details.textContent = this.examView.summary(wrong);
    this.result.appendChild(details);
    this.result.hidden = false;
  };

  Quiz.prototype.answerLabel = function (fieldset, q) {
    if (q.kind === "truefalse") return q.t ? "正确" : "错误";
    if (q.kind === "blanks") return q.b.map(function (accepted, i) { return "第" + (i + 1) + "空 " + accepted.join(" / "); }).join("；");
    return q.c.map(function (index) {
      var input = fieldset.querySelector('input[value="' + index + '"]');
      return input.parentNode.querySelector(".ql-q__letter").textContent.replace(".", "");
    }).sort().join("、");
  };

  function markIndex(list) {
    Array.prototype.forEach.call(list.querySelectorAll("[data-quiz-slug]"), function (item) {
      var state = load(item.getAttribute("data-quiz-slug"));
      if (state.version !== item.getAttribute("data-version") || !state.completed) return;
      var status = item.querySelector(".ql-quiz-index__status");
      status.textContent = "已完成 · 最高 " + formatPoints(state.best) + " 分" + (state.passed ? " · 已及格" : "");
      item.classList.add("ql-quiz-index__item--done");
    });
  }

  window.QinglianQuiz = { score: score, normalise: normalise };
  Array.prototype.forEach.call(document.querySelectorAll("form.ql-quiz"), function (form) { new Quiz(form); });
  Array.prototype.forEach.call(document.querySelectorAll(".ql-quiz-index"), markIndex);
})();
