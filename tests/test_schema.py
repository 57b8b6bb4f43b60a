"""Unit tests of the front-matter schema, without MkDocs."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from qinglian.content.collections import CaseSchema, PlanSchema, SpeechSchema
from qinglian.content.frontmatter import FrontMatterError, split_front_matter
from qinglian.content.schema import Invalid, ValidationContext, parse_date
from qinglian.content.vocabulary import Vocabulary
from qinglian.structure.problems import ProblemLog, Severity
from qinglian.structure.references import Reference
from qinglian.views.dates import chinese_date
from qinglian.views.pages import page_numbers
from qinglian.views.urls import page_url, relative_href

VOCABULARY = Vocabulary(
    source="content/vocabulary.yml",
    slugs={"units": {"XX市纪委监委": "city"}, "topics": {"八项规定精神": "eight", "警示教育": "warning"}},
    plain={"roles": ["市纪委书记"]},
)


def validate(schema, text: str):
    front_matter = split_front_matter(text)
    log = ProblemLog()
    values = schema.validate(front_matter.data, ValidationContext("x.md", front_matter, VOCABULARY, log))
    return values, log


SPEECH = """---
title: 讲话
date: 2024-03-05
unit: XX市纪委监委
speaker: 市纪委书记
occasion: 大会
topics:
  - 八项规定精神
---
正文
"""


def test_valid_speech_converts_every_field():
    values, log = validate(SpeechSchema, SPEECH)
    assert log.problems == []
    assert values["date"] == dt.date(2024, 3, 5)
    assert values["topics"] == ["八项规定精神"]
    assert values["draft"] is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2023-03-05", dt.date(2023, 3, 5)), ("2023-3-5", dt.date(2023, 3, 5)), ("2024年2月29日", dt.date(2024, 2, 29))],
)
def test_dates_in_iso_and_chinese_forms(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "reason"), [("2023-02-30", "2023年2月只有 28 天"), ("2023-13-01", "月份只能是 1 至 12"), ("三月五日", "")])
def test_impossible_dates_explain_why(text, reason):
    with pytest.raises(Invalid) as caught:
        parse_date(text)
    assert reason in caught.value.hint
    assert text in caught.value.found


def test_chinese_date_has_no_leading_zeros():
    assert chinese_date(dt.date(2023, 3, 5)) == "2023年3月5日"


def test_problem_lines_point_at_the_field_in_the_file():
    values, log = validate(SpeechSchema, SPEECH.replace("date: 2024-03-05", "date: 2023-02-30"))
    assert values is None
    [problem] = log.problems
    assert (problem.line, problem.field) == (3, "date")
    assert "2023-02-30" in problem.found


def test_every_problem_of_a_file_is_reported_at_once():
    text = SPEECH.replace("unit: XX市纪委监委", "unit: XX市纪委").replace("occasion: 大会\n", "")
    _, log = validate(SpeechSchema, text)
    fields = {p.field for p in log.problems}
    assert fields == {"unit", "occasion"}


def test_vocabulary_value_suggests_the_closest_term():
    _, log = validate(SpeechSchema, SPEECH.replace("  - 八项规定精神", "  - 八项规定"))
    [problem] = log.problems
    assert problem.field == "topics[1]"
    assert problem.line == 8
    assert "是否应为“八项规定精神”" in problem.hint


def test_wrong_type_names_what_was_found():
    _, log = validate(SpeechSchema, SPEECH.replace("topics:\n  - 八项规定精神", "topics: 123"))
    [problem] = log.problems
    assert problem.field == "topics"
    assert "整数 123" in problem.found


def test_unknown_field_is_a_warning_with_suggestion():
    values, log = validate(SpeechSchema, SPEECH.replace("occasion: 大会", "occasion: 大会\nspeakr: 市纪委书记"))
    assert values is not None
    [problem] = log.problems
    assert problem.severity is Severity.WARNING
    assert "是否应为“speaker”" in problem.hint


def test_case_discipline_must_be_one_of_six():
    text = """---
title: 通报
date: 2024-01-01
unit: XX市纪委监委
topics: [警示教育]
discipline: 廉政纪律
outcome: 警告
lessons: [要点]
---
"""
    _, log = validate(CaseSchema, text)
    [problem] = log.problems
    assert problem.field == "discipline"
    assert "廉洁纪律" in problem.hint


def test_plan_sessions_must_fall_in_the_plan_year():
    text = """---
title: 计划
date: 2024-01-01
unit: XX市纪委监委
topics: [警示教育]
year: 2024
sessions:
  - date: 2025-03-01
    topic: 学习
    form: 集中学习
---
"""
    values, log = validate(PlanSchema, text)
    assert values is None
    [problem] = log.problems
    assert (problem.field, problem.line) == ("sessions[1].date", 8)


def test_bad_yaml_reports_the_line():
    with pytest.raises(FrontMatterError) as caught:
        split_front_matter("---\ntitle: 好\ndate: [2024\n---\n")
    assert caught.value.line >= 3


def test_missing_front_matter_is_reported():
    with pytest.raises(FrontMatterError) as caught:
        split_front_matter("# 标题\n")
    assert caught.value.line == 1


def test_references_parse_collection_slug_and_anchor():
    reference = Reference.parse("cases/2024-x#基本案情", "p.md", 4, "readings[1]")
    assert (reference.collection, reference.slug, reference.anchor) == ("cases", "2024-x", "基本案情")
    assert Reference.parse("不是引用", "p.md", 4, "r") is None


def test_urls_and_relative_links():
    assert page_url("speeches/a.md") == "speeches/a/"
    assert page_url("speeches/index.md") == "speeches/"
    assert page_url("speeches/a.md", directory_urls=False) == "speeches/a.html"
    assert relative_href("speeches/a/", "topics/x/") == "../../topics/x/"
    assert relative_href("speeches/page/2/", "speeches/") == "../../"
    assert relative_href("", "speeches/") == "speeches/"


def test_page_numbers_window_with_gaps():
    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_numbers(10, 20) == [1, 2, None, 8, 9, 10, 11, 12, None, 19, 20]


def test_content_model_does_not_import_mkdocs():
    package = Path(__file__).resolve().parent.parent / "plugins" / "qinglian"
    for folder in ("content", "structure", "views", "search"):
        for source in [*(package / folder).rglob("*.py"), package / "atomic.py"]:
            assert "mkdocs" not in source.read_text(encoding="utf-8").replace("MkDocs", ""), source


def test_only_the_engine_side_of_incremental_imports_an_engine():
    """``IncrementalBuild`` and what it uses import no engine; ``engine_pages``, ``engine_workers`` and ``watcher`` are the engine side."""
    engine_side = {"engine_pages.py", "engine_workers.py", "watcher.py"}
    for source in sorted((Path(__file__).resolve().parent.parent / "plugins" / "qinglian" / "incremental").glob("*.py")):
        imported = set()
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[-1])
        if source.name not in engine_side:
            engines = imported & {"mkdocs", "properdocs", "material", "engine_pages", "watcher", "failures", "plugin"}
            assert engines == set(), (source.name, engines)
