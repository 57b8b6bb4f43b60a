"""`mkdocs serve` rebuilds when an editor changes a file in content/."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator

from conftest import MKDOCS, Project, free_port, speech


def fetch_until(url: str, text: str, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if text in urllib.request.urlopen(url, timeout=5).read().decode("utf-8"):
                return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


@contextlib.contextmanager
def mkdocs_serve(project: Project) -> Iterator[str]:
    """``mkdocs serve`` on a free loopback port; yields the base URL."""
    port = free_port()
    server = subprocess.Popen(
        [*MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project.root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=10)


def fetch(url: str) -> str:
    return urllib.request.urlopen(url, timeout=5).read().decode("utf-8")


def test_serve_reloads_when_content_changes(project: Project):
    with mkdocs_serve(project) as url:
        listing = url + "speeches/"
        assert fetch_until(listing, "在警示教育大会上的讲话")
        project.write("content/speeches/2024-new.md", speech(title="新增的一篇讲话"))
        assert fetch_until(listing, "新增的一篇讲话"), "serve did not rebuild after a content change"


def test_serve_previews_withheld_documents_with_a_banner(project: Project):
    project.write("content/speeches/2024-draft.md", speech(title="尚未定稿的讲话", draft="true"))
    project.write("content/speeches/2024-later.md", speech(title="定时发布的讲话", publish_date="2099-01-01"))
    with mkdocs_serve(project) as url:
        assert fetch_until(url + "speeches/2024-draft/", "ql-withheld")
        draft = fetch(url + "speeches/2024-draft/")
        assert "草稿" in draft and "不会发布到网站" in draft
        assert "定时于 2099年1月1日 发布" in fetch(url + "speeches/2024-later/")
        # Previewed, but still not listed among published documents.
        listing = fetch(url + "speeches/")
        assert "尚未定稿的讲话" not in listing and "定时发布的讲话" not in listing


def test_serve_shows_content_errors_in_the_browser_and_reloads_when_fixed(project: Project, browser, tmp_path):
    """A save with an error: the page lists the problem in Chinese at once, and reloads once it is fixed."""
    broken = speech(title="有错误的讲话").replace("date: 2024-03-05", "date: 2024-02-30")
    project.write("content/speeches/2024-broken.md", broken)
    with mkdocs_serve(project) as url:
        # Broken from the start: the preview still starts and says what is wrong.
        assert fetch_until(url + "speeches/", "内容有错误，预览暂停", 60)
        page_text = fetch(url + "speeches/")
        assert "content/speeches/2024-broken.md:3: 字段“date”" in page_text and "2月只有 29 天" in page_text
        project.write("content/speeches/2024-broken.md", broken.replace("2024-02-30", "2024-02-29"))
        assert fetch_until(url + "speeches/", "有错误的讲话", 60)
        # Broken while the browser is open: the page turns into the list without a reload by hand.
        context = browser.new_context(locale="zh-CN")
        opened = context.new_page()
        opened.goto(url + "speeches/")
        started = time.monotonic()
        project.write("content/speeches/2024-broken.md", broken.replace("date: 2024-02-30", "date：2024-02-29"))
        opened.locator("h1", has_text="内容有错误，预览暂停").wait_for(timeout=30000)
        assert "请改为：date: 2024-02-29" in opened.inner_text("main")
        assert time.monotonic() - started < 30
        opened.screenshot(path=str(tmp_path / "preview-error.png"))
        project.write("content/speeches/2024-broken.md", broken.replace("2024-02-30", "2024-02-28"))
        opened.locator(".md-content", has_text="有错误的讲话").first.wait_for(timeout=30000)
        context.close()
