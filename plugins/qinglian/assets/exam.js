/* Qinglian exams: the start button, the countdown, the answer sheet (答题卡) with 标记, and the
 * warning about unanswered questions before handing in. quiz.js scores and records; this file
 * only adds what an exam has that a practice quiz does not. ES2017 classic script.
 * The start time is kept with the attempt, so reloading the page does not stop the clock. */
(function () {
  "use strict";

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function clock(seconds) {
    seconds = Math.max(0, Math.ceil(seconds));
    return two(Math.floor(seconds / 60)) + ":" + two(seconds % 60);
  }

  function spoken(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    var minutes = Math.floor(seconds / 60);
    return (minutes ? minutes + " 分 " : "") + (seconds % 60) + " 秒";
  }

  function Exam(quiz) {
    this.quiz = quiz;
    var form = quiz.form;
    this.limit = quiz.exam * 60;
    this.start = form.querySelector(".ql-exam__start");
    this.bar = form.querySelector(".ql-exam__bar");
    this.clock = form.querySelector(".ql-exam__clock");
    this.timer = form.querySelector(".ql-exam__timer");
    this.cells = form.querySelector(".ql-exam__cells");
    this.dialog = form.querySelector(".ql-exam__confirm");
    this.actions = form.querySelector(".ql-quiz__actions");
    this.printButton = form.querySelector(".ql-exam__print");
    this.warned = false;
    var self = this;
    form.querySelector(".ql-exam__begin").addEventListener("click", function () { self.begin(); });
    form.querySelector(".ql-exam__hand-in").addEventListener("click", function () { self.handIn(); });
    form.querySelector(".ql-exam__back").addEventListener("click", function () {
      self.dialog.hidden = true;
      var first = self.unanswered()[0];
      self.jump(first || quiz.fieldsets[0].getAttribute("data-number"));
    });
    this.printButton.addEventListener("click", function () { window.print(); });
    form.addEventListener("change", function (event) {
      if (event.target.classList.contains("ql-q__flag-box")) {
        var number = event.target.closest(".ql-q").getAttribute("data-number");
        quiz.state.attempt.flags = quiz.state.attempt.flags || {};
        quiz.state.attempt.flags[number] = event.target.checked;
      }
      self.drawSheet();
    });
    form.addEventListener("input", function () { self.drawSheet(); });
  }

  Exam.prototype.attempt = function () { return this.quiz.state.attempt; };

  Exam.prototype.reset = function () {
    var attempt = this.attempt();
    attempt.flags = {};
    attempt.started = null;
  };

  Exam.prototype.begin = function () {
    this.attempt().started = Date.now();
    this.quiz.remember();
    this.quiz.render();
    var first = this.quiz.form.querySelector(".ql-q:not([hidden]) input");
    if (first) first.focus();
  };

  Exam.prototype.remaining = function () {
    var attempt = this.attempt();
    return this.limit - (Date.now() - attempt.started) / 1000;
  };

  /* What the page shows for the attempt's stage: not started, answering, or handed in. */
  Exam.prototype.render = function () {
    var attempt = this.attempt();
    var started = !!attempt.started;
    var self = this;
    this.start.hidden = started;
    this.bar.hidden = !started || attempt.submitted;
    this.actions.hidden = !started;
    this.printButton.hidden = !attempt.submitted;
    this.quiz.form.querySelector(".ql-quiz__submit").hidden = attempt.submitted;
    this.dialog.hidden = true;
    this.quiz.fieldsets.forEach(function (fieldset) {
      var number = fieldset.getAttribute("data-number");
      if (!started) fieldset.hidden = true;
      var box = fieldset.querySelector(".ql-q__flag-box");
      box.checked = !!(attempt.flags && attempt.flags[number]);
      box.disabled = attempt.submitted;
      box.parentNode.hidden = attempt.submitted;
    });
    if (!started) this.quiz.form.querySelector(".ql-quiz__progress").textContent = "本次考试共 " + attempt.questions.length + " 题，限时 " + this.quiz.exam + " 分钟。";
    clearInterval(this.ticking);
    if (started && !attempt.submitted) {
      this.tick();
      this.ticking = setInterval(function () { self.tick(); }, 1000);
    }
    this.drawSheet();
  };

  Exam.prototype.tick = function () {
    var left = this.remaining();
    this.clock.textContent = clock(left);
    this.timer.classList.toggle("ql-exam__timer--low", left <= 60);
    if (left <= 0) {
      clearInterval(this.ticking);
      this.timedOut = true;
      this.quiz.submit();
    }
  };

  Exam.prototype.answeredNumbers = function () {
    var quiz = this.quiz;
    quiz.remember();
    var answers = this.attempt().answers;
    return this.attempt().questions.filter(function (number) {
      var given = answers[number];
      if (given === null || given === undefined) return false;
      if (Array.isArray(given)) return given.some(function (value) { return String(value).trim() !== ""; });
      return true;
    });
  };

  Exam.prototype.unanswered = function () {
    var answered = this.answeredNumbers();
    return this.attempt().questions.filter(function (number) { return answered.indexOf(number) < 0; });
  };

  Exam.prototype.position = function (number) {
    return this.attempt().questions.indexOf(number) + 1;
  };

  /* One button per question of the attempt, in the order shown; each jumps to its question. */
  Exam.prototype.drawSheet = function () {
    var attempt = this.attempt();
    if (!attempt.started || attempt.submitted) return;
    var answered = this.answeredNumbers();
    var self = this;
    this.cells.textContent = "";
    attempt.questions.forEach(function (number, index) {
      var done = answered.indexOf(number) >= 0;
      var flagged = !!(attempt.flags && attempt.flags[number]);
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "ql-exam__cell" + (done ? " ql-exam__cell--done" : "") + (flagged ? " ql-exam__cell--flag" : "");
      button.textContent = String(index + 1);
      button.setAttribute("aria-label", "第 " + (index + 1) + " 题，" + (done ? "已答" : "未答") + (flagged ? "，已标记" : ""));
      button.addEventListener("click", function () { self.jump(number); });
      item.appendChild(button);
      self.cells.appendChild(item);
    });
  };

  Exam.prototype.jump = function (number) {
    var fieldset = this.quiz.form.querySelector('.ql-q[data-number="' + number + '"]');
    fieldset.scrollIntoView();
    // The sticky header and answer sheet would cover the question's first lines.
    window.scrollBy(0, -(this.bar.getBoundingClientRect().bottom + 8));
    var input = fieldset.querySelector(".ql-q__options input, input.ql-q__blank");
    if (input) input.focus();
  };

  /* 交卷: with questions unanswered, first say which, and hand in only when asked again. */
  Exam.prototype.confirm = function () {
    var missing = this.unanswered();
    if (!missing.length) { this.handIn(); return; }
    var self = this;
    this.dialog.querySelector(".ql-exam__unanswered").textContent =
      "还有 " + missing.length + " 题未作答：第 " + missing.map(function (n) { return self.position(n); }).join("、") + " 题。交卷后不能再修改答案。";
    this.dialog.hidden = false;
    this.dialog.focus();
  };

  Exam.prototype.handIn = function () {
    this.dialog.hidden = true;
    this.quiz.submit();
  };

  /* Called by quiz.js as the attempt is scored: the time it took, at most the limit. */
  Exam.prototype.finish = function (attempt) {
    clearInterval(this.ticking);
    attempt.seconds = Math.min(this.limit, Math.round((Date.now() - attempt.started) / 1000));
    attempt.timedOut = !!this.timedOut;
  };

  Exam.prototype.summary = function (wrong) {
    var attempt = this.attempt();
    var date = new Date(attempt.started);
    return (attempt.timedOut ? "考试时间已到，已按作答内容自动交卷。" : "") +
      "考试日期：" + date.getFullYear() + "年" + (date.getMonth() + 1) + "月" + date.getDate() + "日，用时 " + spoken(attempt.seconds || 0) +
      "（限时 " + this.quiz.exam + " 分钟）。答错或未全对 " + wrong + " 题，每题下方有正确答案、解析和出处。成绩已记入本机的学习记录，可点击“打印成绩单”。";
  };

  window.QinglianExam = function (quiz) { return new Exam(quiz); };
})();
