"""Drafts, documents before their publish date and after their expire date stay out of every file."""

from __future__ import annotations

import gzip
import html
import json
from pathlib import Path

import pytest

from conftest import Project, speech

PLAN = """---
title: 二〇二四年学习计划
date: 2024-01-05
unit: XX市纪委监委
topics: [警示教育]
year: 2024
sessions:
  - date: 2024-06-14
    topic: 学习定时发布的讲话
    form: 集中学习
    readings: [speeches/2024-scheduled, speeches/2024-warning]
---
"""


def visible(project: Project, build_date: str) -> bool:
    project.build_ok(build_date=build_date)
    page = project.root / "site/speeches/2024-scheduled/index.html"
    listed = "限时公开的讲话" in project.html("speeches/index.html")
    assert page.exists() == listed
    return listed


def test_document_appears_on_publish_date_and_disappears_after_expire_date(project: Project):
    project.write(
        "content/speeches/2024-scheduled.md",
        speech(title="限时公开的讲话", publish_date="2024-05-01", expire_date="2024-06-30"),
    )
    assert not visible(project, "2024-04-30")
    # 23:30 Beijing time is still the day before; half an hour later it is the day itself.
    assert not visible(project, "2024-04-30T15:30:00+00:00")
    assert visible(project, "2024-04-30T16:30:00+00:00")
    assert visible(project, "2024-05-01")
    assert visible(project, "2024-06-30")
    assert not visible(project, "2024-07-01")


def test_expire_before_publish_is_an_error(project: Project):
    project.write("content/speeches/2024-x.md", speech(publish_date="2024-05-01", expire_date="2024-04-01"))
    result = project.build()
    assert result.returncode != 0
    assert "content/speeches/2024-x.md:9: 字段“expire_date”应为不早于定时发布日期 2024-05-01 的日期" in result.stderr


SENTINELS = {
    "draft": "QLSENTINELDRAFT",
    "scheduled": "QLSENTINELFUTURE",
    "expired": "QLSENTINELEXPIRED",
    "plan": "QLSENTINELPLAN",
}


def readable(path: Path) -> str:
    """Everything a file says, whatever its encoding: gzip, JSON escapes, HTML entities, search tokens."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    text = data.decode("utf-8", errors="replace")
    if ".json" in path.name:
        text += json.dumps(json.loads(text), ensure_ascii=False)
    if path.parent.name == "t" and "search-index" in path.parts:
        # The index's tokens are in lower case.
        text = text.upper()
    return html.unescape(text)


@pytest.fixture
def withheld_project(project: Project) -> Project:
    body = "\n\n## 一、正文\n\n{s} 这段文字只属于未发布的文档，编号{s}。\n"
    for name, extra in (
        ("draft", {"draft": "true"}),
        ("scheduled", {"publish_date": "2024-09-01"}),
        ("expired", {"expire_date": "2024-03-31"}),
    ):
        text = speech(title=f"未发布讲话{SENTINELS[name]}", **extra).replace("\n\n## 一、正文\n\n讲话正文。\n", body.format(s=SENTINELS[name]))
        project.write(f"content/speeches/2024-{name}.md", text)
    project.write("content/plans/2024-hidden-plan.md", PLAN.replace("二〇二四年学习计划", f"未发布计划{SENTINELS['plan']}").replace("date: 2024-01-05", "date: 2024-01-05\ndraft: true").replace("学习定时发布的讲话", f"安排{SENTINELS['plan']}"))
    project.write("content/plans/2024-plan.md", PLAN)
    # A published page that links to a withheld one, in its text.
    project.write(
        "content/speeches/2024-warning.md",
        speech().replace("讲话正文。", "讲话正文，另见[草稿](2024-draft.md)和[已撤下的讲话](../speeches/2024-expired.md)。"),
    )
    return project


def test_withheld_documents_leak_into_no_output_file(withheld_project: Project):
    result = withheld_project.build(build_date="2024-06-01")
    assert result.returncode == 0, result.stderr
    site = withheld_project.root / "site"
    files = [p for p in site.rglob("*") if p.is_file()]
    assert any(p.name == "sitemap.xml" for p in files) and any(p.parent.name == "p" and "search-index" in p.parts for p in files)
    assert any(p.suffix == ".ics" for p in files) and any(p.name == "404.html" for p in files)
    hits = [(p.relative_to(site).as_posix(), s) for p in files if p.suffix not in {".png", ".ico"} for s in SENTINELS.values() if s in readable(p)]
    assert hits == []
    for name in ("draft", "scheduled", "expired"):
        assert not (site / f"speeches/2024-{name}").exists()
    # The withheld plan's session is nowhere; the visible plan keeps its session and its published reading.
    assert "安排" + SENTINELS["plan"] not in readable(site / "calendar/feeds/all.ics")
    month = withheld_project.html("calendar/2024-06/index.html")
    assert "学习定时发布的讲话" in month and "在警示教育大会上的讲话" in month


def test_references_to_withheld_documents_are_reported_not_linked(withheld_project: Project):
    result = withheld_project.build(build_date="2024-06-01")
    assert "content/plans/2024-plan.md:11: 字段“sessions[1].readings[1]”应为已发布的文档，实际为“speeches/2024-scheduled”，该文档定时于 2024-09-01 发布" in result.stderr
    assert "content/speeches/2024-warning.md:14: 链接“草稿”指向未发布的文档 speeches/2024-draft（草稿），已显示为普通文字。" in result.stderr
    assert "链接“已撤下的讲话”指向未发布的文档 speeches/2024-expired（已过撤下日期）" in result.stderr
    page = withheld_project.html("speeches/2024-warning/index.html")
    assert "另见草稿和已撤下的讲话。" in page and "2024-draft" not in page
    # Warnings: the normal build passes, --strict refuses.
    assert withheld_project.build("--strict", build_date="2024-06-01").returncode != 0
