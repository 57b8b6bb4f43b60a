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
