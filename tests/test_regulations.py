"""党纪法规: recognising articles, validating citations, links both ways, import, search to the article."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from conftest import Project, serving
from qinglian.structure.regulation import chinese_number, chinese_numeral, normalise_anchor, parse_regulation

REGULATION = """\
---
title: XX市测试廉洁规定
issuer: XX市纪委监委
adopted: 2023-03-01
effective: 2023-04-01
topics: [警示教育]
---

（2023年3月1日通过）

第一章　总则

第一条　为了测试，制定本规定。

第二条　本规定适用于测试对象。

第二款写在这里。

第二章　具体要求

第一节　一般规定

第三条　不得收受礼金。

第四条　不得接受宴请。

第二节　附加规定

第五条　不得出入私人会所。
"""

CASE = """\
---
title: XX违规收受礼金问题的通报
date: 2024-03-05
unit: XX市纪委监委
topics: [警示教育]
discipline: 廉洁纪律
outcome: 党内警告
lessons:
  - 小节不守，大节难保。
basis:
  - regulation: regulations/2023-test-rules
    articles: [{articles}]
---

## 基本案情

案情。
"""


def test_chinese_numerals_round_trip():
    for number in (*range(1, 130), 150, 200, 1000, 1010, 1100):
        assert chinese_number(chinese_numeral(number)) == number
    assert chinese_numeral(28) == "二十八" and chinese_numeral(105) == "一百零五" and chinese_numeral(10) == "十"
    assert normalise_anchor("第28条") == "第二十八条" and normalise_anchor("第3章") == "第三章"


def test_structure_is_recognised_from_the_text():
    text = parse_regulation(REGULATION.split("---\n", 2)[2], 8)
    assert text.problems == []
    assert [c.label + c.title for c in text.chapters] == ["第一章总则", "第二章具体要求"]
    assert [a.anchor for a in text.articles] == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    assert text.article("第二条").paragraphs == ["本规定适用于测试对象。", "第二款写在这里。"]
    assert text.article("第五条").section.label == "第二节" and text.article("第五条").chapter.label == "第二章"
    assert text.preamble == ["（2023年3月1日通过）"]
    assert text.article("第三条").line == 23


@pytest.mark.parametrize(
    ("body", "line", "found"),
    [
        ("第一条　甲。\n\n第三条　丙。\n", 3, "第三条，跳号或顺序颠倒；上一条是第一条"),
        ("第一条　甲。\n\n第二条　乙。\n\n第二条　又一个乙。\n", 5, "第二条，重复"),
        ("第一条　甲。\n\n第三条　丙。\n\n第二条　乙。\n", 3, "跳号"),
        ("第一章　总则\n\n第一条　甲。\n\n第三章　附则\n\n第二条　乙。\n", 5, "第三章"),
        ("说明文字，没有条文。\n", 1, "没有条文"),
    ],
    ids=["gap", "duplicate", "out-of-order", "chapter-gap", "no-articles"],
)
def test_numbering_problems_name_the_line(body: str, line: int, found: str):
    problems = parse_regulation(body, 1).problems
    assert problems and problems[0].line == line and found in problems[0].found, problems


def test_article_numbers_beyond_9999_or_malformed_are_problems_not_crashes(project: Project, tmp_path: Path):
    with pytest.raises(ValueError):
        chinese_number("五千六千")
    assert normalise_anchor("第12000条") == "第12000条"
    many = "\n\n".join(f"第{chinese_numeral(number)}条　内容。" for number in range(1, 10000))
    problems = parse_regulation(many + "\n\n第九千九百九十九条　第一万条的位置。\n", 1).problems
    assert problems[0].line == 2 * 9999 + 1 and "第10000条（超过了第九千九百九十九条）" in problems[0].expected
    body = "第一条　甲。\n\n第五千六千条　乙。\n"
    source = tmp_path / "rules.txt"
    source.write_text("XX市测试规定\n" + body, encoding="utf-8")
    project.write("content/regulations/2023-test-rules.md", REGULATION.split("第一章")[0] + body)
    line = REGULATION.split("第一章")[0].count("\n") + 3
    for command in (["check"], ["import", str(source), "--type", "regulation", "--out", str(tmp_path / "out")]):
        result = subprocess.run([sys.executable, "-m", "qinglian.cli", *command], cwd=project.root, capture_output=True, text=True, timeout=60)
        assert "Traceback" not in result.stderr and "第五千六千条" in result.stdout + result.stderr, result.stderr
    built = project.build()
    assert built.returncode != 0 and "Traceback" not in built.stderr
    assert f"content/regulations/2023-test-rules.md:{line}: 字段“正文”应为规范的中文编号，从第一条到第九千九百九十九条，实际为第五千六千条" in built.stderr


def regulation_project(project: Project, articles: str = "第三条, 第四条") -> Project:
    project.write("content/regulations/2023-test-rules.md", REGULATION)
    project.write("content/cases/2024-gift.md", CASE.format(articles=articles))
    return project


def test_regulation_page_articles_and_back_links(project: Project):
    regulation_project(project)
    project.write("content/cases/2024-banquet.md", CASE.format(articles="第四条").replace("收受礼金", "接受宴请"))
    project.build_ok("--strict")
    page = project.html("regulations/2023-test-rules/index.html")
    ids = re.findall(r'<div class="ql-article" id="([^"]+)"', page)
    assert ids == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    assert '<span class="ql-anchor" id="第二章"></span>' in page
    article_four = page.split('id="第四条"')[1].split('class="ql-article"')[0]
    assert "引用本条的案例（2）" in article_four
    assert "XX违规接受宴请问题的通报" in article_four and "XX违规收受礼金问题的通报" in article_four
    assert "案例引用最多的条款" in page and page.index('href="#第四条"') < page.index('href="#第三条"')
    case = project.html("cases/2024-gift/index.html")
    assert "处理依据" in case and "《XX市测试廉洁规定》" in case
    assert 'href="../../regulations/2023-test-rules/#第三条"' in case and 'data-preview="不得收受礼金。"' in case
    listing = project.html("regulations/index.html")
    assert "共 5 条" in listing


def test_anchors_stay_when_the_text_is_edited(project: Project):
    regulation_project(project)
    project.build_ok()
    anchors = re.compile(r'id="(第[^"]+?[条章])"')
    before = anchors.findall(project.html("regulations/2023-test-rules/index.html"))
    assert len(before) == 7
    edited = REGULATION.replace("不得收受礼金。", "不得收受礼金、消费卡和有价证券，也不得以其他方式变相收受。")
    project.write("content/regulations/2023-test-rules.md", edited.replace("第二节　附加规定", "第二节　其他规定"))
    project.build_ok()
    assert anchors.findall(project.html("regulations/2023-test-rules/index.html")) == before


@pytest.mark.parametrize(
    ("articles", "found", "hint"),
    [
        ("第三条, 第九条", "“第九条”，该法规没有这一条", "最接近的是“第五条”"),
        ("第三条, 第三十条", "“第三十条”，该法规没有这一条", "该法规共 2 章 5 条（第一条至第五条）"),
    ],
    ids=["missing-article", "beyond-the-last"],
)
def test_citation_of_a_missing_article_names_file_line_and_field(project: Project, articles: str, found: str, hint: str):
    regulation_project(project, articles)
    result = project.build()
    assert result.returncode != 0 and "Traceback" not in result.stderr
    line = next(i for i, text in enumerate(CASE.splitlines(), start=1) if "articles:" in text)
    message = next(m for m in result.stderr.splitlines() if "content/cases/2024-gift.md" in m)
    assert f"content/cases/2024-gift.md:{line}: 字段“basis[1].articles[" in message
    assert found in message and hint in message


def test_articles_may_be_cited_in_arabic_numerals(project: Project):
    regulation_project(project, "第3条")
    project.build_ok("--strict")
    assert ">第三条<" in project.html("cases/2024-gift/index.html")


def test_readings_and_sources_point_at_existing_articles_and_chapters(project: Project):
    regulation_project(project)
    plan = """\
---
title: 测试学习计划
date: 2024-01-05
unit: XX市纪委监委
year: 2024
topics: [警示教育]
sessions:
  - date: 2024-03-15
    topic: 学习第二章
    form: 集中学习
    readings:
      - regulations/2023-test-rules#第二章
      - regulations/2023-test-rules#第九章
      - regulations/2023-test-rules#第2章
---

计划。
"""
    project.write("content/plans/2024-plan.md", plan)
    result = project.build()
    assert result.returncode != 0
    assert "content/plans/2024-plan.md:13: 字段“sessions[1].readings[2]”应为regulations/2023-test-rules 中已有的条或章" in result.stderr
    assert "“#第九章”" in result.stderr and "该法规共 2 章" in result.stderr
    assert "content/plans/2024-plan.md:14: 字段“sessions[1].readings[3]”" in result.stderr and "请写作“第二章”" in result.stderr
    project.write("content/plans/2024-plan.md", plan.replace("      - regulations/2023-test-rules#第九章\n", "").replace("      - regulations/2023-test-rules#第2章\n", ""))
    project.build_ok("--strict", build_date="2024-03-10")
    page = project.html("regulations/2023-test-rules/index.html")
    assert "本章列入学习安排" in page.split('id="第二章"')[1].split("第三条")[0]


def test_citing_a_draft_regulation_is_an_error(project: Project):
    regulation_project(project)
    project.write("content/regulations/2023-test-rules.md", REGULATION.replace("topics: [警示教育]", "topics: [警示教育]\ndraft: true"))
    result = project.build()
    assert result.returncode != 0 and "该文档是草稿" in result.stderr


def test_numbering_errors_stop_the_build_with_the_line(project: Project):
    project.write("content/regulations/2023-test-rules.md", REGULATION.replace("第四条", "第六条"))
    result = project.build()
    assert result.returncode != 0
    assert "content/regulations/2023-test-rules.md:25: 字段“正文”应为第四条（条在全文中连续编号），实际为第六条，跳号或顺序颠倒；上一条是第三条" in result.stderr


SOURCE_LINES = [
    "XX市机关食堂管理廉洁规定",
    "（2024年2月1日XX市纪委监委会议通过，自2024年3月1日起施行）",
    "第一章　总则",
    "第一条　为了规范机关食堂管理，制定本规定。",
    "第二条　本规定适用于市直机关食堂。",
    "第二章　管理要求",
    "第三条　食堂不得对外承接宴请，A&B <注> 等字样照录。",
    "第四条　食材采购实行公开比选。",
    "采购记录保存三年。",
    "第五条　本规定自2024年3月1日起施行。",
]


def imported_regulation(project: Project, source: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "qinglian.cli", "import", str(source), "--type", "regulation", "--unit", "XX市纪委监委"],
        cwd=project.root, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "识别出 2 章 5 条" in result.stderr
    return (project.root / result.stdout.strip().splitlines()[-1]).read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_import_keeps_every_character_and_article_of_a_text_file(project: Project, tmp_path: Path, encoding: str):
    source = tmp_path / "规定.txt"
    source.write_bytes("\r\n".join(SOURCE_LINES).encode(encoding))
    text = imported_regulation(project, source)
    front, body = text.split("\n---\n", 1)
    assert "adopted: 2024-02-01" in front and "effective: 2024-03-01" in front and 'issuer: "XX市纪委监委"' in front
    assert 'title: "XX市机关食堂管理廉洁规定"' in front
    restored = [line.replace("&lt;", "<").replace("&amp;", "&") for line in body.split("\n") if line.strip()]
    assert restored == SOURCE_LINES[1:]


def test_import_of_a_word_regulation_reports_numbering_with_the_paragraph(project: Project, tmp_path: Path):
    import docx

    document = docx.Document()
    for line in SOURCE_LINES[:7] + SOURCE_LINES[8:]:  # 第四条 left out: 第五条 follows 第三条
        document.add_paragraph(line)
    path = tmp_path / "规定.docx"
    document.save(str(path))
    result = subprocess.run(
        [sys.executable, "-m", "qinglian.cli", "import", str(path), "--type", "regulation", "--unit", "XX市纪委监委"],
        cwd=project.root, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "第 9 段应为第四条（条在全文中连续编号），实际为第五条" in result.stderr
    body = (project.root / result.stdout.strip().splitlines()[-1]).read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert "采购记录保存三年。" in body and "第三条　食堂不得对外承接宴请，A&amp;B &lt;注> 等字样照录。" in body


@pytest.mark.browser
def test_search_leads_to_the_article_with_the_words_marked(browser, example_site: Path, tmp_path: Path):
    with serving(example_site) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url + "search/?q=" + quote("工程承包、物资采购"), wait_until="networkidle")
        first = page.locator(".ql-search-page__results .ql-result__link").first
        first.wait_for()
        assert "第二十八条" in first.inner_text()
        href = unquote(first.get_attribute("href"))
        assert href.endswith("#第二十八条") and "?q=" in href
        first.click()
        page.wait_for_load_state("networkidle")
        marked = page.locator("[id='第二十八条'] mark.ql-hit")
        assert marked.count() >= 1
        assert marked.first.is_visible() and marked.first.evaluate("m => { const r = m.getBoundingClientRect(); return r.top > 0 && r.bottom < innerHeight; }")
        page.screenshot(path=str(tmp_path / "article-search.png"))
        page.close()


def test_links_in_text_to_missing_articles_are_errors(project: Project):
    regulation_project(project)
    project.write("content/speeches/2024-warning.md", project.root.joinpath("content/speeches/2024-warning.md").read_text(encoding="utf-8")
                  + "\n依照[第三条](../regulations/2023-test-rules.md#第三条)和[第八条](../regulations/2023-test-rules.md#第八条)处理。\n")
    result = project.build()
    assert result.returncode != 0
    line = project.root.joinpath("content/speeches/2024-warning.md").read_text(encoding="utf-8").count("\n")
    assert f"content/speeches/2024-warning.md:{line}: 字段“正文中的链接”应为regulations/2023-test-rules 中已有的条或章" in result.stderr
    assert "“#第八条”" in result.stderr and "“#第三条”" not in result.stderr


def test_case_charts_are_svg_with_a_data_table(project: Project):
    regulation_project(project)
    project.write("content/cases/2025-other.md", CASE.format(articles="第四条").replace("2024-03-05", "2025-01-09").replace("廉洁纪律", "群众纪律"))
    project.build_ok("--strict")
    page = project.html("cases/index.html")
    assert page.count('<svg class="ql-chart__svg"') == 2
    assert "<title id=\"ql-chart-cases-discipline-svg-title\">案例按违反的纪律分类：政治纪律 0 个；组织纪律 0 个；廉洁纪律 1 个；群众纪律 1 个" in page
    assert '<th scope="row">2024年</th><td>1</td>' in page and '<th scope="row">2025年</th><td>1</td>' in page
    assert 'role="img"' in page and "http" not in page.split('<svg class="ql-chart__svg"')[1].split("</svg>")[0].replace("http://www.w3.org", "")
    assert page.count('<svg class="ql-chart__svg"') == project.html("archive/index.html").count('<svg class="ql-chart__svg"')
    regulation = project.html("regulations/2023-test-rules/index.html")
    assert "各章被案例引用的次数" in regulation and '<th scope="row">第二章 具体要求</th><td>3</td>' in regulation


@pytest.mark.browser
def test_copy_link_puts_the_articles_address_on_the_clipboard(browser, example_site: Path):
    with serving(example_site) as url:
        context = browser.new_context()
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
        page = context.new_page()
        page.goto(url + "regulations/2023-organ-staff-integrity/", wait_until="networkidle")
        button = page.get_by_role("button", name="复制链接：第二十八条")
        button.click()
        page.wait_for_function("document.getElementById('ql-copy-status').textContent.indexOf('已复制') === 0")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert unquote(copied) == url + "regulations/2023-organ-staff-integrity/#第二十八条"
        page.goto(copied, wait_until="networkidle")
        assert page.locator("[id='第二十八条']").evaluate("e => getComputedStyle(e).borderLeftStyle") == "solid"
        context.close()


def test_a_revised_regulation_links_to_its_newer_version(project: Project):
    regulation_project(project)
    old = REGULATION.replace("title: XX市测试廉洁规定", "title: XX市测试廉洁规定（2020年版）").replace("adopted: 2023-03-01", "adopted: 2020-03-01")
    project.write("content/regulations/2020-test-rules.md", old.replace("topics: [警示教育]", "topics: [警示教育]\nstatus: 已修订"))
    result = project.build()
    assert result.returncode != 0 and "content/regulations/2020-test-rules.md" in result.stderr and "replaced_by" in result.stderr
    project.write("content/regulations/2020-test-rules.md",
                  old.replace("topics: [警示教育]", "topics: [警示教育]\nstatus: 已修订\nreplaced_by: regulations/2023-test-rules"))
    project.build_ok("--strict")
    page = project.html("regulations/2020-test-rules/index.html")
    assert "已修订，" in page and 'href="../2023-test-rules/">见新版本《XX市测试廉洁规定》</a>' in page


def test_a_long_regulation_keeps_a_usable_table_of_contents(project: Project):
    chapters = []
    number = 1
    for chapter in range(1, 9):
        articles = "\n\n".join(f"第{chinese_numeral(n)}条　第{n}条的内容。" for n in range(number, number + 20))
        chapters.append(f"第{chinese_numeral(chapter)}章　第{chapter}章标题\n\n{articles}")
        number += 20
    project.write("content/regulations/2023-long-rules.md", REGULATION.split("---\n\n", 1)[0] + "---\n\n" + "\n\n".join(chapters) + "\n")
    project.build_ok("--strict")
    page = project.html("regulations/2023-long-rules/index.html")
    assert page.count('class="ql-article"') == 160 and 'id="第一百六十条"' in page
    toc = page.split('data-md-type="toc"')[1].split("</nav>")[0]
    assert toc.count('class="md-nav__link"') <= 12 and "第八章" in toc and "第一百六十条" not in toc


@pytest.mark.parametrize(
    ("change", "path", "expected"),
    [
        (lambda p: p.write("content/cases/2024-gift.md", CASE.format(articles="第三条").replace("regulations/2023-test-rules", "speeches/2024-warning")),
         "content/cases/2024-gift.md:11: 字段“basis[1].regulation”应为党纪法规的引用", "basis 只能指向 regulations 栏目中的法规"),
        (lambda p: p.write("content/regulations/2023-test-rules.md", REGULATION.replace("effective: 2023-04-01", "effective: 2023-02-01")),
         "content/regulations/2023-test-rules.md:5: 字段“effective”应为不早于通过日期 2023-03-01 的日期", "2023-02-01"),
        (lambda p: p.write("content/cases/2024-gift.md", CASE.format(articles="第三条").replace("regulations/2023-test-rules", "regulations/2023-test-rule")),
         "content/cases/2024-gift.md:11: 字段“basis[1].regulation”应为指向已有文档的引用", "是否应为“regulations/2023-test-rules”"),
    ],
    ids=["basis-not-a-regulation", "effective-before-adopted", "unknown-regulation"],
)
def test_other_citation_and_field_errors(project: Project, change, path: str, expected: str):
    regulation_project(project)
    change(project)
    result = project.build()
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert path in result.stderr and expected in result.stderr, result.stderr
