"""Issue 38 as a reader meets it in current Chromium: 每日一题, 错题本, an exam, 已学 and 学习记录.

Dates are the reader's: each test fixes the browser's clock. The kernel matrix runs the same
loop on the old kernels (test_browser_matrix.test_learning_loop).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

EXAM = "quizzes/2026-integrity-rules-exam/"
SPEECH = "speeches/2024-eight-rules-deployment/"
LETTERS = "ABCDEFGH"


def pool(example_site: Path) -> list[dict]:
    text = (example_site / "assets/qinglian/daily-questions.js").read_text(encoding="utf-8")
    return json.loads(text.removeprefix("window.QinglianDailyPool = ").rstrip().removesuffix(";"))


def drawn(questions: list[dict], day: str) -> dict:
    """The draw of learning.js: FNV-1a of the date, modulo the pool."""
    value = 0x811C9DC5
    for character in "qinglian-daily:" + day:
        value = ((value ^ ord(character)) * 0x01000193) & 0xFFFFFFFF
    return questions[value % len(questions)]


def answer(page, scope: str, question: dict, right: bool) -> None:
    """Fill a practice form with the right or a wrong answer."""
    form = page.locator(scope + " form.ql-practice").first
    if question["kind"] == "blanks":
        for index, accepted in enumerate(question["b"]):
            form.locator("input").nth(index).fill(accepted[0] if right else "不对")
    elif question["kind"] == "truefalse":
        form.locator(f"input[value={'true' if question['t'] == right else 'false'}]").check()
    else:
        chosen = question["c"] if right else [i for i in range(len(question["options"])) if i not in question["c"]][:1]
        for index in chosen:
            form.locator(f"input[value='{index}']").check()
    form.locator(".ql-practice__submit").click()
    page.wait_for_selector(scope + " .ql-practice__verdict")


def at(page, when: str) -> None:
    page.clock.set_fixed_time(when)


def test_the_daily_question_is_the_readers_day_and_keeps_a_streak(page, browser, served_site: str, example_site: Path):
    questions = pool(example_site)
    at(page, "2026-12-05T08:00:00")
    page.goto(served_site)
    first = drawn(questions, "2026-12-05")
    assert first["text"].split("___")[0] in page.inner_text(".ql-daily") and "2026年12月5日" in page.inner_text(".ql-daily")
    # Another reader on the same day sees the same question.
    other = browser.new_context(locale="zh-CN")
    other_page = other.new_page()
    other_page.clock.set_fixed_time("2026-12-05T21:00:00")
    other_page.goto(served_site)
    assert first["text"].split("___")[0] in other_page.inner_text(".ql-daily")
    other.close()
    answer(page, ".ql-daily", first, right=False)
    text = page.inner_text(".ql-daily")
    assert "回答错误" in text and "解析：" in text and "已连续答题 1 天" in text
    assert page.locator(".ql-daily .ql-practice__source a").get_attribute("href").startswith("/")
    # The next day: another draw, and a streak of two once answered.
    at(page, "2026-12-06T08:00:00")
    page.reload()
    second = drawn(questions, "2026-12-06")
    answer(page, ".ql-daily", second, right=True)
    assert "已连续答题 2 天" in page.inner_text(".ql-daily")
    page.reload()
    assert "回答正确" in page.inner_text(".ql-daily") and page.locator(".ql-daily form").count() == 0
    # 往日题目 shows yesterday's question with the reader's answer and the key.
    page.locator(".ql-daily a", has_text="往日题目").click()
    day = page.locator(".ql-past-daily__day").first
    assert "2026年12月5日" in day.inner_text() and "回答错误" in day.inner_text() and "正确答案" in day.inner_text()
    assert page.locator(".ql-past-daily__day").count() == 30
    assert page.console_errors == []


def test_a_wrong_answer_stays_in_the_book_until_answered_right_twice(page, served_site: str, example_site: Path):
    questions = pool(example_site)
    at(page, "2026-12-05T08:00:00")
    page.goto(served_site)
    question = drawn(questions, "2026-12-05")
    answer(page, ".ql-daily", question, right=False)
    page.goto(served_site + "learning/mistakes/")
    book = page.inner_text(".ql-mistakes")
    assert "共有 1 题" in book and question["quiz"][0] in book and "您的作答" in book and "解析" in book
    for round_number in (1, 2):
        page.click(".ql-mistakes__practise")
        answer(page, ".ql-mistakes", question, right=True)
        page.click(".ql-mistakes__next")
        expected = "还有 1 题" if round_number == 1 else "还有 0 题"
        assert expected in page.inner_text(".ql-mistakes__progress")
        page.click(".ql-mistakes__back")
    assert "错题本是空的" in page.inner_text(".ql-mistakes")
    # The reader can also take one out by hand.
    page.goto(served_site)
    page.evaluate("localStorage.clear()")
    page.reload()
    answer(page, ".ql-daily", question, right=False)
    page.goto(served_site + "learning/mistakes/")
    page.click(".ql-mistakes__remove")
    assert "错题本是空的" in page.inner_text(".ql-mistakes")
    assert page.console_errors == []


def test_an_exam_is_timed_sheeted_warned_and_recorded(page, served_site: str, tmp_path: Path):
    page.clock.install(time="2026-12-06T09:00:00")
    page.goto(served_site + EXAM)
    assert page.locator(".ql-q:visible").count() == 0 and "答案及解析" not in page.inner_text(".md-content")
    page.click(".ql-exam__begin")
    assert page.locator(".ql-q:visible").count() == 10
    assert page.inner_text(".ql-exam__clock") == "20:00"
    first = page.locator(".ql-q:visible").first
    first.locator(".ql-q__options input").first.check()
    page.locator(".ql-q:visible").nth(2).locator(".ql-q__flag-box").check()
    cells = page.locator(".ql-exam__cell")
    assert "已答" in cells.nth(0).get_attribute("aria-label") and "已标记" in cells.nth(2).get_attribute("aria-label")
    # No verdict, key or explanation before handing in.
    assert page.locator(".ql-q__review:visible").count() == 0
    page.click(".ql-quiz__submit")
    warning = page.inner_text(".ql-exam__confirm")
    assert "还有 9 题未作答" in warning and "第 2、3、4" in warning
    page.click(".ql-exam__back")
    assert page.locator(".ql-exam__confirm").is_hidden()
    # The sheet jumps to a question.
    cells.nth(5).click()
    assert page.evaluate("document.activeElement.closest('.ql-q') === document.querySelectorAll('.ql-q:not([hidden])')[5]")
    # Time runs out: handed in with what was answered; a reload does not restart the clock.
    page.clock.run_for("10:00")
    page.reload()
    assert page.inner_text(".ql-exam__clock") <= "10:00"
    page.clock.run_for("10:05")
    page.wait_for_selector(".ql-quiz__result:visible")
    result = page.inner_text(".ql-quiz__result")
    assert "考试时间已到" in result and "用时 20 分 0 秒" in result and "不及格" in result
    assert page.locator(".ql-q__review:visible").count() == 10 and page.locator(".ql-exam__print").is_visible()
    page.emulate_media(media="print")
    assert page.locator(".ql-exam__bar").is_hidden() and page.locator(".ql-quiz__result").is_visible()
    page.emulate_media(media="screen")
    # The 学习记录 lists the attempt; its CSV has the printout's columns.
    page.goto(served_site + "learning/")
    page.fill(".ql-record__field input >> nth=0", "张XX")
    page.fill(".ql-record__field input >> nth=1", "XX区纪委监委")
    table = page.inner_text(".ql-record__table")
    assert "考试" in table and "机关工作人员廉洁从业规定专项考试" in table and "20 分 0 秒" in table
    with page.expect_download() as download:
        page.click(".ql-record__csv")
    saved = download.value.path().read_bytes()
    assert saved.startswith("\ufeff".encode()) and download.value.suggested_filename.startswith("学习记录-张XX-")
    rows = saved.decode("utf-8-sig").splitlines()
    headers = page.locator(".ql-record__table th").all_inner_texts()
    assert rows[:3] == ["姓名,张XX", "单位,XX区纪委监委", ",".join(headers)]
    assert any(row.startswith("考试,2026年12月6日,机关工作人员廉洁从业规定专项考试") for row in rows)
    # 清除我的记录 asks first, then clears everything.
    page.click(".ql-record__clear")
    page.click(".ql-record__clear-yes")
    assert "学习记录已清除" in page.inner_text(".ql-record") and page.locator(".ql-record__table").count() == 0
    assert page.console_errors == []


def test_read_marks_show_on_plans_links_and_the_home_week(page, served_site: str, example_site: Path):
    page.goto(served_site + SPEECH)
    done = page.locator(".ql-done")
    done.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('.ql-done__status').textContent.indexOf('已读到文末') >= 0")
    page.click(".ql-done__button")
    assert page.locator(".ql-done__button").get_attribute("aria-pressed") == "true" and "标记为已学" in page.inner_text(".ql-done__status")
    # A plan that lists the speech shows it done and its percentage.
    plan = next(p for p in sorted((example_site / "plans").glob("*/index.html")) if SPEECH.rstrip("/") in p.read_text(encoding="utf-8"))
    page.goto(served_site + f"plans/{plan.parent.name}/")
    progress = page.inner_text(".ql-plan-progress")
    assert "已学 1 项" in progress and "%" in progress
    assert page.locator(".ql-session__readings a:has(.ql-mark)").count() >= 1
    # A quiz passed is marked where it is linked, the quiz index included.
    page.goto(served_site + "quizzes/2024-eight-rules-self-test/")
    page.evaluate("""() => { const s = JSON.parse(localStorage.getItem('qinglian.quiz.2024-eight-rules-self-test') || '{}');
                     s.passed = true; localStorage.setItem('qinglian.quiz.2024-eight-rules-self-test', JSON.stringify(s)); }""")
    page.goto(served_site + "quizzes/")
    assert page.locator("a:has(.ql-mark)", has_text="八项规定精神应知应会自测").count() >= 1
    assert page.console_errors == []


@pytest.mark.parametrize("broken", [
    "Object.defineProperty(window, 'localStorage', {get() { throw new DOMException('denied', 'SecurityError'); }});",
    "Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };",
], ids=["disabled", "full"])
def test_storage_disabled_or_full_is_said_in_chinese_without_errors(page, served_site: str, example_site: Path, broken: str):
    page.add_init_script(broken)
    at(page, "2026-12-05T08:00:00")
    page.goto(served_site)
    answer(page, ".ql-daily", drawn(pool(example_site), "2026-12-05"), right=False)
    assert "不能保存学习记录" in page.inner_text(".ql-learning-warning")
    page.goto(served_site + SPEECH)
    page.click(".ql-done__button")
    page.goto(served_site + EXAM)
    page.click(".ql-exam__begin")
    page.click(".ql-quiz__submit")
    page.click(".ql-exam__hand-in")
    page.wait_for_selector(".ql-quiz__result:visible")
    page.goto(served_site + "learning/")
    page.fill(".ql-record__field input >> nth=0", "张XX")
    assert page.locator(".ql-learning-warning").count() == 1
    assert page.console_errors == []


def test_an_exam_in_care_mode_on_a_phone_leaves_the_questions_the_screen(browser, served_site: str):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(served_site + EXAM)
    page.click("#ql-care [data-ql-size='xlarge']")
    page.click("#ql-care [data-ql-toggle='contrast']")
    page.click(".ql-exam__begin")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.locator(".ql-exam__bar").bounding_box()["height"] < 800 * 0.3
    # A jump from the sheet shows the question below the sticky sheet, not under it.
    page.locator(".ql-exam__cell").nth(6).click()
    below = page.evaluate("""() => document.querySelectorAll('.ql-q:not([hidden])')[6].getBoundingClientRect().top
                             >= document.querySelector('.ql-exam__bar').getBoundingClientRect().bottom""")
    assert below and errors == []
    context.close()
