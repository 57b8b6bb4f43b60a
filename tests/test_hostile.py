"""Hostile input: content written to hurt readers or the build server.

Each refused case must fail ``mkdocs build`` (and ``qinglian check`` where it concerns
content/) with a message naming the file, the line and what was found, with no Python
traceback, within 10 seconds and 500 MB, leaving the previous site untouched. Each
accepted case builds, and headless Chromium shows that no payload runs, with the site
served by a plain static server without any security header (the worst case).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import MKDOCS, REPO, Project, serving, speech

PAYLOAD = "window.__pwned=(window.__pwned||0)+1"
SCRIPT = f"<script>{PAYLOAD}</script>"
IMG = f'<img src="x" onerror="{PAYLOAD}">'
BOMB = """\
lol1: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
lol2: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
lol3: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
lol4: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
lol5: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
lol6: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
lol7: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
lol8: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
lol9: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""
DOC = "content/speeches/2024-warning.md"


def body(text: str) -> str:
    """The fixture's speech with ``text`` as its body, from line 10 on."""
    return speech().split("同志们：")[0] + text + "\n"


@dataclass
class Refused:
    """A case that must fail, naming ``path`` and ``line`` (and ``found``) in its message."""

    id: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    path: str = DOC
    line: int = 10
    found: str = ""
    links: dict[str, str] = field(default_factory=dict)
    extra_config: str = ""


REFUSED = [
    # Raw HTML in a document body (the body starts on line 10).
    Refused("script", {DOC: body(SCRIPT)}, found="<script>"),
    # The portal's own block marker: the search form would take the speech's place (audit finding 4).
    Refused("block-marker", {DOC: body("正文。\n\nqlslotbc42798541eb2d7a69e59d00f732677e")}, line=12, found="qlslotbc42798541"),
    Refused("block-marker-in-title", {DOC: speech(title="QLSLOT0123456789ABCDEF0123456789ABCDEF")}, line=2, found="QLSLOT0123456789"),
    Refused("block-marker-in-code", {DOC: body("```\nqlslotbc42798541eb2d7a69e59d00f732677e\n```")}, line=11, found="qlslotbc42798541"),
    Refused("block-marker-hand-written", {"docs/help.md": "# 帮助\n\nqlslot00000000000000000000000000000000\n"}, path="docs/help.md", line=3, found="qlslot"),
    Refused("script-src", {DOC: body('<script src="https://evil.example/x.js"></script>')}, found="<script>"),
    Refused("script-late-line", {DOC: body("第一段。\n\n第二段。\n\n" + SCRIPT)}, line=14, found="<script>"),
    Refused("style-element", {DOC: body("<style>body{display:none}</style>")}, found="<style>"),
    Refused("iframe", {DOC: body('<iframe src="https://evil.example/"></iframe>')}, found="<iframe>"),
    Refused("object", {DOC: body('<object data="x.swf"></object>')}, found="<object>"),
    Refused("embed", {DOC: body('<embed src="x.swf">')}, found="<embed>"),
    Refused("form", {DOC: body('<form action="https://evil.example/"><input name="pw"></form>')}, found="<form>"),
    Refused("svg-onload", {DOC: body(f'<svg onload="{PAYLOAD}"></svg>')}, found="<svg>"),
    Refused("meta-refresh", {DOC: body('<meta http-equiv="refresh" content="0;url=https://evil.example/">')}, found="<meta>"),
    Refused("base", {DOC: body('<base href="https://evil.example/">')}, found="<base>"),
    Refused("link-stylesheet", {DOC: body('<link rel="stylesheet" href="https://evil.example/x.css">')}, found="<link>"),
    Refused("onclick", {DOC: body(f'<span class="note" onclick="{PAYLOAD}">点击</span>')}, found="onclick"),
    Refused("img-onerror", {DOC: body(IMG)}, found="onerror"),
    Refused("uppercase-onmouseover", {DOC: body(f'<div ONMOUSEOVER="{PAYLOAD}">悬停</div>')}, found="onmouseover"),
    Refused("attr-list-paragraph", {DOC: body(f"一段文字。\n{{: onclick=\"{PAYLOAD}\" }}")}, line=11, found="onclick"),
    Refused("attr-list-heading", {DOC: body(f"## 小标题 {{: onmouseover=\"{PAYLOAD}\" }}")}, found="onmouseover"),
    Refused("attr-list-style", {DOC: body('段落\n{: style="position:fixed;top:0" }')}, line=11, found="style"),
    Refused("style-attribute", {DOC: body('<div style="background:url(https://evil.example/t.png)">x</div>')}, found="style"),
    Refused("javascript-link", {DOC: body("[点击查看](javascript:alert(1))")}, found="javascript:"),
    Refused("javascript-html-link", {DOC: body('<a href="javascript:alert(1)">查看</a>')}, found="javascript:"),
    Refused("javascript-entity-link", {DOC: body('<a href="&#106;avascript:alert(1)">查看</a>')}, found="javascript:"),
    Refused("javascript-tab-link", {DOC: body('<a href="java\tscript:alert(1)">查看</a>')}, found="<a href"),
    Refused("vbscript-link", {DOC: body('<a href="vbscript:msgbox(1)">查看</a>')}, found="vbscript:"),
    Refused("data-html-link", {DOC: body("[附件](data:text/html;base64,PHNjcmlwdD4=)")}, found="data:text/html"),
    Refused("reference-link", {DOC: body("见[附件][a]。\n\n[a]: javascript:alert(1)")}, line=12, found="javascript:"),
    Refused("autolink", {DOC: body("<javascript:alert(1)>")}, found="javascript:"),
    Refused("external-image", {DOC: body("![图](http://evil.example/track.png)")}, found="http://evil.example"),
    # Attachments and links.
    Refused("html-attachment", {"content/speeches/page.html": SCRIPT}, path="content/speeches/page.html", line=1, found=".html"),
    Refused("js-attachment", {"content/speeches/x.js": PAYLOAD}, path="content/speeches/x.js", line=1, found=".js"),
    Refused("svg-attachment", {"content/speeches/images/logo.svg": f"<svg xmlns='http://www.w3.org/2000/svg' onload='{PAYLOAD}'/>"},
            path="content/speeches/images/logo.svg", line=1, found=".svg"),
    Refused("symlinked-image", links={"content/speeches/images/photo.jpg": "/etc/passwd"},
            path="content/speeches/images/photo.jpg", line=1, found="/etc/passwd"),
    Refused("symlinked-document", links={"content/speeches/2024-outside.md": "{outside}"},
            path="content/speeches/2024-outside.md", line=1, found="outside.md"),
    Refused("symlinked-folder", links={"content/cases": "/etc"}, path="content/cases", line=1, found="/etc"),
    Refused("symlink-in-docs", links={"docs/key.md": "{outside}"}, path="docs/key.md", line=1, found="符号链接"),
    Refused("html-in-docs", {"docs/page.html": SCRIPT}, path="docs/page.html", line=1, found=".html"),
    Refused("script-in-docs-page", {"docs/help.md": "---\ntitle: 帮助\n---\n\n说明。\n\n" + SCRIPT + "\n"}, path="docs/help.md", line=7, found="<script>"),
    # Bounded input.
    Refused("billion-laughs", {DOC: "---\n" + BOMB + "title: 标题\n---\n\n正文。\n"}, line=2, found="&a"),
    Refused("merge-key-alias", {DOC: speech().replace("title:", "base: &base {a: 1}\n<<: *base\ntitle:", 1)}, line=2, found="&base"),
    Refused("deep-nesting", {DOC: speech().replace("title:", "x: " + "[" * 500 + "]" * 500 + "\ntitle:", 1)}, line=2, found="嵌套"),
    Refused("oversized-document", {DOC: body("廉" * 800_000)}, line=1, found="MB"),
    Refused("vocabulary-billion-laughs", {"content/vocabulary.yml": BOMB}, path="content/vocabulary.yml", line=1, found="&a"),
    Refused("vocabulary-yaml-error", {"content/vocabulary.yml": "units:\n  XX市纪委监委: city\n topics: [\n"}, path="content/vocabulary.yml", line=3, found="topics"),
    Refused("vocabulary-invalid-utf8", {"content/vocabulary.yml": b"units:\n  \xff\xfe: x\n"}, path="content/vocabulary.yml", line=1, found="编码"),
    Refused("vocabulary-missing-topics", {"content/vocabulary.yml": "units:\n  XX市纪委监委: city-commission\n"}, path="content/vocabulary.yml", line=1, found="topics"),
    Refused("vocabulary-not-a-mapping", {"content/vocabulary.yml": "- 单位\n- 专题\n"}, path="content/vocabulary.yml", line=1, found="列表"),
]


def write_case(project: Project, case: Refused, outside: Path) -> None:
    for relative, data in case.files.items():
        path = project.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    for relative, target in case.links.items():
        path = project.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        path.symlink_to(target.format(outside=outside))


@dataclass
class Run:
    returncode: int
    output: str
    seconds: float
    peak_mb: float


def run_bounded(command: list[str], cwd: Path) -> Run:
    """Run ``command``, measuring this child's own time and peak memory (wait4)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("QINGLIAN_BUILD_DATE", None)
    output_path = cwd / ".run-output"
    started = time.monotonic()
    with output_path.open("wb") as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
        deadline = started + 30
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.02)
    seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    text = output_path.read_text(encoding="utf-8", errors="replace")
    output_path.unlink()
    return Run(process.returncode, text, seconds, usage.ru_maxrss / 1024)


@pytest.mark.parametrize("case", REFUSED, ids=[case.id for case in REFUSED])
def test_refused(project: Project, tmp_path: Path, case: Refused):
    outside = tmp_path / "outside.md"
    outside.write_text("---\ntitle: 服务器上的私密文件\n---\n\nSECRET-KEY\n", encoding="utf-8")
    project.build_ok()
    before = {p: p.read_bytes() for p in (project.root / "site").rglob("*") if p.is_file()}
    write_case(project, case, outside)

    runs = {
        "mkdocs build": run_bounded([*MKDOCS, "build"], project.root),
        "qinglian check": run_bounded([sys.executable, "-m", "qinglian.cli", "check"], project.root),
    }
    expected = f"{case.path}:{case.line}"
    for name, run in runs.items():
        assert run.returncode != 0, f"{name} accepted {case.id}:\n{run.output}"
        assert "Traceback" not in run.output, f"{name}:\n{run.output}"
        assert run.seconds < 10, f"{name} took {run.seconds:.1f} s"
        assert run.peak_mb < 500, f"{name} peaked at {run.peak_mb:.0f} MB"
        lines = [line for line in run.output.splitlines() if expected in line]
        assert lines, f"{name} does not name {expected}:\n{run.output}"
        assert any(case.found in line for line in lines), f"{name} does not say what was found ({case.found}):\n{run.output}"
    after = {p: p.read_bytes() for p in (project.root / "site").rglob("*") if p.is_file()}
    assert after == before, "a refused build changed the previous site"
    assert "SECRET-KEY" not in "".join(runs["mkdocs build"].output)


def test_qinglian_check_reports_policy_as_json(project: Project):
    project.write(DOC, body(IMG))
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check", "--format", "json"], cwd=project.root, capture_output=True, text=True)
    assert result.returncode == 1
    assert '"field": "正文"' in result.stdout and '"line": 10' in result.stdout and "onerror" in result.stdout


# -- Accepted content: it builds, and nothing an editor typed runs in the browser ----------

HOSTILE_TEXT = f"{SCRIPT}{IMG}</title></h1>\"'><svg onload=\"{PAYLOAD}\">"
LITERAL = "《条例》第X条<注>＜附件＞ << 1<2 &amp; A&B"

ACCEPTED_VOCABULARY = f"""\
units:
  XX市纪委监委: city-commission
  "{IMG.replace('"', "'")}单位": hostile-unit
topics:
  警示教育: warning-education
  "{SCRIPT}专题": hostile-topic
  "{LITERAL.replace('&amp;', '')}": literal-topic
roles:
  - 市纪委书记
  - "{SCRIPT}书记"
"""


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def accepted_site(root: Path) -> None:
    project = Project(root)
    project.write("mkdocs.yml", (REPO / "tests" / "conftest.py").read_text(encoding="utf-8").split('MKDOCS_YML = """\\\n')[1].split('"""')[0].format(page_size=10))
    project.write("docs/index.md", f"---\ntitle: {quoted(HOSTILE_TEXT)}\ndescription: {quoted(HOSTILE_TEXT)}\n---\n\n首页。\n")
    project.write("docs/guide/index.md", f"---\ntitle: {quoted(HOSTILE_TEXT + '指南')}\n---\n\n指南。\n")
    project.write("content/vocabulary.yml", ACCEPTED_VOCABULARY)
    hostile_unit = IMG.replace('"', "'") + "单位"
    project.write("content/speeches/2024-hostile-meta.md", f"""---
title: {quoted(HOSTILE_TEXT)}
date: 2024-03-05
unit: {quoted(hostile_unit)}
speaker: {quoted(SCRIPT + "书记")}
occasion: {quoted(HOSTILE_TEXT)}
topics: [{quoted(SCRIPT + "专题")}, 警示教育]
summary: {quoted(HOSTILE_TEXT)}
---

同志们：

## 一、正文

讲话正文。
""")
    project.write("content/speeches/2024-literal.md", f"""---
title: {quoted(LITERAL)}
date: 2024-03-06
unit: XX市纪委监委
speaker: 市纪委书记
occasion: 会议
topics: [{quoted(LITERAL.replace('&amp;', ''))}]
---

正文写到{LITERAL}，以及 `<script>{PAYLOAD}</script>` 这样的代码示例。

```html
{SCRIPT}
```

| 条款 | 说明 |
| :--- | ---: |
| 第一条<br>附注 | 见<sup>1</sup><span class="ql-note">注</span> |

[官网](https://www.example.cn/) [邮件](mailto:office@example.cn) ![图](images/photo.png)
""")
    (root / "content/speeches/images").mkdir(parents=True)
    (root / "content/speeches/images/photo.png").write_bytes(bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"))
    project.write("content/cases/2024-hostile-case.md", f"""---
title: {quoted(HOSTILE_TEXT)}
date: 2024-04-01
unit: XX市纪委监委
topics: [警示教育]
discipline: 廉洁纪律
outcome: {quoted(HOSTILE_TEXT)}
lessons:
  - {quoted(HOSTILE_TEXT)}
---

案情。
""")
    project.write("content/quizzes/2024-hostile-quiz.md", f"""---
title: {quoted(HOSTILE_TEXT)}
date: 2024-05-01
unit: XX市纪委监委
topics: [警示教育]
pass_mark: 1
questions:
  - type: 单选题
    question: {quoted(HOSTILE_TEXT)}
    options: [{quoted(SCRIPT)}, {quoted(IMG)}]
    answer: A
    points: 2
    explanation: {quoted(HOSTILE_TEXT)}
full_marks: 2
---

说明。
""")
    project.write("content/plans/2024-hostile-plan.md", f"""---
title: {quoted(HOSTILE_TEXT)}
date: 2024-01-05
unit: XX市纪委监委
year: 2024
topics: [警示教育]
summary: {quoted(HOSTILE_TEXT)}
sessions:
  - date: 2024-03-15
    topic: {quoted(HOSTILE_TEXT)}
    form: 集中学习
    location: {quoted(HOSTILE_TEXT)}
    readings:
      - speeches/2024-hostile-meta
---

计划。
""")


@pytest.fixture(scope="module")
def accepted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("accepted")
    accepted_site(root)
    result = subprocess.run(
        [*MKDOCS, "build", "--strict"], cwd=root, capture_output=True, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_BUILD_DATE": "2024-03-10"}, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return root / "site"


ACCEPTED_PAGES = [
    "",
    "guide/",
    "speeches/",
    "speeches/2024-hostile-meta/",
    "speeches/2024-literal/",
    "cases/2024-hostile-case/",
    "quizzes/2024-hostile-quiz/",
    "plans/2024-hostile-plan/",
    "topics/",
    "topics/hostile-topic/",
    "units/hostile-unit/",
    "calendar/",
    "calendar/2024-03/",
    "calendar/agenda/",
    "archive/2024/",
]


@pytest.mark.browser
def test_accepted_content_runs_no_payload(browser, accepted: Path, tmp_path: Path):
    with serving(accepted) as url:  # a plain server: no CSP, no security headers
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        dialogs: list[str] = []
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in ACCEPTED_PAGES:
            response = page.goto(url + path, wait_until="load")
            assert response is not None and response.status == 200, path
            # Hover and click everything an attribute could hang a handler on.
            page.mouse.move(5, 5)
            page.mouse.move(600, 400)
            assert page.evaluate("window.__pwned || 0") == 0, f"a payload ran on {path}"
        page.goto(url + "speeches/2024-hostile-meta/", wait_until="load")
        assert "<script>" in page.locator("h1").first.inner_text()
        assert "<script>" in page.title()
        page.screenshot(path=str(tmp_path / "hostile-meta.png"))
        page.goto(url + "speeches/2024-literal/", wait_until="load")
        text = page.locator("article").inner_text()
        assert "第X条<注>＜附件＞ << 1<2" in text and "《条例》" in text
        assert f"<script>{PAYLOAD}</script>" in text  # the code sample shows literally
        assert page.locator("article table sup").count() == 1
        # A quiz whose options are markup: answering and submitting runs nothing either.
        page.goto(url + "quizzes/2024-hostile-quiz/", wait_until="load")
        page.locator(".ql-quiz input").first.check()
        page.locator(".ql-quiz button[type=submit]").first.click()
        assert page.evaluate("window.__pwned || 0") == 0
        # Search shows the hostile title as text.
        page.goto(url + "search/?q=" + "讲话正文", wait_until="load")
        page.locator(".ql-result").first.wait_for(timeout=15000)
        assert page.evaluate("window.__pwned || 0") == 0
        assert dialogs == []
        context.close()


def test_every_metadata_value_is_escaped_in_the_html(accepted: Path):
    for html_file in accepted.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        assert PAYLOAD + "</script>" not in text.replace(f"&lt;script&gt;{PAYLOAD}&lt;/script&gt;", ""), html_file
        assert 'onerror="window' not in text, html_file
    feed = (accepted / "calendar/feeds/all.ics").read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in feed


def test_only_listed_attachments_and_no_outside_files_are_published(accepted: Path):
    published = {p.relative_to(accepted).as_posix() for p in accepted.rglob("*") if p.is_file()}
    assert "speeches/images/photo.png" in published
    assert not [p for p in published if p.endswith((".svg", ".md")) and not p.startswith("assets/")]


def test_publish_verification_refuses_scripts_that_are_not_the_themes(example_site: Path, tmp_path: Path):
    from importlib import resources

    from qinglian.inline_assets import FOLDER, ThemeScripts
    from qinglian.publish.verify import foreign_scripts

    templates = Path(str(resources.files("material") / "templates"))
    theme = ThemeScripts.from_templates(p.read_text(encoding="utf-8") for p in templates.rglob("*.html"))
    site = tmp_path / "site"
    shutil.copytree(example_site, site)
    assert foreign_scripts(site, theme) == []
    page = site / "speeches" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", f"{SCRIPT}{IMG}</body>"), encoding="utf-8")
    inline = next((site / FOLDER).glob("*.js"))
    inline.write_text(PAYLOAD, encoding="utf-8")
    found = "\n".join(foreign_scripts(site, theme))
    assert "speeches/index.html：内嵌脚本" in found
    assert "speeches/index.html：事件处理属性 <img onerror>" in found
    assert f"{inline.relative_to(site).as_posix()} 不是主题自带的脚本" in found


# -- Hostile files given to the importer ------------------------------------------------------

DOCUMENT_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>'
)


def crafted_docx(path: Path, body: str, doctype: str = "", *, corrupt_crc: bool = False) -> Path:
    """A .docx written by hand around ``body``, the way an attacker would build one."""
    import docx
    import zipfile

    template = path.with_suffix(".template.docx")
    docx.Document().save(str(template))
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = DOCUMENT_XML.format(doctype=doctype, body=body).encode("utf-8")
            target.writestr(item, data)
    if corrupt_crc:
        raw = bytearray(path.read_bytes())
        marker = raw.find(b"word/document.xml") + len("word/document.xml")
        raw[marker + 40] ^= 0xFF  # a byte of the compressed document: its CRC no longer matches
        path.write_bytes(bytes(raw))
    template.unlink()
    return path


def paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


ENTITY_BOMB = (
    '<!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)

IMPORT_CASES = {
    "entity-bomb": (lambda p: crafted_docx(p, paragraph("标题") + paragraph("&lol9;"), ENTITY_BOMB), "<!ENTITY>"),
    "ten-million-character-paragraph": (lambda p: crafted_docx(p, paragraph("标题") + paragraph("廉" * 10_000_000)), "超过上限 50000 个字符"),
    "bad-crc": (lambda p: crafted_docx(p, paragraph("标题") + paragraph("正文" * 2000), corrupt_crc=True), "已损坏"),
    "455000-paragraphs": (lambda p: crafted_docx(p, paragraph("标题") + "<w:p/>" * 455_000), "455001 个段落"),
    # The audit's 99 KB file: 48 MB of empty runs in one paragraph, under the unpacked-size bound.
    "48mb-of-empty-runs": (lambda p: crafted_docx(p, paragraph("标题") + "<w:p>" + "<w:r/>" * 8_000_000 + "</w:p>"), "个 XML 元素组成，超过上限"),
    "not-a-zip": (lambda p: (p.write_bytes(b"PK\x03\x04 truncated"), p)[1], "不是有效的 Word"),
}


@pytest.mark.parametrize("name", list(IMPORT_CASES))
def test_hostile_word_files_are_refused_with_a_message(project: Project, tmp_path: Path, name: str):
    make, expected = IMPORT_CASES[name]
    source = make(tmp_path / f"{name}.docx")
    before = sorted(project.root.rglob("*"))
    run = run_bounded([sys.executable, "-m", "qinglian.cli", "import", str(source), "--type", "speech"], project.root)
    assert run.returncode == 1, run.output
    assert "Traceback" not in run.output, run.output
    assert f"{name}.docx: 无法导入" in run.output and expected in run.output, run.output
    assert run.seconds < 10 and run.peak_mb < 500, (run.seconds, run.peak_mb)
    # Nothing written at all (the importer strips "xx" from names, so no pattern would do).
    assert sorted(project.root.rglob("*")) == before


def test_imported_text_with_markup_shows_it_as_text(project: Project, tmp_path: Path, browser):
    source = tmp_path / "copied.txt"
    source.write_text(f"{SCRIPT}关于XX问题的通报\n\n正文{IMG}第一段。\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "import", str(source), "--type", "speech", "--unit", "XX市纪委监委"],
                            cwd=project.root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    path = project.root / result.stdout.strip().splitlines()[-1]
    text = path.read_text(encoding="utf-8")
    for key, value in {"date": "2024-03-05", "speaker": "市纪委书记", "occasion": "会议", "topics": "[警示教育]"}.items():
        text = __import__("re").sub(rf"^({key}:) .*【待填写.*$", rf"\1 {value}", text, flags=__import__("re").M)
    path.write_text(text, encoding="utf-8")
    project.build_ok("--strict")
    with serving(project.root / "site") as url:
        page = browser.new_page()
        page.goto(url + f"speeches/{path.stem}/")
        assert SCRIPT in page.locator("h1").first.inner_text()
        assert IMG in page.locator("article").inner_text()
        assert page.evaluate("window.__pwned || 0") == 0
        page.close()


def test_inline_script_on_an_exempt_page_is_still_refused(project: Project):
    project.write("mkdocs.yml", project.root.joinpath("mkdocs.yml").read_text(encoding="utf-8") + "      raw_html_exempt: [widget.md]\n")
    project.write("docs/widget.md", "---\ntitle: 小工具\n---\n\n<iframe src=\"../\" title=\"首页\"></iframe>\n")
    result = project.build()
    assert result.returncode == 0, result.stderr
    assert "widget.md：按 mkdocs.yml 中 raw_html_exempt 的设置，未检查该页面中的 HTML。" in result.stderr
    project.write("docs/widget.md", f"---\ntitle: 小工具\n---\n\n{SCRIPT}\n")
    result = project.build()
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "docs/widget.md: 页面中出现了主题之外的内嵌脚本" in result.stderr


def test_publish_refuses_hostile_content_and_keeps_the_live_site(portal: Project, tmp_path: Path):
    from test_publish import publish

    dest = tmp_path / "www"
    assert publish(portal, dest).returncode == 0
    live = {p: p.read_bytes() for p in (dest / "current").rglob("*") if p.is_file()}
    target = portal.root / "content/speeches/2024-eight-rules-deployment.md"
    target.write_text(target.read_text(encoding="utf-8") + f"\n{IMG}\n", encoding="utf-8")
    line = target.read_text(encoding="utf-8").count("\n")
    result = publish(portal, dest)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"content/speeches/2024-eight-rules-deployment.md:{line}: 字段“正文”应为允许的 HTML" in result.stderr
    assert {p: p.read_bytes() for p in (dest / "current").rglob("*") if p.is_file()} == live


def test_generated_blocks_pass_the_html_policy_for_generated_html():
    """The blocks the portal fills in are checked too: nothing in them may run code or load another site."""
    from qinglian.content.html_policy import check_html

    allowed = [
        '<section class="ql-x"><form action="../search/" role="search"><input name="q"><button>搜索</button></form></section>',
        '<script src="../assets/qinglian/quiz.js" defer></script>',
        '<style>@page { size: A4 landscape; margin: 8mm; }</style>',
        '<a href="webcal://127.0.0.1/calendar/feeds/all.ics">订阅</a><svg viewBox="0 0 10 10"><rect width="1"/></svg>',
    ]
    for html in allowed:
        assert check_html(html, generated=True) == [], html
    refused = [
        "<script>alert(1)</script>",
        '<script src="https://evil.example/x.js"></script>',
        '<script src="../x.js">alert(1)</script>',
        '<a href="javascript:alert(1)">x</a>',
        '<img src="x" onerror="alert(1)">',
        '<iframe src="../x"></iframe>',
        '<style>@import url(https://evil.example/x.css);</style>',
        '<form action="https://evil.example/">',
        '<base href="https://evil.example/">',
    ]
    for html in refused:
        assert check_html(html, generated=True), html
