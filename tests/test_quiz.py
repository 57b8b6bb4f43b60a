"""Question banks: validation, the built quiz pages, and the GIFT and Moodle XML exports."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import Project
from gift_reader import read_gift
from qinglian.content.loader import load_content
from qinglian.search.indexer import indexed_pages
from qinglian.structure.quiz import bank_of

BANK_HEAD = """\
---
title: 测试题库
date: 2024-03-05
unit: XX市纪委监委
topics: [警示教育]
pass_mark: 2
"""

GOOD_QUESTIONS = """\
questions:
  - type: 单选题
    question: 第一题
    options: [甲, 乙, 丙]
    answer: B
    explanation: 解析一
    source: speeches/2024-warning#一、正文
  - type: 多选题
    question: 第二题
    options: [甲, 乙, 丙, 丁]
    answer: A、C
    points: 2
    explanation: 解析二
  - type: 判断题
    question: 第三题
    answer: 错误
    explanation: 解析三
  - type: 填空题
    question: 第四题有两个空：___和＿＿＿。
    blanks: [[答案一, 答案1], 答案二]
    explanation: 解析四
"""


def bank_problems(project: Project, text: str, name: str = "2024-bank") -> list[str]:
    # The questions' points add up to 5 (full_marks after them, so their lines stay where they are).
    project.write(f"content/quizzes/{name}.md", BANK_HEAD + textwrap.dedent(text) + "full_marks: 5\n---\n\n题库说明。\n")
    result = load_content(project.root / "content", project.root, today=dt.date(2024, 6, 1))
    return [str(p) for p in result.log.sorted()]


def test_a_valid_bank_loads_every_question_type(project: Project):
    assert bank_problems(project, GOOD_QUESTIONS) == []
    loaded = load_content(project.root / "content", project.root, today=dt.date(2024, 6, 1))
    bank = bank_of(loaded.corpus.by_key["quizzes/2024-bank"])
    single, multiple, true_false, blanks = bank.questions
    assert single.correct == (1,) and single.source is not None
    assert multiple.correct == (0, 2) and multiple.points == 2
    assert true_false.truth is False
    assert blanks.blanks == (("答案一", "答案1"), ("答案二",))
    assert bank.total == 5


def replace_in_good(old: str, new: str) -> str:
    assert old in GOOD_QUESTIONS
    return GOOD_QUESTIONS.replace(old, new)


@pytest.mark.parametrize(
    ("questions", "fragments"),
    [
        (replace_in_good("answer: B", "answer: E"), (":11:", "questions[1].answer", "选项字母 A—C 之一", "“E”，没有这个选项")),
        (replace_in_good("answer: A、C", "answer: [C]"), (":17:", "questions[2].answer", "多选题至少两个正确选项", "“C”")),
        (replace_in_good("options: [甲, 乙, 丙, 丁]", "options: [甲, 乙, 丙, ' 甲 ']"), (":16:", "questions[2].options[4]", "与其他选项不同", "与选项 A 重复")),
        (replace_in_good("blanks: [[答案一, 答案1], 答案二]", "blanks: [[答案一], []]"), (":26:", "questions[4].blanks[2]", "该空至少一个可接受的答案", "没有答案")),
        (replace_in_good("source: speeches/2024-warning#一、正文", "source: speeches/2024-warnig"), (":13:", "questions[1].source", "没有这个文档", "speeches/2024-warning")),
        (replace_in_good("source: speeches/2024-warning#一、正文", "source: speeches/2024-warning#二、没有"), (":13:", "questions[1].source", "没有这个小标题")),
        (replace_in_good("answer: 错误", "answer: 不对"), (":22:", "questions[3].answer", "“正确”或“错误”", "“不对”")),
        (replace_in_good("第四题有两个空：___和＿＿＿。", "第四题只有一个空：___。"), (":25:", "questions[4].question", "2 处“___”", "1 处")),
        (replace_in_good("answer: B", "answer: AB"), (":11:", "questions[1].answer", "单选题的一个答案", "2 个答案")),
        ("draw: 5\n" + GOOD_QUESTIONS.replace("    points: 2\n", ""), (":7:", "draw", "不超过题库题数（4）的抽题数", "5")),
        ("draw: 2\n" + GOOD_QUESTIONS, (":7:", "draw", "每题分值相同")),
    ],
    ids=["answer-not-an-option", "multiple-with-one", "duplicate-options", "blank-without-answers", "source-nowhere",
         "source-heading-nowhere", "true-false-word", "blank-count", "single-with-two", "pool-smaller-than-draw",
         "draw-unequal-points"],
)
def test_bank_validation_errors(project: Project, questions: str, fragments: tuple[str, ...]):
    problems = bank_problems(project, questions)
    assert len(problems) == 1, problems
    assert problems[0].startswith("content/quizzes/2024-bank.md" + fragments[0]), problems[0]
    for fragment in fragments[1:]:
        assert fragment in problems[0], problems[0]


def test_pass_mark_above_total(project: Project):
    project.write("content/quizzes/2024-bank.md", BANK_HEAD.replace("pass_mark: 2", "pass_mark: 9") + GOOD_QUESTIONS + "---\n")
    problems = [str(p) for p in load_content(project.root / "content", project.root, today=dt.date(2024, 6, 1)).log.sorted()]
    assert problems == ["content/quizzes/2024-bank.md:6: 字段“pass_mark”应为不超过总分 5 的及格分，实际为9。"]


def test_a_total_that_changed_is_a_warning_with_both_numbers(project: Project):
    """A question added: the total is 6 where the pass mark was set against 5."""
    added = GOOD_QUESTIONS + "  - type: 判断题\n    question: 第五题\n    answer: 正确\n    explanation: 解析五\n"
    project.write("content/quizzes/2024-bank.md", BANK_HEAD + added + "full_marks: 5\n---\n")
    problems = load_content(project.root / "content", project.root, today=dt.date(2024, 6, 1)).log.sorted()
    assert [p.severity.name for p in problems] == ["WARNING"]
    assert str(problems[0]) == (
        "content/quizzes/2024-bank.md:32: 字段“full_marks”应为题目分值合计为满分 5 分（full_marks 写明），"
        "实际为合计 6 分，及格分 2 分只占 33%（满分 5 分时及格分占 40%）。"
        "增删题目或修改分值后，请核对 pass_mark；满分确实不是 100 分时，写一行 full_marks 注明满分。"
    )
    # Without full_marks a bank is meant to total 100: the audit's 120 against 60.
    project.write("content/quizzes/2024-bank.md", BANK_HEAD.replace("pass_mark: 2", "pass_mark: 60")
                  + added.replace("explanation: 解析五", "points: 15\n    explanation: 解析五").replace("points: 2", "points: 100") + "---\n")
    problems = [str(p) for p in load_content(project.root / "content", project.root, today=dt.date(2024, 6, 1)).log.sorted()]
    assert problems and "合计 118 分，及格分 60 分只占 51%（满分 100 分时及格分占 60%）" in problems[0]


def test_a_session_quiz_must_be_a_quiz(project: Project):
    bank_problems(project, GOOD_QUESTIONS)
    project.write("content/plans/2024-plan.md", textwrap.dedent("""\
        ---
        title: 计划
        date: 2024-01-05
        unit: XX市纪委监委
        topics: [警示教育]
        year: 2024
        sessions:
          - date: 2024-03-15
            topic: 学习
            form: 知识测试
            quiz: speeches/2024-warning
        ---
        """))
    problems = [str(p) for p in load_content(project.root / "content", project.root, today=dt.date(2024, 6, 1)).log.sorted()]
    assert problems == ["content/plans/2024-plan.md:11: 字段“sessions[1].quiz”应为在线测试的引用，如 quizzes/2024-eight-rules，实际为“speeches/2024-warning”。quiz 只能指向 quizzes 栏目中的题库。"]


# Built pages


def test_quiz_page_keeps_answers_out_of_the_page_text(example_site: Path):
    html = (example_site / "quizzes/2024-eight-rules-self-test/index.html").read_text(encoding="utf-8")
    visible = re.sub(r"<[^>]+>", " ", re.sub(r'data-key="[^"]*"', "", html))
    assert "讲话开篇指出" not in visible and "讲话开篇指出" not in html
    key = re.search(r'data-key="([^"]+)"', html)[1]
    data = json.loads(base64.b64decode(key).decode("utf-8"))
    decoded, sources = data["q"], data["s"]
    assert decoded["1"]["c"] == [0] and decoded["1"]["e"].startswith("讲话开篇指出")
    assert decoded["4"]["b"] == [["公车使用", "公务用车"], ["大数据"]]
    assert sources[decoded["2"]["s"]][0] == "../../speeches/2024-eight-rules-deployment/#一把握新动向紧盯隐形变异问题"
    assert 'src="../../assets/qinglian/quiz.js" defer' in html
    # The quiz names the session that uses it.
    assert "列入学习计划" in html and "2024年5月28日" in html


def test_answer_key_page_is_printable_and_not_searchable(example_site: Path):
    html = (example_site / "quizzes/2024-eight-rules-self-test/answers/index.html").read_text(encoding="utf-8")
    assert "答案及解析" in html and "讲话开篇指出" in html and "答案：</strong>A" in html
    pages = indexed_pages(example_site)
    assert any(page["url"] == "quizzes/2024-eight-rules-self-test/" for page in pages)
    assert not any("answers" in str(page["url"]) for page in pages)
    assert not any("讲话开篇指出" in str(page["text"]) for page in pages)


def test_quiz_index_groups_by_topic_and_sessions_link_quizzes(example_site: Path):
    index = (example_site / "quizzes/index.html").read_text(encoding="utf-8")
    for topic in ("八项规定精神", "群众身边腐败", "党纪学习教育"):
        assert f'ql-quiz-index__topic">{topic}' in index
    assert index.count('data-quiz-slug="2026-weekly-discipline-pool"') == 2  # listed under both its topics
    month = (example_site / "calendar/2026-12/index.html").read_text(encoding="utf-8")
    assert "在线测试：周学周测：党纪学习教育题库" in month


# Export


TRICKY = """\
questions:
  - type: 单选题
    question: "符号 ~ = # { } : 与中文：哪一项正确？"
    options: ["~波浪=等号", "#井号{花括号}", "冒号: 后有空格", "反斜杠 \\\\ 本身"]
    answer: C
    points: 3
    explanation: "解析里也有 ~ = # { } : 和换行"
  - type: 多选题
    question: 纪律有哪些？
    options: [政治纪律, 组织纪律, 考勤纪律]
    answer: [A, B]
    explanation: 见条例。
  - type: 判断题
    question: "判断：{括号} 要转义"
    answer: 正确
    explanation: 是的。
  - type: 填空题
    question: "填空 #1：___；#2：___"
    blanks: [["a=b", "a＝b"], ["{x}"]]
    explanation: 两个空。
"""


def export(project: Project, fmt: str) -> str:
    bank_problems(project, TRICKY)
    output = project.root / f"out.{fmt}"
    result = subprocess.run(
        [sys.executable, "-m", "qinglian.cli", "export-quiz", "content/quizzes/2024-bank.md", "--format", fmt, "-o", str(output)],
        cwd=project.root, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "已导出 4 道题" in result.stdout
    return output.read_text(encoding="utf-8")


def test_gift_export_escapes_and_round_trips(project: Project):
    questions = read_gift(export(project, "gift"))
    single, multiple, true_false, blank_one, blank_two = questions
    assert single.text == "符号 ~ = # { } : 与中文：哪一项正确？"
    assert single.answers == [(False, None, "~波浪=等号"), (False, None, "#井号{花括号}"), (True, None, "冒号: 后有空格"), (False, None, "反斜杠 \\ 本身")]
    assert single.feedback == "解析里也有 ~ = # { } : 和换行"
    assert [(w, t) for _, w, t in multiple.answers] == [("50", "政治纪律"), ("50", "组织纪律"), ("-100", "考勤纪律")]
    assert true_false.truth is True and true_false.text == "判断：{括号} 要转义"
    assert blank_one.title.endswith("（第1空）") and blank_one.answers == [(True, None, "a=b"), (True, None, "a＝b")]
    assert blank_one.text == "填空 #1：____；#2：____"
    assert blank_two.answers == [(True, None, "{x}")]


def test_moodle_xml_export_escapes_and_round_trips(project: Project):
    text = export(project, "xml")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(text.encode("utf-8"))
    questions = root.findall("question")[1:]
    assert [q.get("type") for q in questions] == ["multichoice", "multichoice", "truefalse", "multianswer"]
    single = questions[0]
    assert single.findtext("questiontext/text") == "符号 ~ = # { } : 与中文：哪一项正确？"
    assert [(a.get("fraction"), a.findtext("text")) for a in single.findall("answer")] == [
        ("0", "~波浪=等号"), ("0", "#井号{花括号}"), ("100", "冒号: 后有空格"), ("0", "反斜杠 \\ 本身")
    ]
    assert single.findtext("defaultgrade") == "3" and single.findtext("single") == "true"
    assert questions[1].findtext("single") == "false"
    assert [a.get("fraction") for a in questions[1].findall("answer")] == ["50", "50", "-100"]
    cloze = questions[3].findtext("questiontext/text")
    # Inside a cloze answer Moodle treats } # ~ / " and \ as syntax, so those are escaped.
    assert cloze == "填空 #1：{1:SHORTANSWER:=a=b~=a＝b}；#2：{1:SHORTANSWER:={x\\}}"


def test_export_refuses_a_bank_with_errors(project: Project):
    bank_problems(project, replace_in_good("answer: B", "answer: E"))
    result = subprocess.run(
        [sys.executable, "-m", "qinglian.cli", "export-quiz", "content/quizzes/2024-bank.md", "--format", "gift", "-o", "x.gift"],
        cwd=project.root, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "content/quizzes/2024-bank.md:11:" in result.stderr and "无法导出" in result.stderr
    assert not (project.root / "x.gift").exists()


def test_a_twenty_question_quiz_page_stays_under_60_kb(project: Project):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    from bench import quiz_bank

    project.write("content/speeches/2024-eight-rules-deployment.md", "---\n" + project.root.joinpath("content/speeches/2024-warning.md").read_text(encoding="utf-8").split("---\n", 1)[1])
    project.write("content/quizzes/2024-bank.md", quiz_bank(20, 1).replace("八项规定精神", "警示教育"))
    project.build_ok("--strict")
    html = (project.root / "site/quizzes/2024-bank/index.html").read_bytes()
    script = (project.root / "site/assets/qinglian/quiz.js").read_bytes()
    assert html.count(b'class="ql-q"') == 20
    assert len(html) + len(script) < 60 * 1024, (len(html), len(script))
