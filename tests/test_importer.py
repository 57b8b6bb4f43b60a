"""`qinglian import`, `qinglian new` and the content checks editors run before a commit."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest
import yaml
from docx.shared import Pt

from conftest import Project, serving
from qinglian.importer.sources import read_source

SAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "samples"

TITLE = "XX市纪委书记在全市警示教育大会上的讲话"
# Every Markdown metacharacter an original may contain, and the placeholders offices use.
TRICKY = "对**同志、XX、***、＊＊的称呼，以及 _下划线_、#井号、[方括号]、`反引号`、<b>尖括号</b> 和 {花括号} 均原样显示。"
ORIGINAL = [
    TITLE,
    "同志们：",
    "今天召开全市警示教育大会，主要任务是通报典型案件、深化以案促改。",
    "一、深刻认识警示教育的重要意义",
    "警示教育是全面从严治党的重要手段。" + TRICKY,
    "（一）正视问题",
    "一是提高政治站位，统一思想认识。全体干部要把纪律挺在前面。",
    "二是压实工作责任。各单位主要负责同志要亲自抓。",
    "1．建立问题清单，逐项整改。",
    "2. 完善制度机制，堵塞漏洞。",
    "二、扎实推进以案促改",
    "要把案件资源转化为教育资源##廉政##，推动标本兼治。",
    "+ 加号开头的句子、> 大于号开头的句子和 - 减号开头的句子也不变成列表或引用。",
]


def run(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qinglian.cli", *args], cwd=project.root, capture_output=True, text=True, timeout=120)


def office_docx(path: Path) -> Path:
    """A Word file typed the way offices type it: direct formatting, no heading styles."""
    document = docx.Document()
    for text in ORIGINAL:
        paragraph = document.add_paragraph()
        if text == TITLE:
            run_ = paragraph.add_run(text)
            run_.font.name, run_.font.size = "方正小标宋简体", Pt(22)
        elif text.startswith(("一、", "二、")):
            paragraph.add_run(text).font.name = "黑体"
        elif text.startswith("（一）"):
            paragraph.add_run(text).font.name = "楷体_GB2312"
        elif text.startswith(("一是", "二是")):
            lead, rest = text.split("。", 1)
            paragraph.add_run(lead + "。").bold = True
            paragraph.add_run(rest).font.name = "仿宋_GB2312"
        else:
            paragraph.add_run(text).font.name = "仿宋_GB2312"
        document.add_paragraph()  # offices leave empty paragraphs between blocks
    document.save(str(path))
    return path


def styled_docx(path: Path) -> Path:
    """A Word file that does use the Title and Heading styles."""
    document = docx.Document()
    for text in ORIGINAL:
        if text == TITLE:
            document.add_paragraph(text, style="Title")
        elif text.startswith(("一、", "二、")):
            document.add_paragraph(text, style="Heading 1")
        elif text.startswith("（一）"):
            document.add_paragraph(text, style="Heading 2")
        else:
            document.add_paragraph(text)
    document.save(str(path))
    return path


def text_file(path: Path, encoding: str, newline: str) -> Path:
    path.write_bytes((newline.join(ORIGINAL) + newline).encode(encoding))
    return path


def imported(project: Project, source: Path, *extra: str) -> tuple[Path, str]:
    result = run(project, "import", str(source), "--type", "speech", "--unit", "XX市纪委监委", *extra)
    assert result.returncode == 0, result.stderr
    path = project.root / result.stdout.strip().splitlines()[-1]
    return path, result.stderr


def fill_placeholders(path: Path, **values: str) -> None:
    """Do what an editor does: replace each 【待填写…】 value with a real one."""
    text = path.read_text(encoding="utf-8")
    for key, value in values.items():
        text = re.sub(rf"^(\s*-?\s*{key}:) .*【待填写.*$", rf"\1 {value}", text, flags=re.M)
    path.write_text(text, encoding="utf-8")


def body_of(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[1]


@pytest.mark.parametrize("maker", [office_docx, styled_docx], ids=["direct-formatting", "heading-styles"])
def test_docx_structure_and_escaping(project: Project, tmp_path: Path, maker):
    path, warnings = imported(project, maker(tmp_path / "讲话.docx"))
    front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert front["title"] == TITLE
    assert front["speaker"] == "市纪委书记" and front["occasion"] == "全市警示教育大会"
    body = body_of(path)
    assert "\n## 一、深刻认识警示教育的重要意义\n" in body
    assert "\n### （一）正视问题\n" in body
    assert "\n## 二、扎实推进以案促改\n" in body
    assert "**一是提高政治站位，统一思想认识。**全体干部要把纪律挺在前面。" in body
    assert "\n1．建立问题清单，逐项整改。\n" in body and "\n2\\. 完善制度机制，堵塞漏洞。\n" in body
    assert "对\\*\\*同志、XX、\\*\\*\\*、＊＊的称呼，以及 \\_下划线\\_、\\#井号、\\[方括号\\]、\\`反引号\\`、&lt;b>尖括号&lt;/b> 和 \\{花括号\\}" in body
    assert "\n\\+ 加号开头的句子" in body
    assert "##廉政##" not in body and "教育资源，推动标本兼治。" in body
    assert re.search(r"警告  .*:\d+: 第 \d+ 段删除了网页残留标记“##廉政##”", warnings)


@pytest.mark.parametrize(
    ("encoding", "newline"), [("utf-8", "\n"), ("utf-8-sig", "\n"), ("gb18030", "\r\n"), ("utf-8-sig", "\r\n")],
    ids=["utf8-lf", "bom-lf", "gb18030-crlf", "bom-crlf"],
)
def test_text_files_in_every_encoding_give_the_same_document(project: Project, tmp_path: Path, encoding: str, newline: str):
    reference, _ = imported(project, text_file(tmp_path / "a.txt", "utf-8", "\n"), "--out", str(tmp_path / "reference"))
    path, warnings = imported(project, text_file(tmp_path / "b.txt", encoding, newline), "--out", str(tmp_path / "other"))
    assert body_of(path) == body_of(reference)
    assert "\r" not in path.read_text(encoding="utf-8")
    assert "b.txt:12: 第 12 行删除了网页残留标记“##廉政##”" in warnings


def visible_article_text(page, url: str) -> str:
    page.goto(url, wait_until="networkidle")
    return page.locator("article").inner_text()


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.browser
@pytest.mark.parametrize("maker", [office_docx, styled_docx], ids=["direct-formatting", "heading-styles"])
def test_nothing_is_lost_on_the_rendered_page(project: Project, tmp_path: Path, browser, maker):
    path, _ = imported(project, maker(tmp_path / "讲话.docx"))
    fill_placeholders(path, date="2024-03-05", topics="[警示教育]")
    project.build_ok("--strict")
    page = browser.new_page()
    with serving(project.root / "site") as url:
        text = visible_article_text(page, f"{url}speeches/{path.stem}/")
        page.screenshot(path=str(tmp_path / "imported.png"), full_page=True)
    page.close()
    original = squeeze("".join(ORIGINAL[1:]).replace("##廉政##", ""))
    assert squeeze(TITLE) in squeeze(text)
    assert original in squeeze(text), "the body must appear whole and in order"


def test_import_never_overwrites_without_force(project: Project, tmp_path: Path):
    source = text_file(tmp_path / "a.txt", "utf-8", "\n")
    path, _ = imported(project, source)
    path.write_text(path.read_text(encoding="utf-8") + "\n编辑加的一句。\n", encoding="utf-8")
    again = run(project, "import", str(source), "--type", "speech")
    assert again.returncode == 1 and "已存在，没有覆盖" in again.stderr
    assert "编辑加的一句" in path.read_text(encoding="utf-8")
    forced = run(project, "import", str(source), "--type", "speech", "--force")
    assert forced.returncode == 0 and "编辑加的一句" not in path.read_text(encoding="utf-8")
    assert re.fullmatch(r"undated-[a-z0-9-]+", path.stem)


def test_unreadable_inputs_are_explained(project: Project, tmp_path: Path):
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "broken.docx").write_bytes(b"not a zip")
    (tmp_path / "latin.txt").write_bytes(bytes(range(0x80, 0x100)))
    result = run(project, "import", str(tmp_path / "old.doc"), str(tmp_path / "broken.docx"), str(tmp_path / "latin.txt"), "--type", "case")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "另存为” .docx" in result.stderr and "不是有效的 Word" in result.stderr and "无法识别的文本编码" in result.stderr


def test_check_rejects_placeholders_until_filled(project: Project, tmp_path: Path):
    path, _ = imported(project, text_file(tmp_path / "a.txt", "utf-8", "\n"))
    relative = path.relative_to(project.root).as_posix()
    result = run(project, "check")
    assert result.returncode == 1
    assert f"{relative}:5: 字段“date”应为填写完整的内容，实际为导入或模板留下的占位符“【待填写：发布日期】”" in result.stdout
    assert f"{relative}:7: 字段“topics[1]”" in result.stdout
    fill_placeholders(path, date="2024-03-05", topics="[警示教育]")
    assert run(project, "check").returncode == 0


@pytest.mark.parametrize("kind", ["speech", "case", "plan", "quiz", "regulation"])
def test_new_documents_list_every_field(project: Project, kind: str):
    from qinglian.content.collections import COLLECTIONS
    from qinglian.importer.metadata import KINDS

    result = run(project, "new", kind, "新建的文档")
    assert result.returncode == 0, result.stderr
    path = project.root / result.stdout.strip()
    text = path.read_text(encoding="utf-8")
    assert path.parent.name == KINDS[kind]
    for key in COLLECTIONS[KINDS[kind]][1].fields:
        # The address comes from the file name; pools are rare; pass_score is pass_mark under an exam's name.
        if key not in ("slug", "draw", "multiple_scoring", "pass_score"):
            assert re.search(rf"^#? ?{key}: .*# ", text, re.M), key
    checked = run(project, "check", str(path))
    assert checked.returncode == 1 and "【待填写" in checked.stdout


def test_new_document_passes_once_filled(project: Project):
    path = project.root / run(project, "new", "case", "XX局干部XX违规收受礼金问题的通报").stdout.strip()
    fill_placeholders(
        path, date="2024-04-01", unit="XX市纪委监委", topics="[警示教育]", discipline="廉洁纪律", outcome="党内警告"
    )
    text = path.read_text(encoding="utf-8").replace('lessons: ["【待填写：警示要点】"]', "lessons: [收受礼金必被查处]")
    path.write_text(text, encoding="utf-8")
    # The body's sections are placeholders too: a scaffold left as it is never goes live.
    unfinished = run(project, "check")
    assert unfinished.returncode == 1 and "字段“正文”应为填写完整的内容" in unfinished.stdout and "【待填写：基本案情】" in unfinished.stdout
    for section in ("基本案情", "处理情况", "案件警示"):
        text = text.replace(f"【待填写：{section}】", f"{section}的具体内容。")
    path.write_text(text, encoding="utf-8")
    result = run(project, "check")
    assert result.returncode == 0, result.stdout


ID_VALID = "11010519491231002X"  # the standard's own example, check digit X
ID_BAD_CHECK = "110105194912310021"


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        (f"当事人身份证号{ID_VALID}。", "身份证号码 110***********002X"),
        (f"编号{ID_BAD_CHECK}不是身份证号。", None),
        ("联系电话 13912345678。", "手机号码 139****5678"),
        ("举报电话 12388，座机 010-12345678。", None),
        ("示例号码 13912345678 <!-- qinglian-allow -->", None),
    ],
    ids=["id-card", "bad-check-digit", "mobile", "hotline", "allowed"],
)
def test_personal_data_is_an_error_unless_allowed(project: Project, line: str, flagged: str | None):
    text = (project.root / "content/speeches/2024-warning.md").read_text(encoding="utf-8")
    project.write("content/speeches/2024-warning.md", text.replace("讲话正文。", line))
    result = run(project, "check", "--format", "json")
    problems = yaml.safe_load(result.stdout)["problems"]
    if flagged is None:
        assert problems == [] and result.returncode == 0
    else:
        assert result.returncode == 1
        assert [(p["line"], p["found"]) for p in problems] == [(14, flagged)]
        assert ID_VALID not in result.stdout and "13912345678" not in result.stdout


def test_check_paths_limit_the_report(project: Project):
    project.write("content/cases/2024-bad.md", "---\ntitle: 坏文档\n---\n")
    everything = run(project, "check")
    only_speeches = run(project, "check", "content/speeches")
    assert everything.returncode == 1 and "content/cases/2024-bad.md" in everything.stdout
    assert only_speeches.returncode == 0 and "content/cases/2024-bad.md" not in only_speeches.stdout


def test_pre_commit_hook_definition():
    hooks = yaml.safe_load((Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "qinglian-check" and hook["entry"] == "qinglian check" and hook["language"] == "python"
    assert re.match(hook["files"], "content/speeches/2024-x.md") and not hook["pass_filenames"]


# The real-world originals in ../shared/samples


SAMPLE_KINDS = {
    "speech-warning-education.txt": "speech",
    "speech-warning-education.docx": "speech",
    "work-points-2023.txt": "plan",
    "work-points-2023.gb18030.txt": "plan",
}


@pytest.mark.browser
@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples is not on this machine")
@pytest.mark.parametrize("name", sorted(SAMPLE_KINDS))
def test_samples_import_check_and_render(project: Project, tmp_path: Path, browser, name: str):
    kind = SAMPLE_KINDS[name]
    result = run(project, "import", str(SAMPLES / name), "--type", kind, "--unit", "XX市纪委监委")
    assert result.returncode == 0, result.stderr
    path = project.root / result.stdout.strip()
    fill_placeholders(path, date="2023-03-05", topics="[警示教育]", speaker="市纪委书记", topic="学习工作要点", form="集中学习")
    if kind == "plan":
        fill_placeholders(path, date="2023-03-05")  # the session's date, on its own line
    checked = run(project, "check")
    assert checked.returncode == 0, checked.stdout
    project.build_ok("--strict")
    page = browser.new_page()
    with serving(project.root / "site") as url:
        text = visible_article_text(page, f"{url}{path.parent.name}/{path.stem}/")
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    page.close()
    paragraphs = [p.text for p in read_source(SAMPLES / name)]
    assert squeeze("".join(paragraphs[1:])) in squeeze(text)
