"""The learning loop as the build makes it: the daily pool, exam settings and sealing, the learning pages."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from qinglian.learning.sealing import seal, seed_of, unseal

from conftest import Project

EXAM = "quizzes/2026-integrity-rules-exam"

QUIZ = """---
title: {title}
date: 2024-06-03
unit: XX市纪委监委
topics: [警示教育]
summary: 测试。
{extra}
questions:
  - type: 单选题
    question: 第一题问什么？
    options: [甲, 乙, 丙]
    answer: B
    points: 50
    explanation: 第一题的解析，答案是乙。
    source: speeches/2024-warning
  - type: 判断题
    question: 第二题对吗？
    answer: 错误
    points: 50
    explanation: 第二题的解析。
---
"""


def daily_pool(site: Path) -> list[dict]:
    text = (site / "assets/qinglian/daily-questions.js").read_text(encoding="utf-8")
    return json.loads(text.removeprefix("window.QinglianDailyPool = ").rstrip().removesuffix(";"))


def test_the_exam_page_holds_no_readable_answers_and_has_no_answer_page(example_site: Path):
    html = (example_site / EXAM / "index.html").read_text(encoding="utf-8")
    assert 'data-exam="20"' in html and "开始考试" in html and "答题卡" in html and "交卷" in html
    # Neither the explanations nor the answers are in the source, plainly or as the practice quizzes' base64.
    assert "第四条规定，各单位党组" not in html
    key = re.search(r'data-key="([^"]+)"', html)[1]
    with pytest.raises(UnicodeDecodeError):
        json.loads(base64.b64decode(key).decode("utf-8"))
    version = re.search(r'data-version="([^"]+)"', html)[1]
    opened = json.loads(unseal(key, f"2026-integrity-rules-exam:{version}").decode("utf-8"))
    assert len(opened["q"]) == 10 and "第四条规定" in json.dumps(opened, ensure_ascii=False)
    assert not (example_site / EXAM / "answers/index.html").exists()
    assert (example_site / "quizzes/2024-eight-rules-self-test/answers/index.html").exists()
    assert "exam.js" in html and "答案及解析（打印版）" not in html


def test_sealing_matches_the_browser_seed_for_chinese_and_astral_text():
    # JavaScript hashes UTF-16 code units: an astral character is two of them.
    assert seed_of("a") == 0xE40C292C
    for text in ("quiz:abc", "考试:版本", "𠀀"):
        assert unseal(seal("答案 A、C".encode(), text), text) == "答案 A、C".encode()


def test_the_daily_pool_is_every_practice_question_in_a_fixed_order(example_site: Path):
    pool = daily_pool(example_site)
    quizzes = {entry["quiz"][1] for entry in pool}
    assert "quizzes/2024-eight-rules-self-test/" in quizzes
    assert not any(EXAM in q for q in quizzes), "exam questions stay out of the daily draw"
    assert len({entry["id"] for entry in pool}) == len(pool)
    first = pool[0]
    assert {"id", "kind", "text", "e", "quiz"} <= set(first) and first["id"].startswith(first["quiz"][1].split("/")[1] + ":")
    home = (example_site / "index.html").read_text(encoding="utf-8")
    assert "每日一题" in home and "daily-questions.js" in home and 'href="learning/daily/"' in home


def test_the_learning_pages_are_built_and_kept_out_of_search(example_site: Path):
    for page, words in (("learning/index.html", ["学习记录", "只保存在这台电脑的这个浏览器中"]),
                        ("learning/mistakes/index.html", ["错题本", "连续答对两次"]),
                        ("learning/daily/index.html", ["往日题目", "daily-questions.js"])):
        html = (example_site / page).read_text(encoding="utf-8")
        for word in words:
            assert word in html, (page, word)
    index = "".join(path.read_text(encoding="utf-8") for path in (example_site / "search-index").rglob("*.json"))
    assert "speeches/2024-eight-rules-deployment" in index and "learning/" not in index
    # 已学 under readings, not under quizzes or plans; the plan shows its progress line.
    assert "data-ql-done" in (example_site / "speeches/2024-eight-rules-deployment/index.html").read_text(encoding="utf-8")
    assert "data-ql-done" not in (example_site / "quizzes/2024-eight-rules-self-test/index.html").read_text(encoding="utf-8")
    plans = sorted((example_site / "plans").glob("*/index.html"))
    assert any("data-ql-plan-progress" in p.read_text(encoding="utf-8") for p in plans)
    assert all("data-ql-done" not in p.read_text(encoding="utf-8") for p in plans)


@pytest.mark.parametrize(("extra", "expected"), [
    ("pass_mark: 60\ntime_limit: 20", ["time_limit", "只有考试（mode: exam）才写限时"]),
    ("pass_mark: 60\nmode: exam", ["time_limit", "考试的限时分钟数"]),
    ("pass_mark: 60\npass_score: 60", ["pass_score", "只写一个"]),
    ("mode: exam\ntime_limit: 20", ["pass_mark", "缺少该字段"]),
    ("pass_score: 60\nmode: test\ntime_limit: 20", ["mode", "practice、exam"]),
    ("pass_score: 60\nmode: exam\ntime_limit: 0", ["time_limit"]),
])
def test_exam_settings_are_checked_with_a_message_naming_the_field(project: Project, extra: str, expected: list[str]):
    project.write("content/quizzes/2024-quiz.md", QUIZ.format(title="自测", extra=extra))
    result = project.build()
    assert result.returncode != 0
    assert "2024-quiz.md" in result.stderr and "Traceback" not in result.stderr
    for word in expected:
        assert word in result.stderr, (word, result.stderr)


def test_an_exam_with_pass_score_builds_without_an_answer_page(project: Project):
    project.write("content/quizzes/2024-quiz.md", QUIZ.format(title="考试", extra="mode: exam\ntime_limit: 15\npass_score: 60"))
    project.build_ok()
    html = project.html("quizzes/2024-quiz/index.html")
    assert 'data-exam="15"' in html and 'data-pass="60"' in html and "第一题的解析" not in html
    assert not (project.root / "site/quizzes/2024-quiz/answers").exists()
    assert daily_pool(project.root / "site") == []
    # With no practice question, the home page says so instead of loading an empty pool.
    assert "还没有可以出题的在线测试" in project.html("index.html")
