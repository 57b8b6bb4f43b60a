"""Every reader feature on the Chromium kernels readers actually have.

360安全浏览器 12 (Chromium 78/79), 360 13 and 360企业版 (86), 奇安信 on UOS (90), and Debian's
current Chromium, plus Chromium 67 for the oldest machines. The old kernels come from the
npm package chrome-aws-lambda (scripts/old_chromium.py, run by the test command); all are
driven the same way over the DevTools protocol (tests/cdp.py). Each test reads, prints,
searches, takes a quiz and turns calendar pages, with zero page errors.
"""

from __future__ import annotations

import json
import os
import subprocess
import unicodedata
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from conftest import CHROMIUM, REPO, serving

sys.path.insert(0, str(REPO / "scripts"))
from cdp import Browser  # noqa: E402
from old_chromium import KERNELS, executable  # noqa: E402

pytestmark = pytest.mark.browser

CURRENT = "current"
MATRIX = [67, 79, 86, 90, CURRENT]

DOCUMENT = "speeches/2024-eight-rules-deployment/"
QUIZ = "quizzes/2024-eight-rules-self-test/"


def browser_path(kernel: int | str) -> Path:
    path = CHROMIUM if kernel == CURRENT else executable(int(kernel))
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"CI must install Chromium {kernel} (python3 scripts/old_chromium.py); the matrix may not skip there.")
        pytest.skip(f"Chromium {kernel} is missing: run `python3 scripts/old_chromium.py` (or `python3 scripts/dev.py test`).")
    return path


@pytest.fixture(scope="module")
def matrix_site(example_site: Path) -> Iterator[str]:
    with serving(example_site) as url:
        yield url


@pytest.fixture(params=MATRIX, ids=[f"chromium-{k}" for k in MATRIX])
def kernel(request: pytest.FixtureRequest, matrix_site: str) -> Iterator[tuple[int | str, Browser]]:
    browser = Browser(browser_path(request.param), ["--disable-gpu"])
    try:
        yield request.param, browser
        # Every page of every test: no script exception, no console error, no failed load.
        assert browser.events.page_errors == [], f"Chromium {request.param}: {browser.events.page_errors}"
        assert browser.events.failed_loads == [], f"Chromium {request.param}: {browser.events.failed_loads}"
        hosts = {urlsplit(url).netloc for url in browser.events.requested if url.startswith("http")}
        assert hosts <= {urlsplit(matrix_site).netloc}, hosts
    finally:
        browser.close()


def text(browser: Browser, selector: str) -> str:
    return browser.evaluate(f"(document.querySelector({json.dumps(selector)}) || {{}}).textContent || ''")


def count(browser: Browser, selector: str) -> int:
    return browser.evaluate(f"document.querySelectorAll({json.dumps(selector)}).length")


def test_reading_and_printing(kernel, matrix_site: str, tmp_path: Path):
    version, browser = kernel
    browser.goto(matrix_site)
    assert "XX市清廉教育学习平台" in browser.evaluate("document.title")
    assert count(browser, ".md-content a[href]") > 5
    browser.goto(matrix_site + "speeches/")
    assert count(browser, ".md-content a.ql-card__title") >= 5
    browser.goto(matrix_site + DOCUMENT)
    assert "八项规定" in text(browser, "h1")
    assert "发布日期" in text(browser, ".ql-doc-meta")
    # The IE-mode notice stays hidden in the Chromium kernel.
    assert browser.evaluate("getComputedStyle(document.querySelector('.ql-ie-notice')).display") == "none"
    pdf = browser.pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    (tmp_path / f"document-{version}.pdf").write_bytes(pdf)


def test_search(kernel, matrix_site: str, tmp_path: Path):
    version, browser = kernel
    browser.goto(matrix_site + "speeches/")
    browser.type_text(".ql-search__input", "八项规定")
    # The header box: results while typing.
    browser.wait_for("document.querySelectorAll('.ql-search__panel .ql-result').length")
    assert "八项规定" in text(browser, ".ql-search__panel .ql-result")

    # The search page: results, phrase first, filters with counts, highlighted excerpts.
    browser.goto(matrix_site + "search/?q=" + quote("四风"))
    browser.wait_for("document.querySelectorAll('.ql-search-page__results .ql-result').length", 30)
    assert "包含完整词语的排在前面" in text(browser, ".ql-search-page__status")
    assert text(browser, ".ql-search-page__results .ql-result .ql-result__excerpt mark") == "四风"
    browser.wait_for("document.querySelectorAll('.ql-facet__count').length")
    cases = browser.evaluate(
        "(function(){var o=[].slice.call(document.querySelectorAll('.ql-facet__option')).filter(function(e){"
        "return e.textContent.indexOf('案例通报')>=0})[0];o.querySelector('input').id=o.querySelector('input').id||'ql-cases';"
        "return parseInt(o.querySelector('.ql-facet__count').textContent,10);})()"
    )
    assert cases >= 1
    browser.screenshot(tmp_path / f"search-{version}.png")
    browser.click("#" + browser.evaluate(
        "[].slice.call(document.querySelectorAll('.ql-facet__option')).filter(function(e){"
        "return e.textContent.indexOf('案例通报')>=0})[0].querySelector('input').id"))
    browser.wait_for(
        "(function(){var m=[].slice.call(document.querySelectorAll('.ql-search-page__results .ql-result__meta'));"
        f"return m.length=={cases} && m.every(function(e){{return e.textContent.indexOf('案例通报')==0}});}})()"
    )
    # Phrase first: every result above the dividing line holds the whole phrase, none below it.
    # (案例警示 as a phrase is rarer than its two words apart: both kinds of result exist.)
    browser.goto(matrix_site + "search/?q=" + quote("案例警示"))
    browser.wait_for("document.querySelectorAll('.ql-search-page__results .ql-result').length", 30)
    order = browser.evaluate(
        "[].slice.call(document.querySelectorAll('.ql-search-page__results > li')).map(function(li){"
        "return li.classList.contains('ql-results__divider') ? '|' : (li.textContent.indexOf('案例警示') >= 0 ? 'P' : 'x');}).join('')"
    )
    phrase, _, partial = order.partition("|")
    assert phrase and set(phrase) == {"P"} and partial and set(partial) == {"x"}, order
    browser.goto(matrix_site + "search/?q=" + quote("四风"))
    browser.wait_for("document.querySelectorAll('.ql-search-page__results .ql-result').length", 30)
    # A result leads to its page with the words marked.
    browser.follow(".ql-search-page__results .ql-result__link")
    browser.wait_for("document.querySelectorAll('article mark.ql-hit').length", 20)
    assert browser.evaluate("document.querySelector('article mark.ql-hit').textContent") == "四风"


def test_quiz(kernel, matrix_site: str):
    _, browser = kernel
    browser.goto(matrix_site + QUIZ)
    browser.click(".ql-q .ql-q__option input")
    browser.click(".ql-quiz__submit")
    browser.wait_for("!document.querySelector('.ql-quiz__result').hidden")
    result = text(browser, ".ql-quiz__result")
    assert "得分" in result and "/ 8 分" in result
    browser.reload()
    browser.wait_for("!document.querySelector('.ql-quiz__result').hidden")
    assert text(browser, ".ql-quiz__result") .startswith(result[:8])
    browser.click(".ql-quiz__restart")
    browser.wait_for("!!document.querySelector('.ql-quiz__result').hidden")
    browser.click(".ql-quiz__submit")
    browser.wait_for("!document.querySelector('.ql-quiz__result').hidden")
    assert "最高分" in text(browser, ".ql-quiz__result")


def test_revision_comparison(kernel, matrix_site: str, tmp_path: Path):
    """Issue 40: the 新旧条文对照 page reads in two columns when wide, one below the other when narrow."""
    version, browser = kernel
    browser.goto(matrix_site + "regulations/2023-organ-staff-integrity/compare/")
    assert count(browser, ".ql-compare__row--deleted") == 2 and count(browser, ".ql-compare__row ins") > 5
    columns = "(function(){var r=document.querySelector('.ql-compare__row--modified');var a=r.children[0].getBoundingClientRect(),b=r.children[1].getBoundingClientRect();return [a.left<b.left&&Math.abs(a.top-b.top)<2, b.top>=a.bottom-1];})()"
    assert browser.evaluate(columns) == [True, False]
    browser.send("Emulation.setDeviceMetricsOverride", width=375, height=800, deviceScaleFactor=1, mobile=True)
    browser.reload()
    assert browser.evaluate(columns) == [False, True]
    assert browser.evaluate("getComputedStyle(document.querySelector('.ql-compare__side')).display") == "block"
    browser.goto(matrix_site + "cases/2022-festival-cards/")
    assert "已在" in text(browser, ".ql-basis") and "现为" in text(browser, ".ql-basis")
    (tmp_path / f"compare-{version}.pdf").write_bytes(browser.pdf())


def test_calendar(kernel, matrix_site: str):
    _, browser = kernel
    browser.goto(matrix_site + "calendar/2026-11/")
    assert count(browser, ".ql-month__grid .ql-event") >= 1
    browser.follow(".ql-month__next")
    assert browser.evaluate("location.pathname").endswith("/calendar/2026-12/")
    browser.follow(".ql-month__prev")
    assert browser.evaluate("location.pathname").endswith("/calendar/2026-11/")
    browser.goto(matrix_site + "calendar/")
    assert count(browser, ".ql-agenda") == 1 and "2026年" in text(browser, ".ql-agenda")


def test_ie_mode_shows_how_to_switch(matrix_site: str, tmp_path: Path):
    """A dual-core browser in IE mode: document.documentMode is set, the notice appears."""
    browser = Browser(browser_path(CURRENT), ["--disable-gpu"])
    try:
        browser.send("Page.addScriptToEvaluateOnNewDocument", source="Object.defineProperty(document, 'documentMode', {value: 11});")
        browser.goto(matrix_site + DOCUMENT)
        assert browser.evaluate("getComputedStyle(document.querySelector('.ql-ie-notice')).display") == "block"
        assert "极速模式" in text(browser, ".ql-ie-notice")
        browser.screenshot(tmp_path / "ie-mode.png")
    finally:
        browser.close()


def test_every_page_asks_for_the_chromium_kernel(example_site: Path):
    for page in [example_site / "index.html", example_site / "404.html", example_site / DOCUMENT / "index.html"]:
        html = page.read_text(encoding="utf-8")
        head = html.split("</head>")[0]
        assert '<meta name="renderer" content="webkit">' in head, page
        assert '<meta http-equiv="X-UA-Compatible" content="IE=edge">' in head, page
        # IE honours it only before any element other than <meta> and <title>.
        assert head.index("X-UA-Compatible") < min(head.index(tag) for tag in ("<link", "<script", "<style") if tag in head), page


def test_kernels_cover_the_readers_browsers():
    assert set(KERNELS) == {67, 79, 86, 90}


def test_care_toolbar(kernel, matrix_site: str):
    _, browser = kernel
    browser.goto(matrix_site + DOCUMENT)
    root_size = "parseFloat(getComputedStyle(document.documentElement).fontSize)"
    standard = browser.evaluate(root_size)
    browser.click("#ql-care [data-ql-size='xlarge']")
    assert browser.evaluate(root_size) == pytest.approx(standard * 1.5)
    browser.click("#ql-care [data-ql-toggle='contrast']")
    assert browser.evaluate("getComputedStyle(document.querySelector('article p')).color") == "rgb(0, 0, 0)"
    browser.goto(matrix_site + QUIZ)
    assert browser.evaluate(root_size) == pytest.approx(standard * 1.5)
    assert browser.evaluate("document.querySelector('#ql-care [data-ql-toggle=contrast]').getAttribute('aria-pressed')") == "true"
    browser.click("#ql-care [data-ql-size='']")
    browser.click("#ql-care [data-ql-toggle='contrast']")
    assert browser.evaluate(root_size) == pytest.approx(standard)


def test_learning_loop(kernel, matrix_site: str):
    """Issue 38: 每日一题, 已学, plan progress, an exam handed in, 错题本 and 学习记录 on every kernel."""
    _, browser = kernel
    browser.goto(matrix_site)
    browser.wait_for("!!document.querySelector('.ql-daily form.ql-practice')")
    if browser.evaluate("document.querySelector('.ql-daily form input').type") == "text":
        browser.type_text(".ql-daily form input", "答案")
    else:
        browser.click(".ql-daily form input")
    browser.click(".ql-daily .ql-practice__submit")
    browser.wait_for("!!document.querySelector('.ql-daily .ql-practice__verdict')")
    assert "已连续答题 1 天" in text(browser, ".ql-daily")
    browser.goto(matrix_site + DOCUMENT)
    browser.click(".ql-done__button")
    assert "标记为已学" in text(browser, ".ql-done__status")
    browser.goto(matrix_site + "plans/2024-city-organs-study-plan/")
    assert "已学 1 项" in browser.wait_for("document.querySelector('.ql-plan-progress').textContent")
    browser.goto(matrix_site + "quizzes/2026-integrity-rules-exam/")
    browser.click(".ql-exam__begin")
    assert count(browser, ".ql-exam__cell") == 10 and text(browser, ".ql-exam__clock") in ("20:00", "19:59")
    browser.click(".ql-q:not([hidden]) .ql-q__option input")
    browser.click(".ql-quiz__submit")
    assert "还有 9 题未作答" in text(browser, ".ql-exam__confirm")
    browser.click(".ql-exam__hand-in")
    browser.wait_for("!document.querySelector('.ql-quiz__result').hidden")
    assert "用时" in text(browser, ".ql-quiz__result")
    browser.goto(matrix_site + "learning/mistakes/")
    assert "错题本中共有" in text(browser, ".ql-mistakes")
    browser.goto(matrix_site + "learning/")
    table = text(browser, ".ql-record__table")
    assert "已学文档" in table and "考试" in table and "每日一题" in table


def test_official_print_and_pack_links(kernel, matrix_site: str, tmp_path: Path):
    """Issue 39: a 公文 prints with its red masthead above the title and 仿宋 at 3号; pack links show their size."""
    version, browser = kernel
    browser.goto(matrix_site + "cases/2025-private-club/")
    browser.wait_for("document.querySelector('.ql-pack__size').textContent.indexOf('页') > 0")
    assert "2025年典型案例汇编" in text(browser, ".ql-packs") and "KB" in text(browser, ".ql-pack__size")
    assert browser.evaluate("getComputedStyle(document.querySelector('.ql-masthead')).display") == "none"
    browser.send("Emulation.setEmulatedMedia", media="print")
    style = "(function(s){var e=document.querySelector(s);var c=getComputedStyle(e);return [c.display,c.color,c.fontFamily,c.fontSize];})"
    masthead = browser.evaluate(style + "('.ql-masthead__issuer')")
    assert masthead[1] == "rgb(230, 0, 18)" and masthead[2].strip('"').startswith('方正小标宋简体'), masthead
    body = browser.evaluate(style + "('.ql-doc-meta ~ p')")
    assert body[2].strip('"').startswith("仿宋_GB2312") and body[3] == "21.3333px", body
    assert browser.evaluate(style + "('h1.ql-doc-title')")[2].strip('"').startswith("方正小标宋简体")
    assert browser.evaluate(style + "('.md-header')")[0] == "none"
    order = "(function(){var m=document.querySelector('.ql-masthead').getBoundingClientRect(),h=document.querySelector('.md-content h1').getBoundingClientRect();return m.bottom<=h.top;})()"
    assert browser.evaluate(order) is True
    pdf = tmp_path / f"official-{version}.pdf"
    pdf.write_bytes(browser.pdf())
    printed = subprocess.run(["pdftotext", "-enc", "UTF-8", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # Chromium's Type 3 fonts map some characters to their Kangxi radicals (⽂ for 文).
    printed = unicodedata.normalize("NFKC", printed)
    assert printed.index("XX市纪委监委文件") < printed.index("XX纪通〔2025〕7号") < printed.index("XX市某局原四级调研员")
