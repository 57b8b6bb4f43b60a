"""Study packs: the PDFs the example portal's build typesets, read back with poppler's tools."""

from __future__ import annotations

import datetime as dt
import http.server
import re
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import EXAMPLE_BUILD_DATE, REPO, Project

from qinglian.content.loader import load_content
from qinglian.packs import PackOptions, pack_catalog
from qinglian.packs.typeset import FONTS, PackToolMissing, font_files, typeset

TODAY = dt.date.fromisoformat(EXAMPLE_BUILD_DATE[:10])
PLAN = "packs/plan-2026-city-commission-study-plan.pdf"
MM = 72 / 25.4


def text_of(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *pages, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def squeezed(text: str) -> str:
    """The text without whitespace and page numbers, so a line or page break never splits a phrase."""
    return re.sub(r"—\d+—", "", re.sub(r"\s+", "", text))


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])


def example_corpus():
    return load_content(REPO / "content", REPO, today=TODAY).corpus


def opening(text: str, length: int = 10) -> str:
    """The first words of a body's first paragraph, as printed."""
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "|", "-", ">", "<")) and not re.match(r"^\d+\.", line):
            return squeezed(re.sub(r"[*_`\[\]]|\(.*?\)", "", line))[:length]
    raise AssertionError("no paragraph")


def test_every_plan_regulation_and_year_of_cases_has_a_linked_pack(example_site: Path):
    corpus = example_corpus()
    index = (example_site / "packs/index.json").read_text(encoding="utf-8")
    for plan in corpus.by_collection["plans"]:
        uri = f"packs/plan-{plan.slug}.pdf"
        assert uri in index and (example_site / uri).is_file()
        assert f'../../{uri}"' in (example_site / f"plans/{plan.slug}/index.html").read_text(encoding="utf-8")
    for regulation in corpus.by_collection["regulations"]:
        assert f'../../packs/regulation-{regulation.slug}.pdf"' in (example_site / f"regulations/{regulation.slug}/index.html").read_text(encoding="utf-8")
    years = {case.year for case in corpus.by_collection["cases"]}
    listing = (example_site / "cases/index.html").read_text(encoding="utf-8")
    archive = (example_site / "archive/index.html").read_text(encoding="utf-8")
    for year in years:
        assert f'../packs/cases-{year}.pdf"' in listing and f'../packs/cases-{year}.pdf"' in archive
        assert f"../../packs/cases-{year}.pdf" in (example_site / f"archive/{year}/index.html").read_text(encoding="utf-8")
        assert page_count(example_site / f"packs/cases-{year}.pdf") >= 3


def test_a_plan_pack_holds_every_reading_in_session_order(example_site: Path):
    corpus = example_corpus()
    plan = corpus.by_key["plans/2026-city-commission-study-plan"]
    text = squeezed(text_of(example_site / PLAN))
    position, printed = 0, set()
    for session in sorted(plan.sessions, key=lambda s: (s.date, s.same_day)):
        heading = squeezed(f"{session.date.year}年{session.date.month}月{session.date.day}日{session.topic}")
        position = text.index(heading, position)
        for reference, document in session.readings:
            if reference.anchor and document.collection.name == "regulations":
                article = document.fields["text"].article(reference.anchor) or document.fields["text"].chapter(reference.anchor).articles[0]
                words = squeezed(article.label + article.paragraphs[0])[:20]
            elif document.key in printed:
                words = squeezed(document.title)  # printed once; later sessions point to its page
            else:
                words = squeezed(document.title) + squeezed(document.unit)
                position = text.index(words, position)
                words = opening(document.body)
                printed.add(document.key)
            position = text.index(words, position) + len(words)
    # The self-test paper follows the sessions, and its answers come last, on pages of their own.
    assert text.index("自测题", position) < text.rindex("参考答案")


def contents_entries(pdf: Path) -> list[tuple[str, int]]:
    """(title, page) of every contents entry, a wrapped title joined with its next line."""
    entries, pending = [], ""
    for line in text_of(pdf, 2, 4).splitlines():
        line = line.strip()
        if not line or line.startswith("目"):
            continue
        match = re.match(r"^(.*?)\s*\.+\s*(\d+)$", line)  # a full line leaves room for one dot
        if match:
            entries.append((squeezed(pending + match[1]), int(match[2])))
            pending = ""
        elif not re.match(r"^—\s*\d+\s*—$", line):
            pending += line
    return entries


@pytest.mark.parametrize("pack", [PLAN, "packs/cases-2025.pdf", "packs/regulation-2023-organ-staff-integrity.pdf"])
def test_every_contents_entry_names_the_page_its_heading_is_on(example_site: Path, pack: str):
    pdf = example_site / pack
    entries = contents_entries(pdf)
    assert len(entries) >= 3, entries
    pages = page_count(pdf)
    for title, number in entries:
        assert 1 <= number <= pages
        assert title in squeezed(text_of(pdf, number, number)), (title, number)


def test_fonts_are_embedded_and_pages_keep_the_official_proportions(example_site: Path):
    pdf = example_site / PLAN
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info and re.search(r"^Tagged:\s+yes", info, re.M)
    box = subprocess.run(["pdftotext", "-bbox", "-f", "5", "-l", "6", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for page in re.findall(r"<page .*?</page>", box, re.S):
        words = [tuple(float(v) for v in w) for w in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', page)]
        text_words = [w for w in words if w[3] < 297 * MM - 35 * MM]  # above the page number
        left, top = min(w[0] for w in text_words), min(w[1] for w in text_words)
        right = max(w[2] for w in text_words)
        assert top >= 37 * MM - 1, top / MM
        assert left >= 26 * MM - 1 and right <= 210 * MM - 26 * MM + 1, (left / MM, right / MM)
        assert right - left <= 156 * MM + 1  # the text block's width
    # Odd pages are bound on the left (28 mm), even pages on the right.
    odd = re.findall(r'xMin="([\d.]+)"', re.findall(r"<page .*?</page>", box, re.S)[0])
    assert min(float(x) for x in odd) >= 28 * MM - 1


def test_the_fonts_cover_every_gbk_character():
    from fontTools.ttLib import TTCollection, TTFont

    covered: set[int] = set()
    for family, path in font_files().items():
        fonts = TTCollection(str(path)).fonts if path.suffix.lower() == ".ttc" else [TTFont(str(path))]
        for font in fonts:
            names = {record.toUnicode() for record in font["name"].names if record.nameID == 1}
            if family in names:
                covered |= set(font.getBestCmap())
    missing = []
    for high in range(0x81, 0xFF):
        for low in [*range(0x40, 0x7F), *range(0x80, 0xFF)]:
            try:
                char = bytes([high, low]).decode("gbk")
            except UnicodeDecodeError:
                continue
            if not 0xE000 <= ord(char) <= 0xF8FF and ord(char) not in covered:  # the private use area has no glyphs to have
                missing.append(char)
    assert not missing, "".join(missing[:50])


def test_rare_characters_print_with_embedded_fonts(tmp_path: Path):
    pdf, pages = typeset("<p>朱镕基、王堃、≒、〔2025〕、“四风”</p>", tmp_path, (tmp_path,))
    (tmp_path / "rare.pdf").write_bytes(pdf)
    assert pages == 1
    assert "朱镕基、王堃、≒、〔2025〕、“四风”" in text_of(tmp_path / "rare.pdf")
    fonts = subprocess.run(["pdffonts", str(tmp_path / "rare.pdf")], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)


def test_the_typesetter_fetches_nothing_from_any_host(tmp_path: Path):
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        host = f"http://127.0.0.1:{server.server_address[1]}"
        outside = tmp_path.parent / "outside.png"
        html = (
            f'<link rel="stylesheet" href="{host}/a.css"><img src="{host}/b.png"><img src="{outside.as_uri()}">'
            f'<p style="background: url({host}/c.png)">正文</p>'
        )
        pdf, _ = typeset(html, tmp_path, (tmp_path,))
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF") and asked == []


def test_a_missing_font_names_the_package_to_install(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(FONTS, "Qinglian Missing Serif", "fonts-qinglian-missing")
    with pytest.raises(PackToolMissing, match="fonts-qinglian-missing"):
        font_files()


def packs_of(root: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((root / "site/packs").glob("*.pdf"))}


def test_a_changed_document_typesets_only_its_packs_and_withheld_ones_stay_out(portal: Project):
    portal.build_ok(build_date=EXAMPLE_BUILD_DATE)
    before = packs_of(portal.root)
    case = portal.root / "content/cases/2022-festival-cards.md"
    case.write_text(case.read_text(encoding="utf-8").replace("案件警示", "案件警示\n\n补充的一段警示内容。", 1), encoding="utf-8")
    result = portal.build(build_date=EXAMPLE_BUILD_DATE)
    assert result.returncode == 0, result.stderr
    corpus = load_content(portal.root / "content", portal.root, today=TODAY).corpus
    holding = {Path(p.uri).name for p in pack_catalog(corpus, PackOptions()) if corpus.by_key["cases/2022-festival-cards"] in p.documents}
    holding |= {Path(p.uri).name for p in pack_catalog(corpus, PackOptions()) if p.kind == "plan" and any(
        d.key == "cases/2022-festival-cards" for s in p.documents[0].sessions for _, d in s.readings)}
    after = packs_of(portal.root)
    assert {name for name in after if after[name] != before[name]} == holding
    assert f"重新排版 {len(holding)} 份" in result.stderr
    # A draft leaves its year's pack and every plan pack that read it.
    title = "XX市某局办公室原主任XX违规使用公款印制寄送节日贺卡等问题的通报"
    assert squeezed(title) in squeezed(text_of(portal.root / "site/packs/cases-2022.pdf"))
    case.write_text(case.read_text(encoding="utf-8").replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")
    portal.build_ok(build_date=EXAMPLE_BUILD_DATE)
    assert not (portal.root / "site/packs/cases-2022.pdf").exists()
    for pdf in (portal.root / "site/packs").glob("*.pdf"):
        assert squeezed(title) not in squeezed(text_of(pdf)), pdf.name


def test_hostile_metadata_prints_as_text(portal: Project):
    case = portal.root / "content/cases/2022-festival-cards.md"
    hostile = '<img src="http://127.0.0.1:9/x.png" onerror="alert(1)">XX的通报'
    text = case.read_text(encoding="utf-8")
    text = re.sub(r"^title: .*$", f"title: '{hostile}'", text, count=1, flags=re.M)
    case.write_text(text, encoding="utf-8")
    portal.build_ok(build_date=EXAMPLE_BUILD_DATE)
    printed = squeezed(text_of(portal.root / "site/packs/cases-2022.pdf"))
    assert squeezed(hostile) in printed


def test_bookmarks_follow_the_contents(example_site: Path):
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(example_site / PLAN))
    try:
        marks = [squeezed(item.get_title()) for item in pdf.get_toc()]
    finally:
        pdf.close()
    for title, _ in contents_entries(example_site / PLAN):
        assert title in marks, title


def test_topic_packs_and_one_pdf_per_document_on_request(portal: Project):
    config = portal.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "      content_dir: content", "      content_dir: content\n      topic_packs: true\n      document_pdfs: true"), encoding="utf-8")
    portal.build_ok(build_date=EXAMPLE_BUILD_DATE)
    page = portal.html("cases/2025-private-club/index.html")
    assert 'href="../../packs/cases-2025-private-club.pdf"' in page and "本文 PDF 版" in page
    own = portal.root / "site/packs/cases-2025-private-club.pdf"
    printed = text_of(own)
    # A 公文 keeps its masthead and 文号 above the title, as on paper.
    assert printed.index("XX市纪委监委文件") < printed.index("XX纪通〔2025〕7号") < printed.index("XX市某局原四级调研员")
    topic = portal.html("topics/eight-rules/index.html")
    assert 'href="../../packs/topic-eight-rules.pdf"' in topic
    assert page_count(portal.root / "site/packs/topic-eight-rules.pdf") > 3
