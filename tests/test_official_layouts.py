"""公文 layouts as offices send them, made with python-docx: what the importer takes into the front matter and leaves out of the body.

These fixtures stand in for real originals wherever ``../shared/samples`` is absent (CI): every
layout is written here, each with its masthead, 文号, title lines, 主送, 附件, 落款, 印章 and 版记.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from qinglian.importer.command import convert


@dataclass
class Layout:
    lines: list[str]
    title: str
    doc_number: str | None
    date: dt.date | None
    first: str
    last: str
    distribution: str | None = None
    left_out: list[str] = field(default_factory=list)


BODY = ["近期，XX单位发生一起违反中央八项规定精神问题。", "一、基本情况", "20XX年X月，XX违规接受宴请。", "二、有关要求", "各级党组织要引以为戒。"]

LAYOUTS = {
    "one organ with 文件": Layout(
        ["XX市纪委监委文件", "XX纪发〔2026〕3号", "关于XX违规接受宴请问题的通报", "各县（市、区）纪委监委：", *BODY, "XX市纪委监委", "2026年3月5日"],
        "关于XX违规接受宴请问题的通报", "XX纪发〔2026〕3号", dt.date(2026, 3, 5), BODY[0], BODY[-1],
        left_out=["版头“XX市纪委监委文件”", "主送", "落款“XX市纪委监委”"]),
    "joint masthead without 文件 (the reported one)": Layout(
        ["中共XX市纪律检查委员会", "XX市监察委员会", "XX纪发〔2026〕12号", "关于XX局原副局长XX", "严重违纪违法问题的通报",
         "各县（市、区）纪委监委，市纪委监委各派驻纪检监察组：", *BODY, "中共XX市纪律检查委员会", "XX市监察委员会", "2026年4月1日"],
        "关于XX局原副局长XX严重违纪违法问题的通报", "XX纪发〔2026〕12号", dt.date(2026, 4, 1), BODY[0], BODY[-1],
        left_out=["版头“中共XX市纪律检查委员会”", "版头“XX市监察委员会”", "落款“中共XX市纪律检查委员会”", "落款“XX市监察委员会”"]),
    "joint masthead with 文件 on its own line": Layout(
        ["中共XX县纪律检查委员会", "XX县监察委员会", "文件", "X纪发[2026]7号", "关于开展警示教育月活动的通知", "各乡镇纪委：", *BODY,
         "中共XX县纪律检查委员会", "XX县监察委员会", "2026年5月8日"],
        "关于开展警示教育月活动的通知", "X纪发[2026]7号", dt.date(2026, 5, 8), BODY[0], BODY[-1]),
    "title over four lines": Layout(
        ["XX市纪委监委文件", "XX纪发〔2026〕21号", "关于XX区XX局", "原党组书记、局长XX", "严重违纪违法", "问题的通报", "各县（市、区）纪委监委：",
         *BODY, "XX市纪委监委", "2026年6月2日"],
        "关于XX区XX局原党组书记、局长XX严重违纪违法问题的通报", "XX纪发〔2026〕21号", dt.date(2026, 6, 2), BODY[0], BODY[-1]),
    "附件 notes and a seal": Layout(
        ["XX市纪委监委文件", "XX纪发〔2026〕30号", "关于印发典型案例的通知", "各县（市、区）纪委监委：", *BODY,
         "附件：1.典型案例汇编", "2.案件情况统计表", "XX市纪委监委", "（印章）", "2026年7月1日"],
        "关于印发典型案例的通知", "XX纪发〔2026〕30号", dt.date(2026, 7, 1), BODY[0], BODY[-1],
        left_out=["附件说明“附件：1.典型案例汇编”", "印章“（印章）”"]),
    "发文范围, 抄送 and 印发": Layout(
        ["XX市纪委监委文件", "XX纪发〔2026〕33号", "关于XX问题的通报", "各县（市、区）纪委监委：", *BODY, "XX市纪委监委", "2026年8月3日",
         "（此件发至县处级）", "抄送：XX市委办公室。", "XX市纪委监委办公室　　2026年8月3日印发"],
        "关于XX问题的通报", "XX纪发〔2026〕33号", dt.date(2026, 8, 3), BODY[0], BODY[-1], distribution="此件发至县处级",
        left_out=["版记“抄送：XX市委办公室。”", "发文范围“（此件发至县处级）”（已写入“发文范围”字段）"]),
    "date in Chinese numerals": Layout(
        ["XX县纪委监委文件", "X纪〔2026〕2号", "关于XX问题的通报", "各乡镇纪委：", *BODY, "XX县纪委监委", "二〇二六年一月九日"],
        "关于XX问题的通报", "X纪〔2026〕2号", dt.date(2026, 1, 9), BODY[0], BODY[-1]),
    "a speech, no frame": Layout(
        ["在全市警示教育大会上的讲话", "同志们：", *BODY],
        "在全市警示教育大会上的讲话", None, None, "同志们：", BODY[-1]),
    "no 文号, a title and 主送": Layout(
        ["关于做好节日期间纪律作风监督的通知", "各县（市、区）纪委监委：", *BODY, "XX市纪委监委", "2026年9月20日"],
        "关于做好节日期间纪律作风监督的通知", None, dt.date(2026, 9, 20), BODY[0], BODY[-1]),
}


def _docx(path: Path, lines: list[str]) -> Path:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))
    return path


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_an_official_layout_is_taken_apart(tmp_path: Path, name: str):
    layout = LAYOUTS[name]
    converted = convert(_docx(tmp_path / "公文.docx", layout.lines), "case", "XX市纪委监委", [])
    values = converted.values
    assert values["title"] == layout.title
    assert values["doc_number"] == layout.doc_number
    assert values.get("distribution") == layout.distribution
    if layout.date is not None:
        assert values["date"] == layout.date
    body = converted.markdown
    assert layout.first in body and layout.last in body
    # Nothing of the frame stays in the body.
    for line in layout.lines:
        if line not in BODY and line != "同志们：" and line != layout.lines[0] or (layout.doc_number and line == layout.lines[0]):
            if line not in (layout.first, layout.last):
                assert line not in body, (line, body)
    report = "\n".join(converted.notices)
    for item in layout.left_out:
        if item == "主送":
            assert "识别出主送" in report
        else:
            assert f"识别出{item}" in report, report
