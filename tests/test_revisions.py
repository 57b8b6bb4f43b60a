"""Revised regulations: articles aligned by their words, revision links checked both ways, citations that
follow a revision, the comparison page, and import with --revises."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Project
from qinglian.revisions.align import Change, ChapterPair, align
from qinglian.structure.regulation import parse_regulation

OLD_TEXT = """\
第一章　总则

第一条　为了规范廉洁从业行为，制定本规定。

第二条　本规定适用于全市机关工作人员。

第二章　礼品礼金

第三条　不得收受可能影响公正执行公务的礼品礼金。

第四条　不得用公款购买贺年卡。

第三章　公务接待

第五条　公务接待应当严格执行接待标准，凭公函接待。

第六条　严禁公车私用。
"""

# Chapter two and three swapped, an article inserted in chapter one, 第四条 deleted, 第五条 reworded,
# 第六条 rewritten beyond recognition (article_map fixes it).
NEW_TEXT = """\
第一章　总则

第一条　为了规范廉洁从业行为，制定本规定。

第二条　本规定适用于全市机关工作人员。

第三条　各单位党组负主体责任。

第二章　公务接待

第四条　公务接待应当严格执行接待标准，凭公函接待，如实填写接待清单。

第五条　不得公车私用，不得借用下属单位车辆。

第三章　礼品礼金

第六条　不得收受可能影响公正执行公务的礼品礼金。
"""


def kinds(old: str, new: str, fixed: dict[str, str | None] | None = None) -> list[tuple[str, str | None, str | None]]:
    result = align(parse_regulation(old), parse_regulation(new), fixed)
    return [
        (row.change.name, row.old.label if row.old else None, row.new.label if row.new else None)
        for row in result.rows if not isinstance(row, ChapterPair)
    ]


def test_alignment_by_words_not_numbers():
    rows = kinds(OLD_TEXT, NEW_TEXT)
    assert ("SAME", "第一条", "第一条") in rows and ("SAME", "第二条", "第二条") in rows
    assert ("ADDED", None, "第三条") in rows
    assert ("MODIFIED", "第五条", "第四条") in rows
    assert ("RENUMBERED", "第三条", "第六条") in rows
    assert ("DELETED", "第四条", None) in rows
    # Without an article_map the rewritten article is one deleted and one added.
    assert ("DELETED", "第六条", None) in rows and ("ADDED", None, "第五条") in rows
    # Rows follow the new text; a deleted article stands after the old article it followed.
    assert rows.index(("DELETED", "第四条", None)) == rows.index(("RENUMBERED", "第三条", "第六条")) + 1


def test_a_moved_chapter_keeps_its_heading_beside_the_old_one():
    result = align(parse_regulation(OLD_TEXT), parse_regulation(NEW_TEXT))
    chapters = [(row.old.title if row.old else None, row.new.title if row.new else None, row.moved)
                for row in result.rows if isinstance(row, ChapterPair)]
    assert chapters == [("总则", "总则", False), ("公务接待", "公务接待", True), ("礼品礼金", "礼品礼金", True)]


def test_article_map_overrides_the_alignment():
    rows = kinds(OLD_TEXT, NEW_TEXT, {"第六条": "第五条"})
    assert ("MODIFIED", "第六条", "第五条") in rows
    assert not any(r[0] == "ADDED" and r[2] == "第五条" for r in rows)
    rows = kinds(OLD_TEXT, NEW_TEXT, {"第三条": None})
    assert ("DELETED", "第三条", None) in rows and ("ADDED", None, "第六条") in rows


def test_changed_characters_are_marked_in_both_columns():
    result = align(parse_regulation(OLD_TEXT), parse_regulation(NEW_TEXT))
    row = next(r for r in result.rows if not isinstance(r, ChapterPair) and r.change is Change.MODIFIED)
    added = "".join(s.text for paragraph in row.new_text for s in paragraph if s.changed)
    assert "如实填写接待清单" in added
    assert not any(s.changed for paragraph in row.old_text for s in paragraph)
    summary = dict((change.name, count) for change, count in result.summary)
    assert summary == {"ADDED": 2, "DELETED": 2, "MODIFIED": 1, "RENUMBERED": 1, "SAME": 2}


REGULATION = """\
---
title: {title}
issuer: XX市纪委监委
adopted: {adopted}
effective: {adopted}
topics: [警示教育]
{extra}
---

{body}"""


def regulations(project: Project, old_extra: str = "status: 已修订\nreplaced_by: regulations/2023-rules",
                new_extra: str = "revises: regulations/2018-rules") -> None:
    project.write("content/regulations/2018-rules.md", REGULATION.format(title="XX市测试规定（2018年）", adopted="2018-01-05", extra=old_extra, body=OLD_TEXT))
    project.write("content/regulations/2023-rules.md", REGULATION.format(title="XX市测试规定", adopted="2023-01-05", extra=new_extra, body=NEW_TEXT))


def test_comparison_page_and_citations_that_follow(project: Project):
    # The form's list of {old, new} (the short mapping form is checked below).
    regulations(project, new_extra="revises: regulations/2018-rules\narticle_map:\n  - {old: 第6条, new: 第五条}")
    project.write("content/cases/2020-card.md", """\
---
title: 某局XX用公款购买贺年卡问题
date: 2020-02-03
unit: XX市纪委监委
discipline: 廉洁纪律
outcome: 党内警告
topics: [警示教育]
lessons: [节礼也是四风]
basis:
  - regulation: regulations/2018-rules
    articles: [第四条, 第五条]
---

正文。
""")
    project.build_ok()
    page = project.html("regulations/2023-rules/compare/index.html")
    assert "新旧条文对照表" in page and "章序调整" in page
    assert "<ins>，如实填写接待清单</ins>" in page
    assert page.count('class="ql-compare__row ql-compare__row--deleted"') == 1
    case = project.html("cases/2020-card/index.html")
    assert "已在<a href=\"../../regulations/2023-rules/compare/\">《XX市测试规定》</a>中删除" in case
    assert "现为<a href=\"../../regulations/2023-rules/#第四条\">《XX市测试规定》第四条</a>" in case
    old = project.html("regulations/2018-rules/index.html")
    assert "本法规已修订" in old and "compare/" in old and "修订后为" in old
    new = project.html("regulations/2023-rules/index.html")
    assert "本法规修订了" in new and "新增 1 条" in new
    # Search marks the old version.
    records = [json.loads(p.read_text(encoding="utf-8")) for p in (project.root / "site/search-index").rglob("p/*.json")]
    statuses = {r["title"]: r.get("status") for r in records if r["title"].startswith("XX市测试规定")}
    assert statuses["XX市测试规定（2018年）"] == "已修订" and statuses["XX市测试规定"] is None


@pytest.mark.parametrize(("old_extra", "new_extra", "expected"), [
    # The old version does not say it was replaced.
    ("", "revises: regulations/2018-rules", ["2023-rules.md", "revises", "2018-rules.md", "status: 已修订"]),
    # It names another successor.
    ("status: 已修订\nreplaced_by: regulations/2024-other", "revises: regulations/2018-rules", ["2018-rules.md", "2024-other"]),
    # The new one names another old version than the one whose replaced_by names it.
    ("status: 已修订\nreplaced_by: regulations/2023-rules", "revises: regulations/2024-other", ["2018-rules.md", "replaced_by", "2023-rules.md", "revises: regulations/2024-other"]),
    # An article_map naming an article the old version lacks, and one the new version lacks.
    ("status: 已修订\nreplaced_by: regulations/2023-rules", "revises: regulations/2018-rules\narticle_map: {第九条: 第一条}", ["2023-rules.md", "article_map.第九条", "旧版本没有这一条"]),
    ("status: 已修订\nreplaced_by: regulations/2023-rules", "revises: regulations/2018-rules\narticle_map: {第一条: 第九十条}", ["2023-rules.md", "article_map.第一条", "本版本没有这一条"]),
    ("status: 已修订\nreplaced_by: regulations/2023-rules", "revises: regulations/2018-rules\narticle_map:\n  - {old: 第一条, new: 第二条}\n  - {old: 第一条, new: 删除}", ["2023-rules.md", "article_map", "每个旧条号只写一次"]),
])
def test_revision_link_errors_name_both_files(project: Project, old_extra: str, new_extra: str, expected: list[str]):
    regulations(project, old_extra, new_extra)
    if "2024-other" in old_extra + new_extra:
        project.write("content/regulations/2024-other.md", REGULATION.format(title="另一规定", adopted="2024-01-05", extra="", body=OLD_TEXT))
    result = project.build()
    assert result.returncode != 0
    message = next(line for line in result.stderr.splitlines() if all(word in line for word in expected[:2]))
    for word in expected:
        assert word in result.stderr, (word, message)
    assert "Traceback" not in result.stderr


def test_a_chain_of_revisions_follows_to_the_newest(project: Project):
    regulations(project, new_extra="revises: regulations/2018-rules\nstatus: 已修订\nreplaced_by: regulations/2025-rules")
    newest = NEW_TEXT.replace("第五条　不得公车私用，不得借用下属单位车辆。\n", "").replace("第六条", "第五条")
    project.write("content/regulations/2025-rules.md", REGULATION.format(title="XX市测试规定（2025年）", adopted="2025-01-05", extra="revises: regulations/2023-rules", body=newest))
    project.write("content/quizzes/2020-quiz.md", """\
---
title: 测试题
date: 2020-03-01
unit: XX市纪委监委
topics: [警示教育]
pass_mark: 1
questions:
  - type: 判断题
    question: 不得收受礼品礼金。
    answer: 正确
    points: 1
    explanation: 见规定。
    source: regulations/2018-rules#第三条
---
""")
    project.build_ok()
    old = project.html("regulations/2018-rules/index.html")
    # 2018 第三条 → 2023 第六条 → 2025 第五条.
    assert "《XX市测试规定（2025年）》第五条" in old
    answers = project.html("quizzes/2020-quiz/answers/index.html")
    assert "第三条，现为《XX市测试规定（2025年）》第五条" in answers
    assert (project.root / "site/regulations/2025-rules/compare/index.html").is_file()


def test_import_with_revises_links_both_files(project: Project):
    regulations(project, old_extra="", new_extra="")
    source = project.write("new.txt", "XX市测试规定（2026年）\n\n" + NEW_TEXT.replace("第三条　各单位", "第三条　各级各单位"))
    result = subprocess.run(
        [sys.executable, "-m", "qinglian.cli", "import", str(source), "--type", "regulation", "--unit", "XX市纪委监委",
         "--revises", "regulations/2023-rules", "--name", "rules-2026"],
        cwd=project.root, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "修改 1 条" in result.stderr and "未变 5 条" in result.stderr
    old = (project.root / "content/regulations/2023-rules.md").read_text(encoding="utf-8")
    assert "status: 已修订" in old and "replaced_by: regulations/" in old and old.endswith(NEW_TEXT)
    created = next((project.root / "content/regulations").glob("*rules-2026.md")).read_text(encoding="utf-8")
    assert 'revises: "regulations/2023-rules"' in created
    refused = subprocess.run(
        [sys.executable, "-m", "qinglian.cli", "import", str(source), "--type", "regulation", "--revises", "regulations/../../etc"],
        cwd=project.root, capture_output=True, text=True,
    )
    assert refused.returncode == 2 and "--revises" in refused.stderr and "Traceback" not in refused.stderr
