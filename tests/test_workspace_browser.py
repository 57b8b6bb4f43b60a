"""The editors' workspace through the real Decap CMS UI, on the kernels editors have (Chromium 86, 90) and current.

An editor signs in on the Chinese login page, creates a case with the form (a topic from the
drop-down, a regulation article as its basis) and saves it; the test finds the editor's commit
and runs ``qinglian check`` on the saved file. A second save breaks a cross-field rule: the
Chinese message appears in the CMS and no commit is made.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import CHROMIUM, REPO
from workspace_fixtures import EDITOR, example_repository, git, running_workspace

sys.path.insert(0, str(REPO / "scripts"))
from cdp import Browser  # noqa: E402
from old_chromium import executable  # noqa: E402

pytestmark = pytest.mark.browser

SLUG = "2026-shopping-cards"
BRANCH = f"cms/cases/{SLUG}"


def browser_path(kernel: int | str) -> Path:
    path = CHROMIUM if kernel == "current" else executable(int(kernel))
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"CI must install Chromium {kernel} (python3 scripts/old_chromium.py).")
        pytest.skip(f"Chromium {kernel} is missing: run `python3 scripts/old_chromium.py`.")
    return path


def mark(browser: Browser, css: str, text: str, name: str) -> None:
    """Tag the last element matching ``css`` whose text contains ``text``, to click it as a user would."""
    script = (f"(function(){{var all=[].slice.call(document.querySelectorAll({json.dumps(css)}))"
              f".filter(function(e){{return e.textContent.indexOf({json.dumps(text)})>=0;}});"
              f"if(!all.length)return false;all[all.length-1].setAttribute('data-ql-test',{json.dumps(name)});return true;}})()")
    browser.wait_for(script, 20)


def press(browser: Browser, css: str, text: str) -> None:
    mark(browser, css, text, "target")
    browser.click("[data-ql-test=target]")
    browser.evaluate("document.querySelector('[data-ql-test=target]').removeAttribute('data-ql-test')")


def choose(browser: Browser, field: str, typed: str) -> None:
    """A drop-down (react-select): type part of the option, then Enter."""
    browser.type_text(f"[id^={field}-field]", typed)
    browser.pump(0.3)
    browser.press_enter()


def set_date(browser: Browser, field: str, value: str) -> None:
    """A date input takes its value as the browser's own picker would set it."""
    browser.evaluate(
        f"(function(){{var e=document.querySelector('[id^={field}-field]');"
        "var set=Object.getOwnPropertyDescriptor(HTMLInputElement.prototype,'value').set;"
        f"set.call(e,{json.dumps(value)});e.dispatchEvent(new Event('input',{{bubbles:true}}));"
        "e.dispatchEvent(new Event('change',{bubbles:true}));})()"
    )


def last_item(browser: Browser, text: str) -> None:
    """Type into the newest list item's input."""
    browser.evaluate("(function(){var all=document.querySelectorAll('[id^=item-field]');all[all.length-1].focus();})()")
    browser.send("Input.insertText", text=text)


def sign_in(browser: Browser, url: str, user: tuple[str, str] = EDITOR) -> None:
    """Through the Chinese sign-in page, as an editor would, until the CMS shows its collections."""
    browser.goto(url + "/admin/")
    browser.wait_for("location.pathname === '/login' && !!document.querySelector('#password')")
    browser.type_text("#name", user[0])
    browser.type_text("#password", user[1])
    browser.click("button[type=submit]")
    browser.wait_for("!!document.body && document.body.innerText.indexOf('案例通报') >= 0", 60)


def fill_new_case(browser: Browser, slug: str = SLUG) -> None:
    """A new case's form filled as an editor would, all but the body."""
    browser.evaluate("location.hash = '#/collections/cases/new'")
    browser.wait_for("!!document.querySelector('[id^=title-field]')", 30)
    browser.type_text("[id^=title-field]", "XX县某局原副局长XX违规收受购物卡问题的通报")
    choose(browser, "topics", "警示")
    browser.type_text("[id^=summary-field]", "收受管理服务对象所送购物卡，受到党内警告处分。")
    browser.type_text("[id^=slug-field]", slug)
    set_date(browser, "date", "2026-11-20")
    choose(browser, "unit", "XX区")
    choose(browser, "discipline", "廉洁")
    browser.type_text("[id^=outcome-field]", "党内警告")
    press(browser, "button", "新增警示要点")
    last_item(browser, "购物卡也是礼金，收受即违纪。")
    press(browser, "button", "新增处理依据")
    choose(browser, "regulation", "2023-organ")
    press(browser, "button", "新增条款")
    last_item(browser, "第十条")


@pytest.mark.parametrize("kernel", [86, 90, "current"], ids=["chromium-86", "chromium-90", "chromium-current"])
def test_an_editor_creates_a_case_in_the_form(kernel, tmp_path: Path):
    repo = example_repository(tmp_path / "portal")
    with running_workspace(repo, review=True) as ws:
        browser = Browser(browser_path(kernel), ["--disable-gpu", "--window-size=1280,900"])
        try:
            sign_in(browser, ws.url)
            assert "当前用户：张三（编辑）" in browser.evaluate("document.getElementById('ql-bar').innerText")

            fill_new_case(browser)
            # The body opens as rich text; the switch beside "Markdown" shows the Markdown itself.
            browser.wait_for("(function(){var m=[].slice.call(document.querySelectorAll('*')).filter(function(e){return !e.children.length && e.textContent==='Markdown';})[0];"
                             "if(!m)return false;m.previousElementSibling.setAttribute('data-ql-test','markdown');return true;})()")
            browser.click("[data-ql-test=markdown]")
            browser.pump(0.3)
            browser.click("[data-slate-editor=true]")
            browser.send("Input.insertText", text="## 基本案情\n\nXX收受购物卡。")
            # The preview shows the document header as the portal does, with the date in Chinese.
            browser.wait_for("document.querySelector('iframe') && document.querySelector('iframe').contentDocument.body.innerText.indexOf('2026年11月20日') >= 0", 20)
            assert browser.events.page_errors == [], browser.events.page_errors
            press(browser, "button", "保存")
            browser.wait_until(lambda: git(repo, "branch", "--list", BRANCH).strip() != "", 30, "the editor's commit")

            log = git(repo, "log", "-1", "--format=%an|%s", BRANCH).strip()
            assert log == "张三|新增案例通报《XX县某局原副局长XX违规收受购物卡问题的通报》（草稿）"  # the status it was saved in
            worktree = tmp_path / "review"
            git(repo, "worktree", "add", "-q", str(worktree), BRANCH)
            saved = (worktree / f"content/cases/{SLUG}.md").read_text(encoding="utf-8")
            assert "\n## 基本案情\n" in saved and "topics: [警示教育]" in saved and "articles: [第十条]" in saved and "date: 2026-11-20" in saved
            checked = subprocess.run([sys.executable, "-m", "qinglian.cli", "check", f"content/cases/{SLUG}.md"], cwd=worktree,
                                     capture_output=True, text=True, env={**os.environ, "QINGLIAN_BUILD_DATE": "2026-12-01"})
            assert checked.returncode == 0, checked.stdout + checked.stderr
            assert git(repo, "rev-parse", "main").strip() == ws.head(), "main is untouched until a reviewer signs off"

            commits = git(repo, "rev-list", "--count", BRANCH).strip()
            set_date(browser, "publish_date", "2026-12-10")
            set_date(browser, "expire_date", "2026-12-01")
            press(browser, "button", "保存")
            message = browser.wait_for("(function(){var t=document.body.innerText;return t.indexOf('撤下日期')>=0 && t.indexOf('不早于定时发布日期')>=0 ? t : '';})()", 30)
            assert "没有保存" in message
            browser.pump(1)
            assert git(repo, "rev-list", "--count", BRANCH).strip() == commits, "a refused save made a commit"
            hosts = {urlsplit(url).netloc for url in browser.events.requested if url.startswith("http")}
            assert hosts <= {urlsplit(ws.url).netloc}, hosts
            if kernel == "current":
                browser.screenshot(tmp_path / "refused.png")
        finally:
            browser.close()


def test_every_example_document_round_trips_through_decap(browser, tmp_path: Path):
    """Decap's own serialisation of each example document, saved with one changed title, changes that line only;
    with the title put back, the server writes the file byte for byte as it was."""
    from qinglian.workspace.roundtrip import merged

    repo = example_repository(tmp_path / "portal")
    sent: dict[str, str] = {}
    with running_workspace(repo, review=False) as ws:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))

        def capture(request) -> None:
            if request.post_data and '"persistEntry"' in request.post_data:
                entry = json.loads(request.post_data)["params"]["dataFiles"][0]
                sent[entry["path"]] = entry["raw"]

        page.on("request", capture)
        refusals: list[str] = []
        page.on("response", lambda response: response.status >= 400 and refusals.append(f"{response.status} {response.text()[:2000]}"))
        page.goto(ws.url + "/login")
        page.fill("#name", EDITOR[0])
        page.fill("#password", EDITOR[1])
        page.click("button[type=submit]")
        page.wait_for_selector("text=案例通报")
        documents = sorted(p.relative_to(repo).as_posix() for p in (repo / "content").glob("*/*.md"))
        for path in documents:
            original = (repo / path).read_bytes()
            commits = git(repo, "rev-list", "--count", "HEAD").strip()
            collection, slug = path.split("/")[1], Path(path).stem
            page.evaluate(f"location.hash = '#/collections/{collection}/entries/{slug}'")
            title = page.locator("[id^=title-field]")
            title.wait_for()
            page.wait_for_function("document.querySelector('[id^=title-field]').value.length > 0")
            old_title = title.input_value()
            title.focus()
            page.keyboard.press("End")
            page.keyboard.type("（修订）")
            page.get_by_text("含未保存的修改").wait_for()
            page.get_by_text("发布", exact=True).first.click()
            try:
                with page.expect_response(lambda r: '"persistEntry"' in (r.request.post_data or ""), timeout=30000):
                    page.get_by_text("立即发布", exact=True).click()
            except Exception:
                page.screenshot(path=f"/tmp/shots/fail-{slug}.png")
                raise
            page.get_by_text("修改已保存").wait_for()
            assert git(repo, "rev-list", "--count", "HEAD").strip() != commits, path
            assert refusals == [], (path, refusals)
            numstat = git(repo, "diff", "HEAD~1", "--numstat").split()
            assert numstat == ["1", "1", path], (path, numstat)
            assert path in sent
            unchanged = sent[path].replace(old_title + "（修订）", old_title, 1)
            assert merged(original, unchanged, slug) == original, path
            page.evaluate(f"location.hash = '#/collections/{collection}'")
            page.wait_for_timeout(200)
        assert errors == []
        context.close()


def test_an_edit_after_approval_returns_the_entry_to_review_in_the_real_ui(tmp_path: Path):
    """Issue 35: the editor edits an entry a reviewer approved; the workspace says it went back to 待审核, and it cannot be signed off."""
    from test_review_integrity import SLUG as ENTRY, _draft

    repo = example_repository(tmp_path / "portal")
    with running_workspace(repo, review=True) as ws:
        _draft(ws, "审核人看过的处理结果")
        assert ws.api("updateUnpublishedEntryStatus", ("李四", "password-ls"), newStatus="pending_publish", **ENTRY)[0] == 200
        branch = "cms/cases/2025-private-club"
        commits = git(repo, "rev-list", "--count", branch).strip()
        browser = Browser(browser_path("current"), ["--disable-gpu", "--window-size=1280,900"])
        try:
            sign_in(browser, ws.url)
            browser.evaluate("location.hash = '#/collections/cases/entries/2025-private-club'")
            browser.wait_for("(function(){var e=document.querySelector('[id^=outcome-field]');return !!e && e.value.indexOf('审核人看过的处理结果')>=0;})()", 30)
            browser.type_text("[id^=outcome-field]", "（审核后又改）")
            press(browser, "button", "保存")
            browser.wait_until(lambda: git(repo, "rev-list", "--count", branch).strip() != commits, 30, "the editor's save")
            notice = browser.wait_for("(function(){var n=document.getElementById('ql-notice');return n ? n.innerText : '';})()", 20)
            assert "已退回“待审核”" in notice
            assert git(repo, "config", f"branch.{branch}.description").strip() == "decap-cms/pending_review"
            status, answer = ws.api("publishUnpublishedEntry", ("李四", "password-ls"), **ENTRY)
            assert status == 409 and "还没有审核通过" in answer["error"]
            assert browser.events.page_errors == [], browser.events.page_errors
            browser.screenshot(tmp_path / "demoted.png")
            # The reviewer's view of the change: field by field against the published version.
            browser.click("#ql-notice button")
            browser.wait_for("!!document.getElementById('ql-changes-button') && !document.getElementById('ql-changes-button').hidden", 60)
            browser.click("#ql-changes-button")
            table = browser.wait_for("(function(){var t=document.querySelector('.ql-changes table');return t ? t.innerText : '';})()", 20)
            assert "“处理结果”（outcome）" in table and "（审核后又改）审核人看过的处理结果" in table
            assert browser.events.page_errors == [], browser.events.page_errors
            browser.screenshot(tmp_path / "changes.png")
            if os.environ.get("QINGLIAN_SCREENSHOTS"):
                for name in ("demoted.png", "changes.png"):
                    (Path(os.environ["QINGLIAN_SCREENSHOTS"]) / name).write_bytes((tmp_path / name).read_bytes())
        finally:
            browser.close()


def key(browser: Browser, name: str, code: str, virtual: int, text: str | None = None) -> None:
    browser.send("Input.dispatchKeyEvent", type="keyDown", key=name, code=code, windowsVirtualKeyCode=virtual, **({"text": text} if text else {}))
    browser.send("Input.dispatchKeyEvent", type="keyUp", key=name, code=code, windowsVirtualKeyCode=virtual)


@pytest.mark.parametrize("kernel", [86, 90, "current"], ids=["chromium-86", "chromium-90", "chromium-current"])
def test_rich_text_bold_and_nested_lists_read_the_same_in_the_editor_the_preview_and_the_site(kernel, tmp_path: Path):
    """Issue 36: bold next to full-width punctuation and a nested list, made with the toolbar, survive saving and reopening,
    and the preview (the site's renderer, served by the workspace) shows what readers get."""
    from qinglian.markdown import render_body

    slug = "2026-rich-text"
    repo = example_repository(tmp_path / "portal")
    with running_workspace(repo, review=True) as ws:
        browser = Browser(browser_path(kernel), ["--disable-gpu", "--window-size=1280,900"])
        try:
            sign_in(browser, ws.url)
            fill_new_case(browser, slug)
            browser.click("[data-slate-editor=true]")
            # Type only once the editor has the focus: an old kernel under load can take a moment to give it.
            browser.wait_for("document.activeElement && document.activeElement.getAttribute('data-slate-editor') === 'true'", 20)
            typed = "document.querySelector('[data-slate-editor=true]').textContent.indexOf({}) >= 0"
            for bold, plain in (("要求：", "严格执行。"), ("“硬杠杠”", "不能碰。")):
                browser.click("button[title='粗体']")
                browser.send("Input.insertText", text=bold)
                browser.wait_for(typed.format(json.dumps(bold)), 20)
                browser.click("button[title='粗体']")
                browser.send("Input.insertText", text=plain)
                browser.wait_for(typed.format(json.dumps(plain)), 20)
                key(browser, "Enter", "Enter", 13, "\r")
            browser.click("button[title='无序列表']")
            browser.send("Input.insertText", text="一级")
            key(browser, "Enter", "Enter", 13, "\r")
            key(browser, "Tab", "Tab", 9)
            browser.send("Input.insertText", text="二级")
            # The preview pane: the body as the site renders it, while typing.
            preview = ("(function(){var f=document.querySelector('iframe');var b=f&&f.contentDocument.querySelector('.ql-preview__body');"
                       "return b ? b.innerHTML : '';})()")
            html = browser.wait_for(f"(function(){{var h={preview};return h.indexOf('二级')>=0 ? h : '';}})()", 20)
            assert "<strong>要求：</strong>严格执行。" in html and "<strong>“硬杠杠”</strong>不能碰。" in html
            assert re.search(r"一级(</p>)?\s*<ul>\s*<li>\s*(<p>)?二级", html), html
            if kernel == "current":
                browser.screenshot(tmp_path / "preview.png")
            press(browser, "button", "保存")
            branch = f"cms/cases/{slug}"
            browser.wait_until(lambda: git(repo, "branch", "--list", branch).strip() != "", 30, "the editor's commit")
            saved = git(repo, "show", f"{branch}:content/cases/{slug}.md").split("\n---\n", 1)[1]
            assert "**要求：**严格执行。" in saved and "**“硬杠杠”**不能碰。" in saved
            site = render_body(saved)
            assert "<strong>要求：</strong>严格执行。" in site and "<strong>“硬杠杠”</strong>不能碰。" in site
            assert "<ul>" in site.split("一级", 1)[1].split("二级", 1)[0], site
            # Opened again, the editor shows the bold text as bold (not asterisks) and the list nested.
            browser.evaluate(f"location.hash = '#/collections/cases/entries/{slug}'; location.reload()")
            browser.pump(2)
            editor = browser.wait_for("(function(){var e=document.querySelector('[data-slate-editor=true]');"
                                      "return e && e.innerText.indexOf('二级')>=0 ? e.innerHTML : '';})()", 60)
            assert "**" not in editor
            assert editor.count("<strong>") == 2 and "要求：" in editor.split("<strong>")[1] and "“硬杠杠”" in editor.split("<strong>")[2]
            assert editor.count("<ul") == 2
            assert browser.events.page_errors == [], browser.events.page_errors
            hosts = {urlsplit(url).netloc for url in browser.events.requested if url.startswith("http")}
            assert hosts <= {urlsplit(ws.url).netloc}, hosts
            if kernel == "current" and os.environ.get("QINGLIAN_SCREENSHOTS"):
                (Path(os.environ["QINGLIAN_SCREENSHOTS"]) / "preview.png").write_bytes((tmp_path / "preview.png").read_bytes())
        finally:
            browser.close()


# Words a Chinese screen may still show: names of formats and tools editors know by these names, and XX (anonymised names).
ALLOWED_LATIN = {"Markdown", "Word", "XX"}


@pytest.mark.parametrize("kernel", [86, 90, "current"], ids=["chromium-86", "chromium-90", "chromium-current"])
def test_the_main_screens_speak_chinese(kernel, tmp_path: Path):
    """Issue 37: no English left on the collection list, the review board and the editor; dates in Chinese."""
    from test_review_integrity import _draft

    repo = example_repository(tmp_path / "portal")
    with running_workspace(repo, review=True) as ws:
        _draft(ws, "待审核的处理结果")
        browser = Browser(browser_path(kernel), ["--disable-gpu", "--window-size=1280,900"])
        try:
            sign_in(browser, ws.url)
            seen = {}
            for name, where, ready in (
                ("list", "#/collections/cases", "案例通报"),
                ("board", "#/workflow", "待审核"),
                ("editor", "#/collections/cases/new", "发布日期"),
            ):
                browser.evaluate(f"location.hash = '{where}'")
                browser.wait_for(f"document.body.innerText.indexOf('{ready}') >= 0", 30)
                browser.pump(1.5)
                text = browser.evaluate(
                    "document.body.innerText + ' ' + [].slice.call(document.querySelectorAll('[title],[placeholder],[aria-label]'))"
                    ".map(function(e){return [e.getAttribute('title'),e.getAttribute('placeholder'),e.getAttribute('aria-label')].join(' ')}).join(' ')")
                text = re.sub(r"\b[0-9a-z]+(?:-[0-9a-z]+)+\b", " ", text)  # file names (网址名) are examples, not words
                seen[name] = sorted(set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN)
                if kernel == "current":
                    browser.screenshot(tmp_path / f"{name}.png")
                if name == "board":
                    # The card says when the entry changed, in Chinese, and the columns use the portal's words.
                    board = browser.wait_for("(function(){var t=document.body.innerText;return /\\d+月\\d+日/.test(t) ? t : '';})()", 20)
                    assert "待签发" in board and "就绪" not in board
            assert seen == {"list": [], "board": [], "editor": []}, seen
            # The date field reads and writes 2026年11月20日 (the editor is the last screen: leaving it asks to confirm).
            browser.type_text("[id^=date-field]", "2026年11月20日")
            browser.type_text("[id^=title-field]", "标题")
            shown = browser.evaluate("document.querySelector('[id^=date-field]').value")
            assert shown == "2026年11月20日"
            assert "UTC" not in browser.evaluate("document.body.innerText")
            assert browser.events.page_errors == [], browser.events.page_errors
            if kernel == "current" and os.environ.get("QINGLIAN_SCREENSHOTS"):
                for name in seen:
                    (Path(os.environ["QINGLIAN_SCREENSHOTS"]) / f"{name}.png").write_bytes((tmp_path / f"{name}.png").read_bytes())
        finally:
            browser.close()


@pytest.mark.parametrize("kernel", [86, "current"], ids=["chromium-86", "chromium-current"])
def test_moving_between_entries_by_address_or_back_shows_each_entrys_own_data(kernel, tmp_path: Path):
    """Issue 37: going from one entry's form to another's with the address bar or the back button left the first one's data."""
    repo = example_repository(tmp_path / "portal")
    first, second = "2025-private-club", "2025-project-kickbacks"
    titles = {slug: re.search(r"^title: (.*)$", (repo / f"content/cases/{slug}.md").read_text(encoding="utf-8"), re.M).group(1)
              for slug in (first, second)}
    with running_workspace(repo, review=True) as ws:
        browser = Browser(browser_path(kernel), ["--disable-gpu", "--window-size=1280,900"])
        try:
            sign_in(browser, ws.url)
            shown = "(function(){var e=document.querySelector('[id^=title-field]');return e ? e.value : '';})()"
            for slug in (first, second):
                browser.evaluate(f"location.hash = '#/collections/cases/entries/{slug}'")
                browser.pump(1)
                title = browser.wait_for(f"(function(){{var t={shown};return t === {json.dumps(titles[slug])} ? t : '';}})()", 30)
                outcome = browser.evaluate("document.querySelector('[id^=outcome-field]').value")
                expected = re.search(r"^outcome: (.*)$", (repo / f"content/cases/{slug}.md").read_text(encoding="utf-8"), re.M).group(1)
                assert title == titles[slug] and outcome == expected, (slug, title, outcome)
                # A date read from the file shows in Chinese, in the field and in the preview.
                assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", browser.evaluate("document.querySelector('[id^=date-field]').value"))
            browser.evaluate("history.back()")
            browser.pump(1)
            assert browser.wait_for(f"(function(){{var t={shown};return t === {json.dumps(titles[first])} ? t : '';}})()", 30) == titles[first]
            assert browser.events.page_errors == [], browser.events.page_errors
        finally:
            browser.close()


def test_a_joint_official_document_imports_with_a_report_to_check(tmp_path: Path):
    """Issue 37: the reported joint 公文 (two-line masthead, no 文件) imports into the right fields, and the editor sees what was recognised."""
    from test_official_layouts import LAYOUTS, _docx

    layout = LAYOUTS["joint masthead without 文件 (the reported one)"]
    source = _docx(tmp_path / "联合发文.docx", layout.lines)
    repo = example_repository(tmp_path / "portal")
    with running_workspace(repo, review=True) as ws:
        browser = Browser(browser_path("current"), ["--disable-gpu", "--window-size=1280,900"])
        try:
            sign_in(browser, ws.url)
            press(browser, "button", "导入 Word")
            browser.wait_for("!!document.getElementById('ql-import-file')", 10)
            browser.evaluate("document.getElementById('ql-import-kind').value = 'cases'")
            handle = browser.send("Runtime.evaluate", expression="document.getElementById('ql-import-file')")["result"]["objectId"]
            browser.send("DOM.setFileInputFiles", files=[str(source)], objectId=handle)
            mark(browser, ".ql-dialog button[type=submit]", "导入", "import")
            browser.click("[data-ql-test=import]")
            report = browser.wait_for("(function(){var t=document.querySelector('.ql-recognised');return t ? t.closest('form').innerText : '';})()", 30)
            assert layout.title in report and "XX纪发〔2026〕12号" in report and "2026年4月1日" in report
            assert "版头“中共XX市纪律检查委员会”" in report and "落款“XX市监察委员会”" in report
            browser.screenshot(tmp_path / "import-report.png")
            mark(browser, ".ql-dialog button", "用这些内容新建", "proceed")
            browser.click("[data-ql-test=proceed]")
            title = browser.wait_for(f"(function(){{var e=document.querySelector('[id^=title-field]');return e && e.value === {json.dumps(layout.title)} ? e.value : '';}})()", 30)
            assert title == layout.title
            assert browser.evaluate("document.querySelector('[id^=doc_number-field]').value") == "XX纪发〔2026〕12号"
            assert browser.events.page_errors == [], browser.events.page_errors
            if os.environ.get("QINGLIAN_SCREENSHOTS"):
                (Path(os.environ["QINGLIAN_SCREENSHOTS"]) / "import-report.png").write_bytes((tmp_path / "import-report.png").read_bytes())
        finally:
            browser.close()
