"""Every kind of content mistake fails the build with a message an editor can act on."""

from __future__ import annotations

import pytest

from conftest import Project, speech

PLAN = """---
title: 学习计划
date: 2024-01-05
unit: XX市纪委监委
topics: [警示教育]
year: 2024
sessions:
  - date: 2024-03-15
    topic: 集中学习警示教育大会精神
    form: 集中学习
    readings:
      - speeches/2024-warning
      - speeches/2024-warnin
---
"""


def assert_fails_with(project: Project, *fragments: str) -> str:
    result = project.build()
    assert result.returncode != 0, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, f"{fragment!r} not in:\n{result.stderr}"
    assert "Traceback" not in result.stderr
    return result.stderr


def test_bad_yaml(project: Project):
    project.write("content/speeches/2024-bad.md", speech(occasion="会议: 第一次 [未闭合"))
    assert_fails_with(project, "content/speeches/2024-bad.md:6:", "“字段: 值”形式的一行", "会议: 第一次 [未闭合", "请把整个值用引号括起来")


def test_missing_required_field(project: Project):
    text = speech().replace("occasion: 全市警示教育大会\n", "")
    project.write("content/speeches/2024-missing.md", text)
    assert_fails_with(project, "content/speeches/2024-missing.md:1:", "字段“occasion”", "缺少该字段")


def test_wrong_type(project: Project):
    project.write("content/speeches/2024-type.md", speech(title="2024"))
    assert_fails_with(project, "content/speeches/2024-type.md:2:", "字段“title”应为非空文本", "整数 2024")


def test_impossible_date(project: Project):
    project.write("content/speeches/2023-date.md", speech(date="2023-02-30"))
    assert_fails_with(project, "content/speeches/2023-date.md:3:", "字段“date”", "“2023-02-30”", "2023年2月只有 28 天")


def test_unknown_collection(project: Project):
    project.write("content/speech/2024-folder.md", speech())
    assert_fails_with(project, "content/speech/2024-folder.md:1:", "栏目文件夹", "文件夹“speech”", "是否应为“speeches”")


def test_value_outside_vocabulary(project: Project):
    project.write("content/speeches/2024-unit.md", speech(unit="XX市纪委"))
    assert_fails_with(project, "content/speeches/2024-unit.md:4:", "字段“unit”", "“XX市纪委”", "是否应为“XX市纪委监委”", "vocabulary.yml")


def test_duplicate_slug(project: Project):
    project.write("content/speeches/2025/2024-warning.md", speech(title="另一篇讲话"))
    stderr = assert_fails_with(project, "字段“slug”应为在栏目内唯一的网址名")
    assert "content/speeches/2024-warning.md:1:" in stderr
    assert "content/speeches/2025/2024-warning.md:1:" in stderr


def test_reading_that_points_nowhere(project: Project):
    project.write("content/plans/2024-plan.md", PLAN)
    assert_fails_with(
        project,
        "content/plans/2024-plan.md:13:",
        "字段“sessions[1].readings[2]”",
        "“speeches/2024-warnin”，没有这个文档",
        "是否应为“speeches/2024-warning”",
    )


def test_all_problems_of_a_build_are_reported_together(project: Project):
    project.write("content/speeches/2023-date.md", speech(date="2023-02-30"))
    project.write("content/speeches/2024-unit.md", speech(unit="XX市纪委"))
    stderr = assert_fails_with(project, "2023-date.md:3:", "2024-unit.md:4:", "2 个错误")
    assert stderr.count("ERROR") >= 3


def test_failed_build_leaves_previous_site_intact(project: Project):
    project.build_ok()
    before = {p: p.read_bytes() for p in (project.root / "site").rglob("*") if p.is_file()}
    project.write("content/speeches/2023-date.md", speech(date="2023-02-30"))
    assert_fails_with(project, "原有输出保持不变")
    after = {p: p.read_bytes() for p in (project.root / "site").rglob("*") if p.is_file()}
    assert after == before


def test_warnings_pass_normally_and_fail_under_strict(project: Project):
    project.write("content/speeches/2024-typo.md", speech(speakr="市纪委书记"))
    project.build_ok()
    result = project.build("--strict")
    assert result.returncode != 0
    assert "content/speeches/2024-typo.md:8:" in result.stderr
    assert "未知字段“speakr”" in result.stderr


@pytest.mark.parametrize("slug", ["index", "page"])
def test_reserved_slug_from_file_name(project: Project, slug: str):
    project.write(f"content/speeches/{slug}.md", speech())
    assert_fails_with(project, f"content/speeches/{slug}.md:1:", "slug")


def test_generated_address_taken_by_hand_written_page(project: Project):
    project.build_ok()
    before = project.html("index.html")
    project.write("docs/speeches/index.md", "# 手写\n")
    assert_fails_with(project, "docs/speeches/index.md", "自动生成的页面地址冲突", "原有输出保持不变")
    assert project.html("index.html") == before
