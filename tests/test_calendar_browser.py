"""The study calendar as a reader uses it, in headless Chromium."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pypdfium2
import pytest

pytestmark = pytest.mark.browser

# The example build date (2026-11-20) lies in this month, which has sessions of two kinds.
MONTH = "calendar/2026-11/"
EXPECTED_DAYS = {
    "月度集中学习：学习上月典型案例通报": "2026-11-02",
    "一把手和领导班子监督专题研讨": "2026-11-18",
    "节前廉洁提醒：对照“四风”问题自查": "2026-11-27",
}


def test_month_view_places_sessions_and_leads_to_readings(page, served_site: str, tmp_path: Path):
    page.goto(served_site + MONTH, wait_until="networkidle")
    page.screenshot(path=str(tmp_path / "month.png"), full_page=True)

    headers = page.locator(".ql-month__grid thead th").all_inner_texts()
    assert headers == ["一", "二", "三", "四", "五", "六", "日"]
    first_monday = page.locator(".ql-month__grid tbody tr").first.locator("td").first
    assert first_monday.get_attribute("data-date") == "2026-10-26"

    events = page.locator(".ql-month__grid .ql-event")
    found = {}
    for index in range(events.count()):
        event = events.nth(index)
        topic = event.locator(".ql-event__topic").inner_text()
        day = event.locator("xpath=ancestor::td[1]")
        found[topic] = day.get_attribute("data-date")
        # The day's own number is shown in the cell that holds the session.
        assert day.locator(".ql-day__number time").inner_text() == str(int(found[topic][-2:]))
    assert found == EXPECTED_DAYS

    today = page.locator('.ql-month__grid td[aria-current="date"]')
    assert today.get_attribute("data-date") == "2026-11-20"

    seminar = events.filter(has_text="一把手和领导班子监督专题研讨")
    reading = seminar.locator(".ql-event__readings a").first
    title = reading.inner_text()
    reading.click()
    page.wait_for_load_state("networkidle")
    assert "/speeches/2025-transport-top-leader/" in page.url
    assert urlsplit(page.url).fragment, "the reading points to a heading"
    assert page.locator("h1").first.inner_text() == title
    heading = page.locator(f"[id='{unquote(urlsplit(page.url).fragment)}']")
    assert heading.count() == 1 and "让监督看得见" in heading.inner_text()
    # The reading names the sessions that schedule it, and leads back to the calendar.
    scheduled = page.locator(".ql-scheduled")
    assert "2026年11月18日 XX市纪委监委专题研讨" in scheduled.inner_text()
    scheduled.get_by_text("2026年11月18日 XX市纪委监委专题研讨").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(MONTH + "#s-20261118-2026-city-commission-study-plan-1")
    assert page.console_errors == []
    assert page.requested_hosts == {urlsplit(served_site).netloc}


def test_month_prints_on_one_a4_landscape_page(page, served_site: str, tmp_path: Path):
    # December has the most sessions of the example year.
    page.goto(served_site + "calendar/2026-12/", wait_until="networkidle")
    pdf_path = tmp_path / "month.pdf"
    page.pdf(path=str(pdf_path), prefer_css_page_size=True, print_background=True)
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    assert len(pdf) == 1
    width, height = pdf[0].get_size()
    # A4 landscape is 297 x 210 mm, or 842 x 595 points.
    assert (round(width), round(height)) == (842, 595)
    pdf[0].render(scale=1.5).to_pil().save(tmp_path / "month-print.png")


def test_subscribe_box_offers_the_feed(page, served_site: str):
    page.goto(served_site + "calendar/", wait_until="networkidle")
    page.get_by_text("订阅到 Outlook").click()
    address = page.locator(".ql-subscribe input").input_value()
    assert address.endswith("/calendar/feeds/all.ics")
    download = page.locator(".ql-subscribe a[download]")
    response = page.request.get(served_site + "calendar/feeds/all.ics")
    assert response.ok and response.body().startswith(b"BEGIN:VCALENDAR")
    assert download.get_attribute("href") == "feeds/all.ics"
