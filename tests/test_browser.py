"""The example portal in headless Chromium (Debian's, driven by Playwright; never a downloaded browser)."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


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


def test_home_to_speech_stays_on_the_site_without_errors(page, served_site: str, tmp_path: Path):
    own_host = urlsplit(served_site).netloc
    page.goto(served_site, wait_until="networkidle")
    assert "XX市清廉教育学习平台" in page.title()
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    speeches = page.locator("section.ql-home__section", has_text="领导讲话")
    first_speech = speeches.locator("a.ql-card__title").first
    title = first_speech.inner_text()
    first_speech.click()
    page.wait_for_load_state("networkidle")

    assert "/speeches/" in page.url
    assert page.locator("h1").first.inner_text() == title
    assert page.locator(".ql-doc-meta").get_by_text("发布日期").is_visible()
    page.screenshot(path=str(tmp_path / "speech.png"), full_page=True)

    assert page.requested_hosts == {own_host}
    assert page.console_errors == []


def test_listing_page_paginates_in_the_browser(page, served_site: str):
    page.goto(served_site + "speeches/", wait_until="networkidle")
    assert page.locator("ul.ql-cards > li").count() == 6
    page.goto(served_site + "archive/", wait_until="networkidle")
    page.get_by_role("link", name="2025年").click()
    assert page.url.endswith("/archive/2025/")
    assert page.console_errors == []


def test_print_hides_header_and_navigation(page, served_site: str):
    page.goto(served_site + "cases/2024-hiring-interference/", wait_until="networkidle")
    assert page.locator("header.md-header").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("header.md-header").is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert not page.locator(".md-footer").is_visible()
    assert page.locator(".ql-doc-meta").is_visible()
    assert page.locator("article").get_by_text("基本案情").is_visible()
