#!/usr/bin/env python3
"""Screenshots of the editors' workspace for docs/editors/workspace.md, taken in Debian's Chromium.

    .venv/bin/python scripts/workspace_screenshots.py      # writes docs/editors/images/workspace-*.png

The workspace runs over a git copy of the example portal, as the tests run it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "plugins")]

from playwright.sync_api import sync_playwright  # noqa: E402
from workspace_fixtures import EDITOR, example_repository, running_workspace  # noqa: E402

OUT = ROOT / "docs" / "editors" / "images"


def sign_in(page, url: str, user: tuple[str, str]) -> None:
    page.goto(url + "/login")
    page.fill("#name", user[0])
    page.fill("#password", user[1])
    page.click("button[type=submit]")
    page.wait_for_selector("text=案例通报")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        repo = example_repository(Path(scratch) / "portal")
        with running_workspace(repo, review=True) as ws:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page(viewport={"width": 1280, "height": 820}, locale="zh-CN")
            page.goto(ws.url + "/login")
            page.fill("#name", EDITOR[0])
            page.screenshot(path=str(OUT / "workspace-login.png"))
            sign_in(page, ws.url, EDITOR)
            page.evaluate("location.hash = '#/collections/cases'")
            page.wait_for_selector("text=违规出入私人会所")
            page.screenshot(path=str(OUT / "workspace-list.png"))

            page.evaluate("location.hash = '#/collections/cases/new'")
            page.wait_for_selector("[id^=title-field]")
            page.fill("[id^=title-field]", "XX县某局原副局长XX违规收受购物卡问题的通报")
            page.fill("[id^=topics-field]", "警示")
            page.keyboard.press("Enter")
            page.fill("[id^=summary-field]", "收受管理服务对象所送购物卡，受到党内警告处分。")
            page.fill("[id^=slug-field]", "2026-shopping-cards")
            page.fill("[id^=date-field]", "2026-11-20")
            page.fill("[id^=unit-field]", "XX区")
            page.keyboard.press("Enter")
            page.fill("[id^=discipline-field]", "廉洁")
            page.keyboard.press("Enter")
            page.fill("[id^=outcome-field]", "党内警告")
            page.click("button:has-text('新增警示要点')")
            page.locator("[id^=item-field]").last.fill("购物卡也是礼金，收受即违纪。")
            page.locator("text=Markdown").locator("xpath=preceding-sibling::*[1]").click()
            page.locator("[data-slate-editor=true]").click()
            page.keyboard.type("## 基本案情\n\nXX收受购物卡。")
            page.locator("[id^=title-field]").focus()
            page.screenshot(path=str(OUT / "workspace-form.png"))
            page.click("button:has-text('新增处理依据')")
            page.fill("[id^=regulation-field]", "2023-organ")
            page.keyboard.press("Enter")
            page.click("button:has-text('新增条款')")
            page.locator("[id^=item-field]").last.fill("第九十九条")
            page.get_by_text("保存", exact=True).first.click()
            page.wait_for_selector("text=保存内容失败")
            page.screenshot(path=str(OUT / "workspace-refused.png"))
            article = page.locator("[id^=item-field]").last
            article.click()
            article.press("Control+a")
            article.press("Backspace")
            article.type("第十条")
            page.locator(".notif__container button, [class*=Toast] button").first.click() if page.locator(".notif__container button, [class*=Toast] button").count() else None
            page.get_by_text("保存", exact=True).first.click()
            page.wait_for_selector("text=修改已保存", timeout=30_000)
            page.evaluate("location.hash = '#/workflow'")
            page.wait_for_selector("text=购物卡问题的通报")
            page.screenshot(path=str(OUT / "workspace-workflow.png"))
            page.click("#ql-bar button")
            page.wait_for_selector("text=导入 Word（.docx）或文本（.txt）文件")
            page.screenshot(path=str(OUT / "workspace-import.png"))
            browser.close()
    for path in sorted(OUT.glob("workspace-*.png")):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
