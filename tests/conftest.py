"""Fixtures that build real portals into ``tmp_path`` and assert on what MkDocs wrote."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

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

    def build(self, *args: str, build_date: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        env.pop("QINGLIAN_BUILD_DATE", None)
        if build_date:
            env["QINGLIAN_BUILD_DATE"] = build_date
        return subprocess.run(
            [*MKDOCS, "build", *args], cwd=self.root, capture_output=True, text=True, env=env, timeout=300
        )

    def build_ok(self, *args: str, build_date: str | None = None) -> None:
        result = self.build(*args, build_date=build_date)
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


# A date inside the example plans, so "this week" and "upcoming" have sessions to show.
EXAMPLE_BUILD_DATE = "2026-11-20T10:00"


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
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_BUILD_DATE": EXAMPLE_BUILD_DATE},
        timeout=600,
    )
    if result.returncode != 0:
        pytest.fail(f"example portal does not build:\n{result.stderr}")
    return root / "site"


# Headless Chromium: Debian's package driven by Playwright, never a downloaded browser.

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served_site(example_site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(example_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (apt-get install chromium); browser tests may not skip there.")
        pytest.skip("Debian's Chromium is missing: run `apt-get install chromium` (or `python3 scripts/dev.py test`).")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, served_site: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    opened = context.new_page()
    opened.requested_hosts = set()
    opened.console_errors = []
    opened.on("request", lambda request: opened.requested_hosts.add(urlsplit(request.url).netloc))
    opened.on("console", lambda message: message.type == "error" and opened.console_errors.append(message.text))
    opened.on("pageerror", lambda error: opened.console_errors.append(str(error)))
    yield opened
    context.close()
