"""Build real portals and assert on the generated HTML."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

from conftest import Project, speech
from qinglian.search.indexer import indexed_pages

EXTERNAL = re.compile(r"""(?:src|href)=["'](?:https?:)?//(?!127\.0\.0\.1)""")


def document_html_files(site: Path) -> list[Path]:
    return [p for c in ("speeches", "cases", "plans") for p in (site / c).glob("*/index.html") if p.parent.name != "page"]


def test_example_portal_pages_exist(example_site: Path):
    for page in ("index.html", "speeches/index.html", "cases/index.html", "plans/index.html",
                 "topics/index.html", "units/index.html", "archive/index.html", "archive/2024/index.html",
                 "topics/warning-education/index.html", "units/city-commission/index.html"):
        assert (example_site / page).is_file(), page
    assert len(document_html_files(example_site)) == 16


def test_document_header_shows_chinese_date_people_and_topics(example_site: Path):
    html = (example_site / "speeches/2024-warning-education-conference/index.html").read_text(encoding="utf-8")
    assert "2024年3月12日" in html
    assert "市纪委书记、市监委主任" in html
    assert "2024年全市警示教育大会" in html
    assert 'href="../../topics/warning-education/"' in html
    assert 'href="../../units/city-commission/"' in html
    related = html.split("class=\"ql-related\"")[1].split("</aside>")[0]
    assert 1 <= related.count("<li>") <= 5


def test_case_header_shows_discipline_outcome_and_lessons(example_site: Path):
    html = (example_site / "cases/2024-hiring-interference/index.html").read_text(encoding="utf-8")
    assert "组织纪律" in html and "党内严重警告、政务撤职" in html
    assert "警示要点" in html and "选人用人是一把手权力最集中的环节之一" in html


def test_plan_renders_sessions_table_with_links(example_site: Path):
    html = (example_site / "plans/2025-district-study-plan/index.html").read_text(encoding="utf-8")
    table = html.split('<ol class="ql-sessions"')[1].split("</ol>")[0]
    # One card per entry, every field labelled; the weekly self-test is one card, not four.
    assert table.count('<li class="ql-session">') == 5
    assert table.count("<dt>学习材料</dt>") == 5 and table.count("<dt>地点</dt>") == 5
    assert "2025年4月18日" in table
    assert "每周五" in table and "2025年3月14日起，共 4 次" in table
    assert 'href="../../speeches/2025-transport-top-leader/#一把权力关进制度的笼子"' in table


def test_navigation_lists_sections_not_documents(example_site: Path):
    html = (example_site / "index.html").read_text(encoding="utf-8")
    nav = html.split('md-nav--primary')[1].split("</nav>")[0]
    for label in ("领导讲话", "案例通报", "学习计划", "学习日历", "专题", "发文单位", "归档"):
        assert label in nav
    assert "2024-warning-education-conference" not in nav


def test_home_page_shows_newest_of_each_collection(example_site: Path):
    html = (example_site / "index.html").read_text(encoding="utf-8")
    home = html.split('class="ql-home"')[1]
    assert home.index("在教育系统群众身边不正之风") < home.index("在局系统一把手监督座谈会上的讲话")
    assert "查看全部案例通报" in home


def test_no_page_requests_another_host(example_site: Path):
    for page in example_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not EXTERNAL.search(html), (page, EXTERNAL.search(html).group(0))
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    assert 'lang="zh"' in (example_site / "index.html").read_text(encoding="utf-8")


def test_listings_are_paginated_newest_first(project: Project):
    for day in range(1, 8):
        project.write(f"content/speeches/2024-0{day}.md", speech(title=f"第{day}次讲话", date=f"2024-05-0{day}"))
    project.build_ok("--strict")
    first = project.html("speeches/index.html")
    assert first.index("第7次讲话") < first.index("第6次讲话") < first.index("第5次讲话")
    assert "第4次讲话" not in first
    assert 'href="page/2/"' in first
    third = project.html("speeches/page/3/index.html")
    assert "第1次讲话" in third and "在警示教育大会上的讲话" in third
    assert 'href="../2/"' in third and 'href="../../"' in third
    assert "共 8 篇" in first


def test_archive_topic_and_unit_pages(project: Project):
    project.write("content/speeches/2023-old.md", speech(title="旧讲话", date="2023-12-30", topics="[以案促改, 警示教育]"))
    project.build_ok("--strict")
    assert "旧讲话" in project.html("archive/2023/index.html")
    assert "旧讲话" not in project.html("archive/2024/index.html")
    assert "旧讲话" in project.html("topics/reform-through-cases/index.html")
    assert "旧讲话" in project.html("units/city-commission/index.html")
    assert "暂无内容" in project.html("units/district-commission/index.html")
    archive = project.html("archive/index.html")
    assert archive.index("2024年") < archive.index("2023年")


def test_drafts_are_not_published(project: Project):
    project.write("content/speeches/2024-draft.md", speech(title="尚未定稿的讲话", draft="true"))
    project.build_ok("--strict")
    assert not (project.root / "site/speeches/2024-draft").exists()
    for page in (project.root / "site").rglob("*.html"):
        assert "尚未定稿的讲话" not in page.read_text(encoding="utf-8"), page


def test_document_page_size_does_not_grow_with_corpus(project: Project, tmp_path: Path):
    def median_page_size(count: int) -> float:
        for index in range(count):
            project.write(f"content/speeches/2024-n{index:04d}.md", speech(title=f"讲话{index}", date=f"2024-{index % 12 + 1}-{index % 28 + 1}"))
        project.build_ok()
        return statistics.median(len(p.read_bytes()) for p in document_html_files(project.root / "site"))

    small = median_page_size(10)
    large = median_page_size(400)
    # Titles of related documents differ in length; the page must not list the corpus.
    assert large < small * 1.1, (small, large)


def test_images_beside_documents_are_published(project: Project):
    (project.root / "content/speeches/images").mkdir(parents=True)
    (project.root / "content/speeches/images/meeting.jpg").write_bytes(b"\xff\xd8\xff\xe0JFIF")
    text = speech().replace("讲话正文。", "讲话正文。\n\n![会场](images/meeting.jpg)")
    project.write("content/speeches/2024-warning.md", text)
    project.build_ok("--strict")
    assert (project.root / "site/speeches/images/meeting.jpg").is_file()
    assert 'src="../images/meeting.jpg"' in project.html("speeches/2024-warning/index.html")


def test_search_index_holds_documents_not_listings(example_site: Path):
    pages = {page["url"] for page in indexed_pages(example_site)}
    assert "speeches/2024-eight-rules-deployment/" in pages and "help/" in pages
    for excluded in ("speeches/", "topics/", "topics/eight-rules/", "units/", "archive/", "archive/2024/", "calendar/",
                     "calendar/2026-11/", "quizzes/", "quizzes/2024-eight-rules-self-test/answers/", "benchmarks/", "operators/"):
        assert excluded not in pages, excluded


def navigation_html(html: str) -> str:
    """The tabs and the primary sidebar of a page, which the build may reuse across pages."""
    tabs = re.search(r'<nav class="md-tabs".*?</nav>', html, re.S)
    sidebar = re.search(r'<div class="md-sidebar md-sidebar--primary".*?<div class="md-sidebar md-sidebar--secondary"', html, re.S)
    assert tabs and sidebar
    return re.sub(r"\s+", " ", tabs[0] + sidebar[0])


def test_reused_navigation_matches_each_page(example_site: Path):
    def page(path: str) -> str:
        return (example_site / path / "index.html").read_text(encoding="utf-8")

    # Documents of one folder share their navigation, relative links and all.
    first, second = page("speeches/2024-eight-rules-deployment"), page("speeches/2025-education-grassroots")
    assert navigation_html(first) == navigation_html(second)
    assert 'href="../../cases/"' in navigation_html(first)
    # A page in the navigation keeps its own: its tab and its entry are active.
    listing = navigation_html(page("speeches"))
    assert listing != navigation_html(first)
    assert re.search(r'md-tabs__item md-tabs__item--active">\s*<a href="\./"', page("speeches"))
    assert "md-tabs__item--active" not in navigation_html(first)
    # A document one level deeper gets links from its own depth.
    answers = navigation_html(page("quizzes/2024-eight-rules-self-test/answers"))
    assert 'href="../../../cases/"' in answers
