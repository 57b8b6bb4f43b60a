"""Quizzes as a reader takes them: scoring in the browser, keyboard only, memory, print."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pypdfium2
import pytest

pytestmark = pytest.mark.browser

QUIZ = "quizzes/2024-eight-rules-self-test/"


# Scoring, run where it runs for readers: in the browser's own script.

SCORING_CASES = [
    # (question, response, multiple mode, expected points)
    ({"kind": "single", "c": [2], "p": 2}, "2", "all", 2),
    ({"kind": "single", "c": [2], "p": 2}, "1", "all", 0),
    ({"kind": "single", "c": [2], "p": 2}, None, "all", 0),
    ({"kind": "truefalse", "t": False, "p": 1}, False, "all", 1),
    ({"kind": "truefalse", "t": False, "p": 1}, True, "all", 0),
    # 多选题: all or nothing — a wrong, an extra or a missing choice scores nothing.
    ({"kind": "multiple", "c": [0, 2, 3], "p": 4}, ["0", "2", "3"], "all", 4),
    ({"kind": "multiple", "c": [0, 2, 3], "p": 4}, ["3", "0", "2"], "all", 4),
    ({"kind": "multiple", "c": [0, 2, 3], "p": 4}, ["0", "2"], "all", 0),
    ({"kind": "multiple", "c": [0, 2, 3], "p": 4}, ["0", "1", "2", "3"], "all", 0),
    ({"kind": "multiple", "c": [0, 2, 3], "p": 4}, [], "all", 0),
    # ... unless the bank says 少选得一半: a missing choice halves, a wrong one still scores nothing.
    ({"kind": "multiple", "c": [0, 2, 3], "p": 4}, ["0", "2"], "half", 2),
    ({"kind": "multiple", "c": [0, 2, 3], "p": 4}, ["0", "1"], "half", 0),
    # 填空题: full- and half-width, case and surrounding spaces are tolerated; blanks share the points.
    ({"kind": "blanks", "b": [["廉洁纪律"], ["ABC", "甲乙"]], "p": 4}, [" 廉洁纪律　", "ａｂｃ"], "all", 4),
    ({"kind": "blanks", "b": [["廉洁纪律"], ["ABC"]], "p": 4}, ["廉洁纪律", "abd"], "all", 2),
    ({"kind": "blanks", "b": [["2024年"], ["八项 规定"]], "p": 3}, ["２０２４年", "八项   规定"], "all", 3),
    ({"kind": "blanks", "b": [["x"], ["y"], ["z"]], "p": 1}, ["x", "", "z"], "all", 0.67),
    ({"kind": "blanks", "b": [["x"]], "p": 1}, [""], "all", 0),
]


def test_scoring_rules(page, served_site: str):
    page.goto(served_site + QUIZ, wait_until="networkidle")
    for question, response, mode, expected in SCORING_CASES:
        got = page.evaluate("([q, r, m]) => window.QinglianQuiz.score(q, r, m)", [question, response, mode])
        assert got == expected, (question, response, mode)


def choose_by_keyboard(page, fieldset, wanted_texts: list[str]) -> None:
    """Tab into a question, then use arrows (radio) or Tab + Space (checkbox) to pick options."""
    labels = fieldset.locator(".ql-q__option")
    texts = [labels.nth(i).locator(".ql-q__label").inner_text() for i in range(labels.count())]
    kind = fieldset.get_attribute("data-kind")
    page.keyboard.press("Tab")
    if kind in ("single", "truefalse"):
        # Tab lands on the group's first radio; arrows move and select.
        target = texts.index(wanted_texts[0])
        page.keyboard.press("Space")
        for _ in range(target):
            page.keyboard.press("ArrowDown")
    else:
        for index, text in enumerate(texts):
            if index:
                page.keyboard.press("Tab")
            if text in wanted_texts:
                page.keyboard.press("Space")


def test_take_a_quiz_by_keyboard_alone(page, served_site: str, tmp_path: Path):
    page.goto(served_site + QUIZ, wait_until="networkidle")
    page.evaluate("localStorage.clear()")
    page.reload(wait_until="networkidle")
    form = page.locator("form.ql-quiz")
    questions = form.locator(".ql-q")
    assert questions.count() == 4
    assert form.locator("legend").count() == 4
    assert page.get_by_role("radio").count() == 6 and page.get_by_role("checkbox").count() == 4
    assert page.get_by_role("textbox", name="第 4 题第 1 空").count() == 1
    assert "讲话开篇指出" not in page.locator("main").inner_text()

    # Start just before the form, as a reader tabbing down the page would.
    form.locator(".ql-quiz__progress").evaluate("e => { e.tabIndex = -1; e.focus(); }")
    choose_by_keyboard(page, questions.nth(0), ["切入口和动员令"])                  # right: 2
    choose_by_keyboard(page, questions.nth(1), ["把宴请安排在隐蔽场所"])             # one of three: 0
    choose_by_keyboard(page, questions.nth(2), ["错误"])                          # right: 2
    page.keyboard.press("Tab")
    page.keyboard.type(" 公务用车 ")                                              # right, with spaces
    page.keyboard.press("Tab")
    page.keyboard.type("大数据")                                                  # right: 2 in all
    page.screenshot(path=str(tmp_path / "answered.png"), full_page=True)
    page.keyboard.press("Enter")                                                 # submits the form

    result = page.get_by_role("status")
    result.wait_for()
    assert "得分 6 / 8 分，及格（及格分 6 分）" in result.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('ql-quiz__result')")
    assert "回答错误" in questions.nth(1).inner_text() and "回答正确" in questions.nth(0).inner_text()
    assert "讲话开篇指出" in questions.nth(0).inner_text()
    page.screenshot(path=str(tmp_path / "reviewed.png"), full_page=True)

    # The explanation leads to the exact passage it comes from.
    source = questions.nth(1).locator(".ql-q__review a")
    assert "一、把握新动向" in source.inner_text()
    source.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/speeches/2024-eight-rules-deployment/" in page.url
    heading = page.locator(f"[id='{unquote(urlsplit(page.url).fragment)}']")
    assert "把握新动向" in heading.inner_text()
    page.go_back(wait_until="networkidle")

    # A reload keeps the submitted attempt and the best score.
    page.reload(wait_until="networkidle")
    assert "得分 6 / 8 分" in page.get_by_role("status").inner_text()
    # A new attempt that fails does not lower the best score.
    page.get_by_role("button", name="重新作答").focus()
    page.keyboard.press("Enter")
    assert page.get_by_role("status").is_hidden()
    page.get_by_role("button", name="提交答卷").focus()
    page.keyboard.press("Enter")
    status = page.get_by_role("status").inner_text()
    assert "得分 0 / 8 分，不及格" in status and "最高分：6 分" in status

    page.goto(served_site + "quizzes/", wait_until="networkidle")
    done = page.locator('[data-quiz-slug="2024-eight-rules-self-test"]').first
    assert "已完成 · 最高 6 分 · 已及格" in done.inner_text()
    assert page.console_errors == []
    assert page.requested_hosts == {urlsplit(served_site).netloc}


def test_a_pool_draws_a_stable_subset(page, served_site: str):
    page.goto(served_site + "quizzes/2026-weekly-discipline-pool/", wait_until="networkidle")
    page.evaluate("localStorage.clear()")
    page.reload(wait_until="networkidle")
    visible = page.locator(".ql-q:not([hidden])")
    assert visible.count() == 4
    first_draw = [visible.nth(i).get_attribute("data-number") for i in range(4)]
    page.reload(wait_until="networkidle")
    assert [visible.nth(i).get_attribute("data-number") for i in range(4)] == first_draw
    draws = set()
    for _ in range(8):
        page.get_by_role("button", name="重新作答").click()
        draws.add(tuple(visible.nth(i).get_attribute("data-number") for i in range(4)))
    assert len(draws) > 1, "重新作答 draws again"


def test_paper_and_answer_key_print_on_a4(page, served_site: str, tmp_path: Path):
    for path, name in ((QUIZ, "paper"), (QUIZ + "answers/", "answer-key")):
        page.goto(served_site + path, wait_until="networkidle")
        pdf_path = tmp_path / f"{name}.pdf"
        page.pdf(path=str(pdf_path), prefer_css_page_size=True)
        pdf = pypdfium2.PdfDocument(str(pdf_path))
        assert len(pdf) >= 1
        for number in range(len(pdf)):
            width, height = pdf[number].get_size()
            assert (round(width), round(height)) == (595, 842)
            pdf[number].render(scale=1.2).to_pil().save(tmp_path / f"{name}-{number + 1}.png")
        text = "".join(pdf[n].get_textpage().get_text_range() for n in range(len(pdf)))
        if name == "paper":
            assert "切入口和动员令" in text and "提交答卷" not in text and "讲话开篇指出" not in text
        else:
            assert "讲话开篇指出" in text and "答案" in text
