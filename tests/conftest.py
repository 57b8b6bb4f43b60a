"""Fixtures that build real portals into ``tmp_path`` and assert on what MkDocs wrote."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]

VOCABULARY = """\
units:
  XX市纪委监委: city-commission
  XX区纪委监委: district-commission
topics:
  八项规定精神: eight-rules
  警示教育: warning-education
  以案促改: reform-through-cases
roles:
  - 市纪委书记
"""

MKDOCS_YML = """\
site_name: 测试平台
site_url: http://127.0.0.1/
theme:
  name: material
  language: zh
  font: false
plugins:
  - qinglian:
      page_size: {page_size}
"""


def speech(title: str = "在警示教育大会上的讲话", date: str = "2024-03-05", **extra: str) -> str:
    fields = {
        "title": title,
        "date": date,
        "unit": "XX市纪委监委",
        "speaker": "市纪委书记",
        "occasion": "全市警示教育大会",
        "topics": "[警示教育]",
        **extra,
    }
    front = "\n".join(f"{key}: {value}" for key, value in fields.items())
    return f"---\n{front}\n---\n\n同志们：\n\n## 一、正文\n\n讲话正文。\n"


@dataclass
class Project:
    root: Path

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def build(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        return subprocess.run(
            [*MKDOCS, "build", *args], cwd=self.root, capture_output=True, text=True, env=env, timeout=300
        )

    def build_ok(self, *args: str) -> None:
        result = self.build(*args)
        if result.returncode != 0:
            pytest.fail(f"mkdocs build failed:\n{result.stderr}")

    def html(self, relative: str) -> str:
        return (self.root / "site" / relative).read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A minimal portal with one speech; tests add or break files and build it."""
    result = Project(tmp_path)
    result.write("mkdocs.yml", MKDOCS_YML.format(page_size=3))
    result.write("docs/index.md", "---\ntitle: 首页\n---\n\n欢迎。\n")
    result.write("content/vocabulary.yml", VOCABULARY)
    result.write("content/speeches/2024-warning.md", speech())
    return result


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example portal of this repository, built once with --strict."""
    root = tmp_path_factory.mktemp("example")
    for name in ("docs", "content"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    result = subprocess.run(
        [*MKDOCS, "build", "--strict"],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=600,
    )
    if result.returncode != 0:
        pytest.fail(f"example portal does not build:\n{result.stderr}")
    return root / "site"
