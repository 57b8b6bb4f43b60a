"""Word and text files in the standard 公文 layout: 文号, a two-line title, 主送, body, 落款."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from conftest import Project

CASE_LINES = [
    ("中共XX县纪律检查委员会文件", ""),
    ("XX县纪发〔2019〕5号", ""),
    ("关于XX县交通运输局原副局长XX", ""),
    ("违规收受礼金问题的通报", ""),
    ("各乡镇纪委，县直各单位党组（党委）：", ""),
    ("近期，县纪委监委查处了一起违规收受礼金问题，现将有关情况通报如下。", ""),
    ("一、基本案情", "b"),
    ("经查，XX在担任县交通运输局副局长期间，多次收受管理服务对象所送礼金。", ""),
    ("二、处理情况", "b"),
    ("XX受到党内严重警告处分。", ""),
    ("三、工作要求", "b"),
    ("各单位要以案为鉴，严守纪律规矩，切实做到警钟长鸣。", "mixed"),
    ("中共XX县纪委", ""),
    ("2025年3月5日", ""),
    ("抄送：县委办公室。", ""),
]


def word_file(path: Path) -> Path:
    document = docx.Document()
    for text, style in CASE_LINES:
        paragraph = document.add_paragraph()
        if style == "mixed":
            paragraph.add_run("各单位要")
            emphasis = paragraph.add_run("以案为鉴")
            emphasis.bold = True
            paragraph.add_run("，严守纪律规矩，")
            slanted = paragraph.add_run("切实做到警钟长鸣")
            slanted.italic = True
            paragraph.add_run("。")
        else:
            run = paragraph.add_run(text)
            run.bold = style == "b"
    document.save(str(path))
    return path


def text_file(path: Path) -> Path:
    path.write_text("\n".join(text for text, _ in CASE_LINES) + "\n", encoding="gb18030")
    return path


def imported(project: Project, source: Path, *extra: str) -> tuple[Path, subprocess.CompletedProcess[str]]:
    result = subprocess.run(
        [sys.executable, "-m", "qinglian.cli", "import", str(source), "--type", "case", "--unit", "XX市纪委监委", *extra],
        cwd=project.root, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return project.root / result.stdout.strip().splitlines()[-1], result


@pytest.mark.parametrize("make", [word_file, text_file], ids=["docx", "gb18030-text"])
def test_an_official_document_keeps_its_frame_out_of_the_body(project: Project, tmp_path: Path, make):
    source = make(tmp_path / ("notice.docx" if make is word_file else "notice.txt"))
    path, result = imported(project, source)
    text = path.read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)
    # The title is the heading after the 文号, joined across its lines; the 文号 is a field of its own.
    assert 'title: "关于XX县交通运输局原副局长XX违规收受礼金问题的通报"' in front
    assert 'doc_number: "XX县纪发〔2019〕5号"' in front
    # The year is the document's own (its sign-off), never the 文号's 2019; no hash in the address.
    assert re.search(r'^date: "?2025-03-05"?  ', front, re.M)
    assert re.fullmatch(r"2025-(?:[a-z0-9]+-){2,5}[a-z0-9]+", path.stem), path.stem
    assert "2019" not in path.stem
    for gone in ("各乡镇纪委", "中共XX县纪委", "2025年3月5日", "抄送", "XX县纪发", "纪律检查委员会文件"):
        assert gone not in body, gone
    assert "## 一、基本案情" in body and "近期，县纪委监委查处了一起" in body
    assert "主送" in result.stderr and "落款" in result.stderr
    if make is word_file:
        assert "各单位要**以案为鉴**，严守纪律规矩，*切实做到警钟长鸣*。" in body
        assert "<strong>" not in body


def test_the_editor_may_name_the_file(project: Project, tmp_path: Path):
    path, _ = imported(project, word_file(tmp_path / "notice.docx"), "--name", "gift-money-notice")
    assert path.name == "2025-gift-money-notice.md"
    refused = subprocess.run(
        [sys.executable, "-m", "qinglian.cli", "import", str(tmp_path / "notice.docx"), "--type", "case", "--name", "礼金通报"],
        cwd=project.root, capture_output=True, text=True, timeout=120,
    )
    assert refused.returncode == 2 and "小写英文字母" in refused.stderr


def test_the_imported_case_builds_and_shows_its_number(project: Project, tmp_path: Path):
    path, _ = imported(project, word_file(tmp_path / "notice.docx"))
    text = path.read_text(encoding="utf-8")
    for field, value in (("topics", "[警示教育]"), ("discipline", "廉洁纪律"), ("outcome", "党内严重警告"), ("lessons", "[严守纪律规矩]")):
        text = re.sub(rf"^{field}: .*$", f"{field}: {value}", text, flags=re.M)
    path.write_text(text, encoding="utf-8")
    project.build_ok()
    page = project.html(f"cases/{path.stem}/index.html")
    assert "<dt>文号</dt><dd>XX县纪发〔2019〕5号</dd>" in page and "<strong>以案为鉴</strong>" in page
