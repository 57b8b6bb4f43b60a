"""The published portal through nginx with the shipped configuration, in headless Chromium."""

from __future__ import annotations

import re

import gzip
import shutil
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import Project
from test_publish import publish

pytestmark = pytest.mark.browser

# Collects Content-Security-Policy violations the way a browser reports them to the page.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""

PAGES = [
    "",
    "speeches/",
    "speeches/2025-transport-top-leader/",
    "cases/2025-private-club/",
    "plans/2026-city-commission-study-plan/",
    "calendar/",
    "calendar/2026-11/",
    "topics/",
    "archive/2025/",
    "help/",
    "no-such-page/",
]


@pytest.fixture
def nginx_portal(portal: Project, tmp_path: Path, nginx_factory) -> str:
    dest = tmp_path / "www"
    result = publish(portal, dest)
    assert result.returncode == 0, result.stderr
    return nginx_factory(dest).url


def get(url: str, gzip_ok: bool = False) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_pages_load_through_nginx_without_errors_or_csp_violations(browser, nginx_portal: str, tmp_path: Path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    errors: list[str] = []
    hosts: set[str] = set()
    page.on("console", lambda m: m.type == "error" and errors.append(f"{page.url}: {m.text}"))
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
    fetched: dict[str, int] = {}
    page.on("response", lambda r: fetched.__setitem__(r.url.removeprefix(nginx_portal), r.status))
    for path in PAGES:
        response = page.goto(nginx_portal + path, wait_until="networkidle")
        assert response is not None
        assert response.status == (404 if path == "no-such-page/" else 200), path
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        assert page.evaluate("window.__violations") == [], path
    # The 404 page is Material's, in Chinese, with working styles and scripts at any depth.
    assert page.locator("h1").first.inner_text() == "404 - 找不到页面"
    page.screenshot(path=str(tmp_path / "404.png"))
    # Search loads its index files; all must pass the policy.
    page.goto(nginx_portal, wait_until="networkidle")
    page.locator(".ql-search__input").click()
    page.keyboard.type("八项规定")
    page.locator(".ql-search__panel .ql-result").first.wait_for(timeout=15000)
    assert "八项规定" in page.locator(".ql-search__panel .ql-result").first.inner_text()
    assert fetched.get("search-index/meta.json") == 200
    assert any(re.search(r"/v-[0-9a-f]{16}/t/\d+\.json$", path) and status == 200 for path, status in fetched.items())
    assert any(re.search(r"/v-[0-9a-f]{16}/p/\d+\.json$", path) and status == 200 for path, status in fetched.items())
    page.screenshot(path=str(tmp_path / "search.png"))
    assert page.evaluate("window.__violations") == []
    # The browser logs the 404 status of the missing page itself; nothing else may fail.
    assert [e for e in errors if not e.startswith(nginx_portal + "no-such-page/: Failed to load resource")] == []
    assert hosts == {urlsplit(nginx_portal).netloc}
    context.close()


def test_headers_for_pages_feeds_and_assets(nginx_portal: str):
    status, headers, body = get(nginx_portal, gzip_ok=True)
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert "XX市清廉教育学习平台" in gzip.decompress(body).decode("utf-8")
    assert headers["cache-control"] == "public, max-age=300"
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "SAMEORIGIN"
    assert "'unsafe-inline'" not in headers["content-security-policy"]

    status, headers, body = get(nginx_portal + "calendar/feeds/all.ics")
    assert status == 200 and headers["content-type"] == "text/calendar; charset=utf-8"
    assert headers["cache-control"] == "public, max-age=300" and body.startswith(b"BEGIN:VCALENDAR")
    assert "content-security-policy" in headers

    html = get(nginx_portal)[2].decode("utf-8")
    bundle = next(src.split('"')[0] for src in html.split('<script src="')[1:] if "bundle." in src.split('"')[0])
    status, headers, _ = get(nginx_portal + bundle)
    assert status == 200 and "immutable" in headers["cache-control"], bundle
    inline = html.split('assets/qinglian/inline/')[1].split('"')[0]
    assert "immutable" in get(nginx_portal + "assets/qinglian/inline/" + inline)[1]["cache-control"]
    # Scripts and styles without a hash in their names are asked for again each time (304 when unchanged):
    # after an upgrade no reader runs an old search script against a new index.
    for unhashed in ("assets/qinglian/qinglian.css", "assets/qinglian/search.js"):
        status, headers, _ = get(nginx_portal + unhashed)
        assert status == 200 and headers["cache-control"] == "no-cache", (unhashed, headers.get("cache-control"))


@pytest.mark.parametrize("name", [".secret.js", ".env.css", ".key.png", ".x.svg", ".feed.ics", ".git/config", "speeches/.draft.md"])
def test_dotfiles_are_refused_with_security_headers(nginx_portal: str, tmp_path: Path, name: str):
    release = tmp_path / "www" / "current"
    target = release / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("SECRET", encoding="utf-8")
    status, headers, body = get(nginx_portal + name)
    assert status == 403 and b"SECRET" not in body, name
    assert headers["content-security-policy"].startswith("default-src 'self'")
    assert headers["x-content-type-options"] == "nosniff"


def test_not_found_carries_security_and_compatibility_headers(nginx_portal: str):
    status, headers, body = get(nginx_portal + "no-such-page/")
    assert status == 404 and "找不到页面" in body.decode("utf-8")
    assert headers["content-security-policy"].startswith("default-src 'self'")
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert headers["x-ua-compatible"] == "IE=edge"


def search_page_results(page, query: str) -> list[str]:  # noqa: ANN001 - Playwright's Page
    """Search from the search page's own form, without reloading; the result titles."""
    status = page.locator(".ql-search-page__status")
    page.evaluate("() => { document.querySelector('.ql-search-page__status').textContent = ''; }")
    page.locator(".ql-search-page input[name=q]").fill(query)
    page.locator(".ql-search-page input[name=q]").press("Enter")
    status.filter(has_text=re.compile("结果|没有找到|无法使用")).wait_for(timeout=15000)
    assert "无法使用" not in status.inner_text(), status.inner_text()
    return page.locator(".ql-search-page__results .ql-result__title").all_inner_texts()


def test_an_open_page_keeps_searching_across_publishes(browser, portal: Project, tmp_path: Path, nginx_factory):
    dest = tmp_path / "www"
    assert publish(portal, dest).returncode == 0
    url = nginx_factory(dest).url
    status, headers, _ = get(url + "search-index/meta.json")
    assert status == 200 and headers["cache-control"] == "no-cache"
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    missing: list[str] = []
    page.on("response", lambda r: r.status == 404 and missing.append(r.url))
    page.goto(url + "search/?q=八项规定")
    page.locator(".ql-search-page__results .ql-result").first.wait_for(timeout=15000)
    old_version = (dest / "current/search-index/meta.json").read_text(encoding="utf-8")
    portal.write(
        "content/speeches/2026-nautilus-briefing.md",
        (portal.root / "content/speeches/2024-eight-rules-deployment.md").read_text(encoding="utf-8")
        .replace("同志们：", "同志们：\n\n鹦鹉螺号专项整治是今年新增的工作。", 1)
        .replace("\ntitle:", "\ntitle: 鹦鹉螺号专项整治部署讲话\nold_title:", 1),
    )
    second = publish(portal, dest)
    assert second.returncode == 0, second.stderr
    assert "保留了上一版本的搜索索引" in second.stdout
    assert (dest / "current/search-index/meta.json").read_text(encoding="utf-8") != old_version
    # Within a moment of the publish the page still uses the version it knows, kept in the new release.
    assert search_page_results(page, "以案促改")
    # Once the page asks again (every 30 seconds), it finds the new speech.
    page.evaluate("() => { const now = Date.now; Date.now = () => now() + 31000; }")
    assert any("鹦鹉螺号" in title for title in search_page_results(page, "鹦鹉螺号"))
    assert missing == [] and errors == []
    context.close()


def test_an_open_page_whose_index_version_is_gone_asks_for_the_new_one(browser, portal: Project, tmp_path: Path, nginx_factory):
    dest = tmp_path / "www"
    assert publish(portal, dest).returncode == 0
    url = nginx_factory(dest).url
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "search/?q=八项规定")
    page.locator(".ql-search-page__results .ql-result").first.wait_for(timeout=15000)
    speech = portal.root / "content/speeches/2024-eight-rules-deployment.md"
    speech.write_text(speech.read_text(encoding="utf-8").replace("同志们：", "同志们：\n\n玳瑁纹样的补充说明。", 1), encoding="utf-8")
    assert publish(portal, dest).returncode == 0
    # As if several publishes had passed: no version the page knows is left.
    for kept in (dest / "current/search-index").glob("v-*"):
        if kept.name.removeprefix("v-") not in (dest / "current/search-index/meta.json").read_text(encoding="utf-8"):
            shutil.rmtree(kept)
    assert search_page_results(page, "玳瑁纹样")
    assert errors == []
    context.close()
