"""Fixtures that build real portals into ``tmp_path`` and assert on what MkDocs wrote."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parent.parent
# The engine every build of the suite runs on: QINGLIAN_ENGINE, else ProperDocs where it is installed
# (qinglian.engines.default). Exported, so `qinglian publish` in a child process uses the same one.
from qinglian.engines import ENGINE_VARIABLE, default as _default_engine  # noqa: E402

ENGINE = _default_engine()
os.environ[ENGINE_VARIABLE] = ENGINE.name
MKDOCS = [sys.executable, "-m", ENGINE.name]

# Every build of the suite, and every process it starts, keeps its caches in one folder of
# this run, not in the user's cache directory.
os.environ["QINGLIAN_CACHE_DIR"] = tempfile.mkdtemp(prefix="qinglian-caches-")
# Every publish of the suite runs as on a server whose readers' address is set (a publish with the
# development address 127.0.0.1 is refused); tests of that refusal and of the settings file unset it.
os.environ["QINGLIAN_SITE_URL"] = "http://lianzheng.test/"
os.environ["QINGLIAN_SERVER_SETTINGS"] = os.path.join(os.environ["QINGLIAN_CACHE_DIR"], "no-server-settings.toml")


def cache_of(root: Path, name: str = "") -> Path:
    """The cache folder the plugin uses for the project at ``root`` (or one of its caches)."""
    from qinglian.cache_store import project_cache

    folder = project_cache(root.resolve())
    return folder / name if name else folder


def cache_rows(root: Path, sql: str, parameters: tuple = ()) -> list[tuple]:
    """Run ``sql`` on the project's cache database (pages/cache.sqlite), as another process would; its rows."""
    import sqlite3

    connection = sqlite3.connect(cache_of(root, "pages/cache.sqlite"), isolation_level=None)
    try:
        return connection.execute(sql, parameters).fetchall()
    finally:
        connection.close()

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


def build_site(root: Path, *args: str) -> Path:
    """``mkdocs build`` of the project at ``root`` on the example build date; fails the test if it fails."""
    result = subprocess.run(
        [*MKDOCS, "build", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_BUILD_DATE": EXAMPLE_BUILD_DATE},
        timeout=900,
    )
    if result.returncode != 0:
        pytest.fail(f"{root} does not build:\n{result.stderr[-4000:]}")
    return root / "site"


def files_of(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def assert_same_site(expected: Path, actual: Path) -> None:
    """Both folders hold the same files, byte for byte."""
    want, got = files_of(expected), files_of(actual)
    assert sorted(got) == sorted(want), set(got) ^ set(want)
    differing = [name for name in want if want[name] != got[name]]
    assert not differing, differing[:10]


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example portal of this repository, built with --strict from nothing and again from its page cache.

    The suite runs on the second build, so every test also checks the pages the cache gave back.
    """
    root = tmp_path_factory.mktemp("example")
    for name in ("docs", "content"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    build_site(root, "--strict", "-d", "site-cold")
    cold = root / "site-cold"
    assert cache_of(root, "pages/cache.sqlite").is_file()
    warm = build_site(root, "--strict")
    assert_same_site(cold, warm)
    return warm


# Headless Chromium: Debian's package driven by Playwright, never a downloaded browser.

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served_site(example_site: Path) -> Iterator[str]:
    with serving(example_site) as url:
        yield url


@contextlib.contextmanager
def serving(site: Path) -> Iterator[str]:
    """Serve ``site`` over HTTP on a free loopback port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
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


# nginx, started by the tests themselves on a loopback port with the shipped server block.

NGINX = Path("/usr/sbin/nginx")
DEPLOY = REPO / "scripts" / "deploy"

NGINX_MAIN = """\
daemon off;
master_process off;
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    include {run}/conf.d/qinglian.conf;
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Nginx:
    url: str
    process: subprocess.Popen[bytes]
    run: Path


def start_nginx(dest: Path, run: Path) -> Nginx:
    """Serve ``dest/current`` with scripts/deploy/nginx/qinglian.conf, changed only in port and root."""
    if not NGINX.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's nginx (apt-get install nginx); these tests may not skip there.")
        pytest.skip("nginx is missing: run `apt-get install nginx` (or `python3 scripts/dev.py test`).")
    port = free_port()
    (run / "conf.d").mkdir(parents=True, exist_ok=True)
    (run / "snippets").mkdir(exist_ok=True)
    server = (DEPLOY / "nginx/qinglian.conf").read_text(encoding="utf-8")
    server = server.replace("listen 80;", f"listen 127.0.0.1:{port};").replace("/srv/qinglian/www", str(dest))
    assert f"root {dest}/current;" in server
    (run / "conf.d/qinglian.conf").write_text(server, encoding="utf-8")
    shutil.copy(DEPLOY / "nginx/qinglian-headers.conf", run / "snippets/qinglian-headers.conf")
    (run / "nginx.conf").write_text(NGINX_MAIN.format(run=run), encoding="utf-8")
    process = subprocess.Popen([str(NGINX), "-p", str(run), "-c", str(run / "nginx.conf"), "-e", str(run / "error.log")])
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx exited: {(run / 'error.log').read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return Nginx(f"http://127.0.0.1:{port}/", process, run)
        except OSError:
            time.sleep(0.1)
    process.kill()
    pytest.fail("nginx did not start listening")


@pytest.fixture
def portal(tmp_path: Path) -> Project:
    """A copy of the example portal that tests may change and publish."""
    root = tmp_path / "portal"
    for name in ("docs", "content"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return Project(root)


@pytest.fixture
def nginx_factory(tmp_path: Path) -> Iterator[Callable[[Path], Nginx]]:
    started: list[Nginx] = []

    def start(dest: Path) -> Nginx:
        server = start_nginx(dest, tmp_path / f"nginx-{len(started)}")
        started.append(server)
        return server

    yield start
    for server in started:
        server.process.terminate()
        server.process.wait(timeout=10)
