"""The adapter contract: content, views and IncrementalBuild drive a build with no engine imported.

``third_engine.py`` is a complete, tiny engine adapter. These tests run it in processes of
their own on the example portal with a draft added: it loads the content, assembles the
pages, withholds the draft, reuses what did not change, and no MkDocs, ProperDocs or
Material module is ever imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO, Project, assert_same_site

DRAFT = "cases/2026-draft-canteen.md"
LINKING = "speeches/2024-eight-rules-deployment.md"


def third_engine(root: Path, site: str) -> dict:
    result = subprocess.run(
        [sys.executable, str(REPO / "tests" / "third_engine.py"), str(root), str(root / site), str(root / ".caches")],
        capture_output=True, text=True, timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def with_a_draft(portal: Project) -> None:
    case = (portal.root / "content/cases/2025-private-club.md").read_text(encoding="utf-8")
    case = case.replace("title: XX市某局原四级调研员XX违规出入私人会所问题的通报", "title: 尚未签发的食堂吃喝案例\ndraft: true")
    portal.write(f"content/{DRAFT}", case)
    speech = portal.root / "content" / LINKING
    speech.write_text(speech.read_text(encoding="utf-8") + "\n另见[食堂案例](../cases/2026-draft-canteen.md)。\n", encoding="utf-8")


def test_a_third_engine_builds_without_importing_one(portal: Project):
    with_a_draft(portal)
    first = third_engine(portal.root, "site")
    assert first["engine_modules"] == [] and first["problems"] == []
    assert first["withheld"] == [DRAFT]
    site = portal.root / "site"
    assert not (site / "cases/2026-draft-canteen").exists()
    listing = (site / "cases/index.html").read_text(encoding="utf-8")
    assert "违规出入私人会所" in listing and "尚未签发的食堂吃喝案例" not in listing
    speech = (site / "speeches/2024-eight-rules-deployment/index.html").read_text(encoding="utf-8")
    assert "另见食堂案例。" in speech and "2026-draft-canteen" not in speech
    # Every document and every generated page was assembled and rendered once.
    assert first["reused_bodies"] == 0 and len(first["rendered"]) == first["pages"] > 60

    again = third_engine(portal.root, "site-again")
    assert again["rendered"] == [] and again["reused_bodies"] == again["reused_pages"] == first["pages"]
    assert_same_site(site, portal.root / "site-again")


def test_an_edited_text_is_the_only_page_rendered_again(portal: Project):
    with_a_draft(portal)
    third_engine(portal.root, "site")
    speech = portal.root / "content" / LINKING
    speech.write_text(speech.read_text(encoding="utf-8").replace("另见", "请另见"), encoding="utf-8")
    edited = third_engine(portal.root, "site-edited")
    assert edited["rendered"] == [LINKING]
    assert edited["reused_bodies"] == edited["pages"] - 1
    assert "请另见食堂案例。" in (portal.root / "site-edited/speeches/2024-eight-rules-deployment/index.html").read_text(encoding="utf-8")
    # Publishing the draft changes its listing and the linking speech: both are rendered again, not reused.
    case = portal.root / "content" / DRAFT
    case.write_text(case.read_text(encoding="utf-8").replace("draft: true\n", ""), encoding="utf-8")
    published = third_engine(portal.root, "site-published")
    assert published["withheld"] == []
    assert {DRAFT, LINKING, "cases/index.md"} <= set(published["rendered"])
    speech_html = (portal.root / "site-published/speeches/2024-eight-rules-deployment/index.html").read_text(encoding="utf-8")
    assert "2026-draft-canteen" in speech_html
