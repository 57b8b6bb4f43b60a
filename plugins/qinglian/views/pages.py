"""Every generated page of a portal, and the additions to documents and the home page."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import jinja2

from ..structure.calendar import StudyCalendar
from ..structure.clock import BuildClock
from ..structure.corpus import Corpus
from ..structure.document import Document
from ..content.collections import DISCIPLINES
from ..content.html_policy import check_html
from .calendar_pages import CALENDAR_URI, CalendarPages, form_class, month_label, month_uri, time_label, unit_uri
from .charts import BarChart, case_charts
from .compiled import COMPILED_TEMPLATES
from .dates import chinese_date, chinese_weekday
from .generated import GeneratedFile, GeneratedPage, front_matter
from .quiz_pages import QuizPages
from .rendering import BlockMemo, PortalSettings
from .regulation_pages import REGULATION_SCRIPT, RegulationPages, cited_part, grouped_citations
from .urls import page_url, relative_href
from ..revisions.links import successor
from ..revisions.pages import RevisionPages
from ..learning.pages import LearningPages
from ..packs.catalog import Pack, packs_by_page


COLLECTION_INTRO = "按发布日期从新到旧排列。"
PACKS_SCRIPT = "assets/qinglian/packs.js"
TOPICS_URI = "topics/index.md"
UNITS_URI = "units/index.md"
ARCHIVE_URI = "archive/index.md"
SEARCH_URI = "search.md"


def listing_uri(base: str, number: int) -> str:
    """``base`` is a folder such as ``speeches`` or ``topics/eight-rules``."""
    return f"{base}/index.md" if number == 1 else f"{base}/page/{number}.md"


def page_numbers(number: int, pages: int) -> list[int | None]:
    """Page links to show: all of them when few, else the ends and a window, with gaps as None."""
    if pages <= 9:
        return list(range(1, pages + 1))
    shown = sorted({1, 2, pages - 1, pages, *range(max(1, number - 2), min(pages, number + 2) + 1)})
    numbers: list[int | None] = []
    for n in shown:
        if numbers and numbers[-1] is not None and n - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers


class GeneratedHtmlRefused(ValueError):
    """A block the portal generated holds HTML the policy refuses (a fault in a template or a value)."""


class StaleBlock(ValueError):
    """A block made from the same inputs as recorded came out different: the record missed an input."""


class _Deferred:
    """A block whose HTML is made only if a page is rendered (its placeholder came from the record)."""

    def __init__(self, make: Callable[[], str]) -> None:
        self.make = make


_SLOT_PREFIX = "qlslot"


def _marker(html: str) -> str:
    return f"{_SLOT_PREFIX}{hashlib.blake2b(html.encode(), digest_size=16).hexdigest()}"


_SLOT = re.compile(rf"(?:<p>)?({_SLOT_PREFIX}[0-9a-f]{{32}})(?:</p>)?")


class PortalViews:
    """Renders the corpus with the templates beside this module."""

    def __init__(
        self, corpus: Corpus, settings: PortalSettings, clock: BuildClock, blocks: BlockMemo | None = None, packs: Sequence[Pack] = ()
    ) -> None:
        self.corpus = corpus
        # The study packs (PDF) of this build, and the pages that link each.
        self.pack_catalog = list(packs)
        self._packs_on = packs_by_page(self.pack_catalog)
        self.settings = settings
        self.clock = clock
        # Listings made from the same documents as in an earlier build keep its placeholders.
        self.blocks = blocks
        # Rendered HTML waiting for its pages, by placeholder, with how many pages still wait for it (see ``render``).
        self.held: dict[str, list[Any]] = {}
        # Fragments that passed the generated-HTML policy in this build.
        self._checked: set[str] = set()
        self.calendar = CalendarPages(self, StudyCalendar(corpus.sessions, clock.today), clock, settings.site_url)
        self.quizzes = QuizPages(self)
        self.regulations = RegulationPages(self.render, self.calendar.session_target)
        self.revisions = RevisionPages(self.render)
        self.learning = LearningPages(self.render, self.site_url, self.quizzes.source_target)
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("qinglian.views", "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            bytecode_cache=COMPILED_TEMPLATES,
        )
        self.env.filters.update(
            chinese_date=chinese_date,
            chinese_weekday=chinese_weekday,
            month_label=month_label,
            month_uri=month_uri,
            unit_uri=unit_uri,
            time_label=time_label,
            form_class=form_class,
            slugify=settings.slugify,
        )
        self.env.globals.update(cited_part=cited_part, successor=successor)

    def render(self, template: str, here: str, **context: Any) -> str:
        """A template's HTML, held back from Markdown: the Markdown gets a placeholder paragraph.

        Markdown would parse the generated HTML again, which cost more than all other work of a
        page; ``fill`` puts the HTML in place once Markdown has made the page's HTML. The
        placeholder is named by the HTML itself, so a page's Markdown says everything the page
        shows and the page cache can key on it.
        """
        html = self._html(template, here, context)
        marker = _marker(html)
        self._hold(marker, html)
        return marker

    def render_recorded(self, template: str, here: str, docs: Sequence[Document], **context: Any) -> str:
        """``render`` for a block made only of plain ``context`` values and the cards of ``docs``.

        When the block memo knows the placeholder these inputs had, the HTML is not made now:
        a page whose key is recorded never needs it, and one that is rendered makes it in
        ``fill``, which checks that it still has that placeholder.
        """
        blocks = self.blocks
        inputs = blocks.inputs(template, here, docs, context) if blocks is not None else None
        marker = blocks.marker(inputs) if blocks is not None and inputs is not None else None
        if marker is None:
            marker = self.render(template, here, docs=docs, **context)
        else:
            self._hold(marker, _Deferred(lambda: self._html(template, here, {**context, "docs": docs})))
        if blocks is not None and inputs is not None:
            blocks.note(inputs, marker)
        return marker

    def site_url(self, target: str) -> str:
        """A page's address from the site's root, with the fragment of ``target`` kept."""
        src_uri, hash_mark, fragment = target.partition("#")
        return page_url(src_uri, self.settings.directory_urls) + hash_mark + fragment

    def _html(self, template: str, here: str, context: dict[str, Any]) -> str:
        here_url = page_url(here, self.settings.directory_urls)

        def href(target: str) -> str:
            src_uri, hash_mark, fragment = target.partition("#")
            return relative_href(here_url, page_url(src_uri, self.settings.directory_urls)) + hash_mark + fragment

        return self.env.get_template(template).render(href=href, **context)

    def _hold(self, marker: str, html: str | _Deferred) -> None:
        waiting = self.held.setdefault(marker, [html, 0])
        waiting[1] += 1

    def fill(self, html: str) -> str:
        """The page's HTML with every held fragment in place of its placeholder paragraph.

        Each fragment passes the HTML policy for generated blocks before it is placed, once
        per build; raises ``GeneratedHtmlRefused`` otherwise, and ``StaleBlock`` for a recorded
        block that came out different. Sources cannot hold a placeholder (the loader refuses
        ``qlslot``), so only the portal's own blocks are filled.
        """

        def take(match: re.Match[str]) -> str:
            waiting = self.held.get(match[1])
            if waiting is None:
                return match[0]
            if isinstance(waiting[0], _Deferred):
                waiting[0] = waiting[0].make()
                if _marker(waiting[0]) != match[1]:
                    raise StaleBlock(match[1])
            if match[1] not in self._checked:
                violations = check_html(str(waiting[0]), generated=True)
                if violations:
                    raise GeneratedHtmlRefused(violations[0].found)
                self._checked.add(match[1])
            self._release(match[1], waiting)
            return str(waiting[0])

        return _SLOT.sub(take, html)

    def release(self, markdown: str) -> None:
        """Forget the fragments of a page that will not be filled (it came from the page cache)."""
        for marker in _SLOT.findall(markdown):
            waiting = self.held.get(marker)
            if waiting is not None:
                self._release(marker, waiting)

    def _release(self, marker: str, waiting: list[Any]) -> None:
        waiting[1] -= 1
        if waiting[1] <= 0:
            del self.held[marker]

    # Listings

    def _listing(
        self, base: str, title: str, docs: list[Document], intro: str, in_nav: bool, chart_list: list[BarChart] | None = None
    ) -> Iterator[GeneratedPage]:
        size = self.settings.page_size
        pages = max(1, math.ceil(len(docs) / size))
        for number in range(1, pages + 1):
            here = listing_uri(base, number)
            charts = (chart_list or []) if number == 1 else []
            context: dict[str, Any] = dict(
                intro=intro if number == 1 else "",
                total=len(docs),
                number=number,
                pages=pages,
                previous=listing_uri(base, number - 1) if number > 1 else None,
                next=listing_uri(base, number + 1) if number < pages else None,
                page_links=[(n, listing_uri(base, n) if n else None) for n in page_numbers(number, pages)],
            )
            shown = docs[(number - 1) * size : number * size]
            if charts:
                html = self.render("listing.html", here, chart_list=charts, docs=shown, **context)
            else:
                html = self.render_recorded("listing.html", here, shown, chart_list=[], **context)
            html = self.pack_links(here) + html
            page_title = title if number == 1 else f"{title}（第 {number} 页）"
            # Listings repeat the documents' titles and summaries; search should find the documents.
            yield GeneratedPage(here, page_title, front_matter(page_title, search_exclude=True) + html + "\n", in_nav and number == 1)

    def collection_pages(self) -> Iterator[GeneratedPage]:
        for collection in self.corpus.collections:
            docs = self.corpus.by_collection[collection.name]
            if collection.name == "quizzes":
                # Readers look for a quiz by topic and want to see which ones they have done.
                yield self.quizzes.index_page(listing_uri(collection.name, 1), collection.label, collection.description)
                continue
            charts = case_charts(docs, DISCIPLINES) if collection.name == "cases" else None
            yield from self._listing(collection.name, collection.label, docs, collection.description + COLLECTION_INTRO, True, charts)

    def _term_pages(self, kind: str, label: str, index_title: str, terms: dict[str, str], by_term: dict[str, list[Document]]) -> Iterator[GeneratedPage]:
        index_uri = f"{kind}/index.md"
        rows = [(term, listing_uri(f"{kind}/{slug}", 1), len(by_term[term])) for term, slug in terms.items()]
        html = self.render("term_index.html", index_uri, intro=f"共 {len(rows)} 个{label}，点击查看相关文档。", terms=rows)
        yield GeneratedPage(index_uri, index_title, front_matter(index_title, search_exclude=True) + html + "\n", True)
        for term, slug in terms.items():
            yield from self._listing(f"{kind}/{slug}", f"{label}：{term}", by_term[term], f"{label}“{term}”下的全部文档，" + COLLECTION_INTRO, False)

    def topic_pages(self) -> Iterator[GeneratedPage]:
        yield from self._term_pages("topics", "专题", "专题", self.corpus.topics, self.corpus.by_topic)

    def unit_pages(self) -> Iterator[GeneratedPage]:
        yield from self._term_pages("units", "发文单位", "发文单位", self.corpus.units, self.corpus.by_unit)

    def archive_pages(self) -> Iterator[GeneratedPage]:
        years = []
        for year, docs in self.corpus.by_year.items():
            counts = [sum(1 for d in docs if d.collection is c) for c in self.corpus.collections]
            years.append((year, listing_uri(f"archive/{year}", 1), counts, len(docs)))
        charts = case_charts(self.corpus.by_collection["cases"], DISCIPLINES)
        html = self.pack_links(ARCHIVE_URI) + self.render(
            "archive_index.html", ARCHIVE_URI, collections=self.corpus.collections, years=years, chart_list=charts
        )
        yield GeneratedPage(ARCHIVE_URI, "归档", front_matter("归档", search_exclude=True) + html + "\n", True)
        for year, docs in self.corpus.by_year.items():
            yield from self._listing(f"archive/{year}", f"{year}年归档", docs, f"{year}年发布的全部文档，" + COLLECTION_INTRO, False)

    def search_page(self) -> GeneratedPage:
        """The page a header search leads to, ``search/?q=…``, with filters."""
        html = self.render("search_page.html", SEARCH_URI)
        return GeneratedPage(SEARCH_URI, "搜索", front_matter("搜索", hide=("navigation", "toc"), search_exclude=True) + html + "\n", False)

    def generated_pages(self) -> list[GeneratedPage]:
        return [
            *self.collection_pages(),
            *self.calendar.pages(),
            *self.quizzes.answer_pages(),
            *self.topic_pages(),
            *self.unit_pages(),
            *self.archive_pages(),
            *self.revisions.pages(self.corpus.by_collection["regulations"]),
            *self.learning.pages(),
        ]

    def generated_files(self) -> list[GeneratedFile]:
        return [*self.calendar.feeds(), self.learning.daily_file(self.quizzes.banks())]

    # Additions to pages whose text editors write

    def document_markdown(self, doc: Document, body: str) -> str:
        """The document's Markdown with its metadata header and related documents around it."""
        topics = [(topic, listing_uri(f"topics/{self.corpus.topics[topic]}", 1)) for topic in doc.topics]
        header = self.render(
            "document_header.html",
            doc.src_uri,
            doc=doc,
            topics=topics,
            unit_target=listing_uri(f"units/{self.corpus.units[doc.unit]}", 1),
            collection_target=listing_uri(doc.collection.name, 1),
            citations=grouped_citations(doc),
            replaced_by=self._replacement(doc),
        )
        header += "\n\n" + self.pack_links(doc.src_uri)
        withheld = doc.withheld(self.clock.today)
        if withheld is not None:
            header = self.render("withheld_banner.html", doc.src_uri, doc=doc, reason=withheld) + "\n\n" + header
        scheduled = self.calendar.scheduling(doc)
        if scheduled:
            header += "\n\n" + self.render("scheduled.html", doc.src_uri, entries=scheduled, cal=self.calendar)
        # Headings stay Markdown so they reach the table of contents.
        if doc.collection.name == "regulations":
            body = self.regulations.body_markdown(doc)
            header += "\n\n" + self.render("regulation_script.html", doc.src_uri, script=REGULATION_SCRIPT)
            notice = self.revisions.notice(doc)
            header = f"{notice}\n\n{header}" if notice else header
        parts = [header, body.strip()]
        if doc.collection.name == "quizzes":
            parts.append(self.quizzes.quiz_html(doc))
        done = self.learning.done_block(doc)
        if done:
            parts.append(done)
        if doc.session_entries:
            parts += ["## 学习安排", self.render("sessions_table.html", doc.src_uri, doc=doc, cal=self.calendar)]
        related = [] if withheld else self.corpus.related(doc, self.settings.related_count)
        if related:
            parts += ["## 相关文档", self.render("related.html", doc.src_uri, related=related)]
        return "\n\n".join(parts) + "\n"

    def pack_links(self, here: str) -> str:
        """Links to the PDFs of the packs this page offers; their sizes come from the packs' index."""
        packs = self._packs_on.get(here)
        return self.render("pack_links.html", here, packs=packs, script=PACKS_SCRIPT) + "\n\n" if packs else ""

    def _replacement(self, doc: Document) -> Document | None:
        reference = doc.fields.get("replaced_by")
        return self.corpus.resolve(reference) if reference is not None else None

    def home_markdown(self, here: str, body: str) -> str:
        """The hand-written home page followed by the newest documents of each collection."""
        sections = [
            (c, self.corpus.by_collection[c.name][: self.settings.home_latest], listing_uri(c.name, 1))
            for c in self.corpus.collections
        ]
        latest = self.render("home_latest.html", here, sections=sections)
        blocks = [body.rstrip(), self.learning.home_block(here, any(not bank.exam for bank in self.quizzes.banks()))]
        if self.calendar.calendar.sessions:
            week, next_session = self.calendar.this_week()
            blocks.append(self.render("week.html", here, week=week, next_session=next_session, cal=self.calendar, calendar_uri=CALENDAR_URI))
        return "\n\n".join([*blocks, latest]) + "\n"


def hand_written_navigation(uris: list[str], title_of: Callable[[str], str | None]) -> list[Any]:
    """Hand-written pages in file order; each folder becomes a section named by its index page."""
    nav: list[Any] = []
    sections: dict[str, list[str]] = {}
    for uri in sorted(uris, key=lambda u: (u.count("/") > 0, u.split("/")[0], not u.endswith("index.md"), u)):
        folder, _, _ = uri.partition("/")
        if "/" not in uri:
            nav.append(uri)
        elif folder not in sections:
            sections[folder] = [uri]
            nav.append({title_of(f"{folder}/index.md") or folder: sections[folder]})
        else:
            sections[folder].append(uri)
    return nav


def navigation(pages: list[GeneratedPage], has_home: bool, hand_written: list[Any]) -> list[Any]:
    """The default navigation: home, section landings, then the hand-written pages.

    Documents never appear in it, so a page's HTML does not grow with the corpus.
    """
    nav: list[Any] = [{"首页": "index.md"}] if has_home else []
    nav.extend({page.title: page.src_uri} for page in pages if page.in_nav)
    nav.extend(hand_written)
    return nav
