"""Accessibility and 关怀模式: axe-core on every page type, keyboard journeys, the care toolbar.

axe-core comes from the npm registry (scripts/axe_core.py, run by the test command) and is
injected into Debian's Chromium. Every WCAG 2.1 A/AA rule runs; none is disabled.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
from axe_core import script_path  # noqa: E402

pytestmark = pytest.mark.browser

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
QUIZ = "quizzes/2024-eight-rules-self-test/"
PAGE_TYPES = {
    "home": "",
    "listing": "speeches/",
    "speech": "speeches/2024-eight-rules-deployment/",
    "case": "cases/2025-private-club/",
    "cases-with-charts": "cases/",
    "regulation": "regulations/2023-organ-staff-integrity/",
    "regulations": "regulations/",
    "old-regulation": "regulations/2018-organ-staff-integrity/",
    "comparison": "regulations/2023-organ-staff-integrity/compare/",
    "plan": "plans/2026-city-commission-study-plan/",
    "calendar": "calendar/",
    "month": "calendar/2026-11/",
    "agenda": "calendar/agenda/",
    "unit-calendar": "calendar/units/city-commission/",
    "quiz-index": "quizzes/",
    "quiz": QUIZ,
    "answer-key": QUIZ + "answers/",
    "search-page": "search/?q=" + quote("四风"),
    "topics": "topics/",
    "topic": "topics/eight-rules/",
    "unit": "units/",
    "archive": "archive/2024/",
    "help": "help/",
    "not-found": "no-such-page/",
    "exam": "quizzes/2026-integrity-rules-exam/",
    "learning-record": "learning/",
    "mistakes": "learning/mistakes/",
    "past-daily": "learning/daily/",
}


@pytest.fixture(scope="module")
def axe_script() -> str:
    path = script_path()
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail("CI must install axe-core (python3 scripts/axe_core.py); the accessibility tests may not skip there.")
        pytest.skip("axe-core is missing: run `python3 scripts/axe_core.py` (or `python3 scripts/dev.py test`).")
    return path.read_text(encoding="utf-8")


# Colours are judged at rest: a link caught mid-transition (the quiz's submit moves focus and
# scrolls, and Material fades the tabs) once measured as #b82020 on #b71c1c.
SETTLED = "*, *::before, *::after { transition: none !important; animation: none !important; }"


def violations(page, axe_script: str) -> list[str]:
    page.add_style_tag(content=SETTLED)
    page.wait_for_timeout(50)
    page.add_script_tag(content=axe_script)
    result = page.evaluate("axe.run(document, {runOnly: {type: 'tag', values: %r}})" % WCAG)
    return [
        f"{v['id']} ({len(v['nodes'])}): {v['nodes'][0]['target']} {v['nodes'][0]['failureSummary'][:200]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_nothing_on_any_page_type(browser, served_site: str, axe_script: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    found: dict[str, list[str]] = {}
    for name, path in PAGE_TYPES.items():
        page.goto(served_site + path, wait_until="networkidle")
        if name == "search-page":
            page.locator(".ql-search-page__results .ql-result").first.wait_for()
        found[name] = violations(page, axe_script)
    # The quiz after submitting, and the header search open.
    page.goto(served_site + QUIZ, wait_until="networkidle")
    page.locator(".ql-q .ql-q__option input").first.check()
    page.locator(".ql-quiz__submit").click()
    page.locator(".ql-quiz__result").wait_for()
    found["quiz-submitted"] = violations(page, axe_script)
    # Issue 38: the daily question answered, the 错题本 and 学习记录 with entries, an exam under way and handed in.
    page.goto(served_site, wait_until="networkidle")
    first_input = page.locator(".ql-daily form input").first
    if first_input.get_attribute("type") == "text":
        first_input.fill("答案")
    else:
        first_input.check()
    page.locator(".ql-daily .ql-practice__submit").click()
    found["daily-answered"] = violations(page, axe_script)
    page.goto(served_site + "speeches/2024-eight-rules-deployment/", wait_until="networkidle")
    page.locator(".ql-done__button").click()
    page.goto(served_site + "quizzes/2026-integrity-rules-exam/", wait_until="networkidle")
    page.locator(".ql-exam__begin").click()
    page.locator(".ql-q:not([hidden]) .ql-q__flag-box").first.check()
    page.locator(".ql-quiz__submit").click()
    found["exam-sheet-and-warning"] = violations(page, axe_script)
    page.locator(".ql-exam__hand-in").click()
    page.locator(".ql-quiz__result").wait_for()
    # The pointer rests where the button was, now over a link in its hover colour (a state, not the page).
    page.mouse.move(0, 0)
    found["exam-handed-in"] = violations(page, axe_script)
    for name, path in (("mistakes-filled", "learning/mistakes/"), ("record-filled", "learning/")):
        page.goto(served_site + path, wait_until="networkidle")
        found[name] = violations(page, axe_script)
    page.goto(served_site, wait_until="networkidle")
    page.locator(".ql-search__input").focus()
    page.keyboard.insert_text("八项规定")
    page.locator(".ql-search__panel .ql-result").first.wait_for()
    found["header-search-open"] = violations(page, axe_script)
    context.close()
    assert {name: v for name, v in found.items() if v} == {}


def test_no_reader_text_under_16px_and_body_line_height(page, served_site: str):
    small_text = """() => {
      const found = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement;
        if (!node.nodeValue.trim() || !element || !element.getClientRects().length) continue;
        const style = getComputedStyle(element);
        const box = element.getBoundingClientRect();
        // Text for screen readers only (clipped to a pixel) is heard, not seen.
        if (box.width <= 1 || box.height <= 1) continue;
        if (style.visibility === 'hidden' || parseFloat(style.fontSize) >= 15.95) continue;
        found.push(element.tagName + '.' + element.className + ' ' + style.fontSize);
      }
      return found;
    }"""
    for path in PAGE_TYPES.values():
        page.goto(served_site + path, wait_until="networkidle")
        assert page.evaluate(small_text) == [], path
    page.goto(served_site + PAGE_TYPES["speech"])
    paragraph = page.locator("article p").first
    size, height = paragraph.evaluate("p => [parseFloat(getComputedStyle(p).fontSize), parseFloat(getComputedStyle(p).lineHeight)]")
    assert height / size >= 1.5


def root_font_size(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def test_care_toolbar_scales_contrasts_reads_and_remembers(browser, served_site: str, tmp_path: Path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(served_site + PAGE_TYPES["speech"], wait_until="networkidle")
    toolbar = page.get_by_role("region", name="关怀模式")
    standard = root_font_size(page)
    page.screenshot(path=str(tmp_path / "speech-standard.png"))
    toolbar.get_by_role("button", name="大", exact=True).click()
    assert root_font_size(page) == pytest.approx(standard * 1.25)
    toolbar.get_by_role("button", name="特大").click()
    assert root_font_size(page) == pytest.approx(standard * 1.5)
    assert toolbar.get_by_role("button", name="特大").get_attribute("aria-pressed") == "true"
    page.screenshot(path=str(tmp_path / "speech-xlarge.png"))
    # Print ignores the reader's size: A4 stays as it was.
    page.emulate_media(media="print")
    assert root_font_size(page) == pytest.approx(standard)
    page.emulate_media(media="screen")

    toolbar.get_by_role("button", name="高对比度").click()
    text_color = page.locator("article p").first.evaluate("p => getComputedStyle(p).color")
    link = page.locator("article p a, article li a").first
    assert text_color == "rgb(0, 0, 0)"
    assert "underline" in link.evaluate("a => getComputedStyle(a).textDecorationLine")
    assert link.evaluate("a => getComputedStyle(a).color") == "rgb(0, 0, 168)"  # 13.6:1 on white
    page.screenshot(path=str(tmp_path / "speech-contrast.png"))

    # Remembered on the next page and after a reload, applied before the first paint.
    page.goto(served_site + PAGE_TYPES["plan"], wait_until="domcontentloaded")
    assert page.evaluate("document.documentElement.className").count("ql-size-xlarge") == 1
    assert "ql-contrast" in page.evaluate("document.documentElement.className")
    page.screenshot(path=str(tmp_path / "plan-xlarge-contrast.png"))

    toolbar = page.get_by_role("region", name="关怀模式")
    toolbar.get_by_role("button", name="阅读模式").click()
    assert page.locator(".md-sidebar--primary").is_hidden() and page.locator(".md-tabs").is_hidden()
    page.reload(wait_until="networkidle")
    assert page.locator(".md-sidebar--primary").is_hidden()
    for name in ("阅读模式", "高对比度"):
        page.get_by_role("region", name="关怀模式").get_by_role("button", name=name).click()
    page.get_by_role("region", name="关怀模式").get_by_role("button", name="标准").click()
    assert root_font_size(page) == pytest.approx(standard)
    context.close()


@pytest.mark.parametrize("path", ["", PAGE_TYPES["speech"], PAGE_TYPES["plan"], QUIZ, PAGE_TYPES["month"], PAGE_TYPES["search-page"]])
def test_reflow_at_320_css_pixels(browser, served_site: str, path: str):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="zh-CN")
    page = context.new_page()
    page.goto(served_site + path, wait_until="networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    context.close()


def test_plan_table_never_runs_under_the_table_of_contents(page, served_site: str):
    for width in (1280, 1600, 960):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(served_site + PAGE_TYPES["plan"], wait_until="networkidle")
        table = page.locator(".ql-sessions").bounding_box()
        content = page.locator(".md-content").bounding_box()
        assert table["x"] + table["width"] <= content["x"] + content["width"] + 1, width


def tab_to(page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_journeys(page, served_site: str):
    # Skip link first, then search by keyboard and open a result.
    page.goto(served_site + PAGE_TYPES["month"], wait_until="networkidle")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#ql-main"
    # Between months by keyboard.
    tab_to(page, ".ql-month__next")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/calendar/2026-12/")

    page.goto(served_site + "speeches/", wait_until="networkidle")
    tab_to(page, ".ql-search__input")
    page.keyboard.insert_text("以案促改")
    page.locator(".ql-search__panel .ql-result").first.wait_for()
    live = page.locator(".ql-search__live")
    assert "找到" in live.inner_text() and live.get_attribute("aria-live") == "polite"
    page.keyboard.press("ArrowDown")
    first = page.evaluate("document.activeElement.href")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.href") != first
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.classList.contains('ql-search__input')")
    page.keyboard.press("Escape")  # closes the panel (and Chromium empties a search box)
    assert page.locator(".ql-search__panel").is_hidden()
    page.keyboard.insert_text("以案促改")
    page.locator(".ql-search__panel .ql-result").first.wait_for()
    # Leaving the box closes the panel.
    page.keyboard.press("Shift+Tab")
    page.locator(".ql-search__panel").wait_for(state="hidden", timeout=2000)
    page.keyboard.press("Tab")
    page.keyboard.insert_text("以案促改")
    page.locator(".ql-search__panel .ql-result").first.wait_for()
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("article mark.ql-hit").count() >= 1

    # Filters keep the focus when the list redraws.
    page.goto(served_site + PAGE_TYPES["search-page"], wait_until="networkidle")
    page.locator(".ql-facet__count").first.wait_for()
    tab_to(page, ".ql-facet input")
    value = page.evaluate("document.activeElement.value")
    page.keyboard.press("Space")
    page.wait_for_function("(v) => document.activeElement && document.activeElement.value === v && document.activeElement.checked", arg=value)


def test_closed_drawer_links_are_out_of_the_tab_order(browser, served_site: str):
    context = browser.new_context(viewport={"width": 640, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(served_site + PAGE_TYPES["speech"], wait_until="networkidle")
    reached = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.closest('.md-sidebar--primary') ? 'drawer' : 'page'"))
    assert "drawer" not in reached
    context.close()


FOCUSABLE = [
    ("", ".ql-search__input"),
    ("", "#ql-care button"),
    ("", ".md-tabs__link"),
    (PAGE_TYPES["search-page"], ".ql-search-page__form input"),
    (PAGE_TYPES["search-page"], ".ql-facet input"),
    ("calendar/", ".ql-subscribe summary"),
    (PAGE_TYPES["month"], ".ql-month__next"),
    (QUIZ, ".ql-q input"),
    (QUIZ, ".ql-quiz__submit"),
    (PAGE_TYPES["plan"], ".ql-session a"),
]


def test_every_control_shows_its_focus(page, served_site: str):
    for path, selector in FOCUSABLE:
        page.goto(served_site + path, wait_until="networkidle")
        control = page.locator(selector).first
        control.wait_for(state="attached")
        page.keyboard.press("Tab")  # keyboard modality, as a reader who tabs around
        control.focus()
        style, width = control.evaluate("e => [getComputedStyle(e).outlineStyle, parseFloat(getComputedStyle(e).outlineWidth)]")
        assert style != "none" and width >= 2, (path, selector, style, width)


def test_calendar_pages_pass_axe_on_the_real_build_date(browser, axe_script: str, tmp_path: Path):
    """A nightly build uses today's date: the month that is last, or first, shows its disabled links."""
    import shutil
    import subprocess

    from conftest import MKDOCS, serving

    root = tmp_path / "today"
    for name in ("docs", "content"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    env = {key: value for key, value in os.environ.items() if key != "QINGLIAN_BUILD_DATE"}
    result = subprocess.run([*MKDOCS, "build"], cwd=root, capture_output=True, text=True, env={**env, "NO_MKDOCS_2_WARNING": "1"}, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    months = sorted(path.parent.relative_to(root / "site").as_posix() + "/" for path in (root / "site/calendar").glob("[0-9][0-9][0-9][0-9]-[0-9][0-9]/index.html"))
    assert months
    found: dict[str, list[str]] = {}
    with serving(root / "site") as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        for path in ["", "calendar/", "calendar/agenda/", months[0], months[-1]]:
            page.goto(url + path, wait_until="networkidle")
            found[path] = violations(page, axe_script)
        context.close()
    assert {path: v for path, v in found.items() if v} == {}


@pytest.mark.parametrize("size", ["标准", "特大"])
@pytest.mark.parametrize("width", [1280, 960, 375])
def test_plan_sessions_show_every_field_at_every_width_and_size(browser, served_site: str, tmp_path: Path, width: int, size: str):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(served_site + PAGE_TYPES["plan"], wait_until="networkidle")
    page.get_by_role("region", name="关怀模式").get_by_role("button", name=size, exact=True).click()
    content = page.locator(".md-content").bounding_box()
    cards = page.locator(".ql-session")
    assert cards.count() >= 3
    for index in range(cards.count()):
        card = cards.nth(index)
        box = card.bounding_box()
        assert box["x"] >= content["x"] - 1 and box["x"] + box["width"] <= content["x"] + content["width"] + 1, (width, size)
        labels = card.locator("dt").all_inner_texts()
        assert labels == ["日期", "时间", "学习主题", "形式", "参学单位", "地点", "学习材料"]
        for field in card.locator(".ql-session__fields > div").all():
            field_box = field.bounding_box()
            # Every field is inside its card and at least four characters wide.
            assert field_box["x"] + field_box["width"] <= box["x"] + box["width"] + 1
            font = float(field.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
            assert field_box["width"] >= 4 * font, (width, size, field.inner_text())
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(tmp_path / f"plan-{width}-{size}.png"), full_page=True)
    page.get_by_role("region", name="关怀模式").get_by_role("button", name="标准", exact=True).click()
    context.close()


def test_the_printed_plan_keeps_every_field(page, served_site: str, tmp_path: Path):
    import subprocess

    page.goto(served_site + PAGE_TYPES["plan"], wait_until="networkidle")
    pdf = tmp_path / "plan.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    for label in ("日期", "时间", "学习主题", "形式", "参学单位", "地点", "学习材料"):
        assert flat.count(label) >= 3, label
    sessions = page.locator(".ql-session")
    for index in range(sessions.count()):
        for value in sessions.nth(index).locator("dd").all_inner_texts():
            for line in value.splitlines():
                # Lines of one field may stand beside another field's on paper.
                assert re.sub(r"\s+", "", line) in flat, line
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "plan-print")], check=True)
