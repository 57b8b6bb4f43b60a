"""HTML comments are editors' internal notes: never published, never searchable, and check says so."""

from __future__ import annotations

import subprocess
import sys

from conftest import Project, speech
from qinglian.content.comments import without_comments


def test_comments_are_dropped_outside_code_and_keep_the_line_count():
    body = "第一段。\n\n<!--\n内部意见：此案拟从轻处理\n-->\n\n第二段 `<!-- 代码中的注释 -->`。\n\n```\n<!-- 示例 -->\n```\n<!-- 没有结束"
    cleaned = without_comments(body)
    assert "内部意见" not in cleaned and "没有结束" not in cleaned
    assert "`<!-- 代码中的注释 -->`" in cleaned and "<!-- 示例 -->" in cleaned
    assert cleaned.count("\n") == body.count("\n")


def test_internal_notes_in_comments_never_reach_readers(project: Project):
    project.write(
        "content/speeches/2024-warning.md",
        speech().replace("讲话正文。", "讲话正文。\n\n<!--\n内部意见：此案拟从轻处理\n-->\n\n结尾。"),
    )
    project.write("docs/help.md", "# 帮助\n\n<!-- 运维备注：服务器口令在值班室 -->\n\n使用说明。\n")
    check = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"], cwd=project.root, capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout
    assert "content/speeches/2024-warning.md:16: 字段“正文”应为发布给读者的正文，实际为HTML 注释“<!-- 内部意见：此案拟从轻处理 -->”" in check.stdout
    assert "docs/help.md:3:" in check.stdout and "注释不会发布" in check.stdout
    project.build_ok()
    published = "".join(path.read_text(encoding="utf-8", errors="replace") for path in (project.root / "site").rglob("*") if path.is_file() and path.suffix in (".html", ".json", ".xml"))
    assert "此案拟从轻处理" not in published and "服务器口令" not in published
    assert "结尾。" in project.html("speeches/2024-warning/index.html")
    strict = project.build("--strict")
    assert strict.returncode != 0 and "HTML 注释" in strict.stderr
