"""Readers see what a reading cites: 《…》第二十八条 with the article's words on hover and on paper; a printed plan
keeps its headings with what follows and its cards across the page."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import pypdfium2

pytestmark = pytest.mark.browser

PLAN = "plans/2026-city-commission-study-plan/"
ARTICLE = "《XX市机关工作人员廉洁从业若干规定》第二十八条"


def test_a_reading_of_an_article_shows_the_article_on_screen(page, served_site: str):
    page.goto(served_site + PLAN, wait_until="networkidle")
    link = page.locator(".ql-session__readings a", has_text="第二十八条").first
    assert link.inner_text() == ARTICLE
    assert link.get_attribute("title").startswith("不得利用职务上的便利")
    assert link.get_attribute("href").endswith("#第二十八条")
    # On screen the words are the link's title (hover), not a second copy under it.
    assert not page.locator(".ql-reading__text").first.is_visible()
    page.goto(served_site + "calendar/2026-11/", wait_until="networkidle")
    assert page.locator(".ql-event__readings a", has_text="第二十八条").count() > 0
    assert page.console_errors == []


def test_the_printed_plan_shows_the_article_and_keeps_headings_with_their_sessions(page, served_site: str, tmp_path: Path):
    page.goto(served_site + PLAN, wait_until="networkidle")
    pdf_path = tmp_path / "plan.pdf"
    page.pdf(path=str(pdf_path), format="A4", print_background=True)
    pages = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    text = "".join(pages)
    assert ARTICLE in text.replace(" ", "") and "不得利用职务上的便利" in text.replace(" ", "")
    # No page ends with a heading alone: the last line of each page is not "学习安排" or another heading of the plan.
    for number, content in enumerate(pages[:-1], start=1):
        lines = [line.strip() for line in content.splitlines() if line.strip()]
        assert lines and lines[-1] not in ("学习安排", "学习安排说明", "学习要求"), (number, lines[-3:])
    # The session cards use the page's width: the card's right edge is near the right margin.
    document = pypdfium2.PdfDocument(str(pdf_path))
    image = document[1].render(scale=1).to_pil().convert("L")
    width, height = image.size
    columns = [x for x in range(width) if any(image.getpixel((x, y)) < 235 for y in range(0, height, 4))]
    used = (max(columns) - min(columns)) / width
    image.save(tmp_path / "plan-page-2.png")
    assert used > 0.75, used


@pytest.mark.parametrize("width", [1280, 1024, 375])
def test_extra_large_text_uses_the_screen(page, served_site: str, tmp_path: Path, width: int):
    """Issue 37: at 特大 and 1280 px the text column was 480 px, a title took four lines and the tabs were cut off."""
    page.set_viewport_size({"width": width, "height": 800})
    measure = """(function(){var c=document.querySelector('.md-content__inner'), h=document.querySelector('.md-typeset h1');
      var tabs=[].slice.call(document.querySelectorAll('.md-tabs__link')).filter(function(a){return a.offsetParent !== null;});
      return {content: c.getBoundingClientRect().width, lines: Math.round(h.getBoundingClientRect().height / parseFloat(getComputedStyle(h).lineHeight)),
              tabsRight: Math.max.apply(null, [0].concat(tabs.map(function(a){return a.getBoundingClientRect().right;}))),
              overflow: document.documentElement.scrollWidth > window.innerWidth + 1};})()"""
    page.goto(served_site + "cases/2025-private-club/", wait_until="networkidle")
    standard = page.evaluate(measure)
    page.get_by_role("button", name="特大").click()
    page.wait_for_timeout(300)
    large = page.evaluate(measure)
    page.screenshot(path=str(tmp_path / f"xlarge-{width}.png"))
    assert not large["overflow"] and large["tabsRight"] <= width
    if width == 1280:
        assert large["content"] >= 1.6 * standard["content"], (standard, large)
        assert large["lines"] <= max(2, standard["lines"]), (standard, large)
    assert page.console_errors == []
