"""The example portal in headless Chromium (Debian's, driven by Playwright; never a downloaded browser)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


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
    page.get_by_role("link", name="2025年", exact=True).click()  # not 下载2025年典型案例汇编
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
