"""`mkdocs serve` rebuilds when an editor changes a file in content/."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request

from conftest import MKDOCS, Project, speech


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


def test_serve_reloads_when_content_changes(project: Project):
    port = free_port()
    server = subprocess.Popen(
        [*MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project.root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        listing = f"http://127.0.0.1:{port}/speeches/"
        assert fetch_until(listing, "在警示教育大会上的讲话")
        project.write("content/speeches/2024-new.md", speech(title="新增的一篇讲话"))
        assert fetch_until(listing, "新增的一篇讲话"), "serve did not rebuild after a content change"
    finally:
        server.terminate()
        server.wait(timeout=10)
