"""A running ``qinglian edit`` over a git copy of the example portal, for protocol and browser tests."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conftest import REPO

EDITOR, REVIEWER = ("张三", "password-zs"), ("李四", "password-ls")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def example_repository(root: Path) -> Path:
    """The example portal as a git repository on branch main, one commit."""
    for name in ("content", "docs"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=管理员", "-c", "user.email=admin@example.invalid", "add", "-A")
    git(root, "-c", "user.name=管理员", "-c", "user.email=admin@example.invalid", "commit", "-q", "-m", "示例网站")
    return root


@dataclass
class RunningWorkspace:
    root: Path
    url: str

    def request(self, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                user: tuple[str, str] | None = EDITOR, method: str | None = None) -> tuple[int, Any]:
        all_headers = dict(headers or {})
        if user is not None:
            all_headers["Authorization"] = "Basic " + base64.b64encode(f"{user[0]}:{user[1]}".encode()).decode()
        request = urllib.request.Request(self.url + path, data=body, headers=all_headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, data = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, data = error.code, error.read()
        try:
            return status, json.loads(data.decode("utf-8"))
        except ValueError:
            return status, data

    def api(self, action: str, user: tuple[str, str] | None = EDITOR, **params: Any) -> tuple[int, Any]:
        body = json.dumps({"action": action, "params": {"branch": "main", **params}}, ensure_ascii=False).encode()
        return self.request("/api/v1", body, {"Content-Type": "application/json"}, user)

    def head(self, branch: str = "main") -> str:
        return git(self.root, "rev-parse", branch).strip()

    def read(self, path: str) -> bytes:
        return (self.root / path).read_bytes()


@contextmanager
def running_workspace(root: Path, review: bool = True) -> Iterator[RunningWorkspace]:
    from qinglian.workspace.accounts import AccountBook, accounts_file
    from qinglian.workspace.command import Project, _PORTAL_CSS
    from qinglian.workspace.server import Pages, WorkspaceServer
    from qinglian.workspace.bundle import bundle_folder

    # Each workspace of the suite keeps its accounts beside its repository, not in the user's configuration.
    os.environ["QINGLIAN_ACCOUNTS_FILE"] = str(root.parent / f"{root.name}-accounts.json")
    book = AccountBook(accounts_file(root))
    book.add(EDITOR[0], EDITOR[1], "editor")
    book.add(REVIEWER[0], REVIEWER[1], "reviewer")
    project = Project(root, review=review)
    project.checker.warm()
    pages = Pages(bundle_folder(), _PORTAL_CSS, project.config, project.status, project.import_file)
    server = WorkspaceServer(("127.0.0.1", 0), project.workspace, project.accounts, pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield RunningWorkspace(root, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
