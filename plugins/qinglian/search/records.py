"""What the search index holds for each page: the words a reader sees on it, its metadata and its filters.

Everything a page shows as its own words is here — body, metadata, lessons, a plan's sessions,
a quiz's questions and options, and the back-link blocks (列入学习计划, the cases citing an
article) — and nothing a reader must not see early: a quiz's answers and explanations stay out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from ..structure.document import Document, Session
from ..structure.quiz import QuizBank
from ..views.dates import chinese_date
from .text import body_text, markdown_to_text

# Filter names as the browser shows them; the keys are what the index stores.
FILTER_LABELS = {
    "collection": "栏目",
    "year": "年份",
    "unit": "发文单位",
    "topic": "专题",
    "discipline": "违反的纪律",
}
OTHER_PAGES = "其他页面"
GUIDES = "编辑和运维指南"
# Hand-written pages under these folders are for the office's staff, not for readers.
GUIDE_FOLDERS = ("editors/", "operators/")


@dataclass(frozen=True)
class SearchRecord:
    url: str
    title: str
    # Shown under the title in results: the collection and the date, 2023年3月5日.
    collection: str
    date: str
    text: str
    filters: dict[str, list[str]] = field(default_factory=dict)
    # Orders documents newest first: an ISO date, empty for undated pages.
    order_key: str = ""
    # Pages written by hand (help, guides) are listed after every document.
    hand_written: bool = False
    # A regulation no longer in force says so in results (已修订, 已废止).
    status: str = ""

    def indexed_text(self) -> str:
        """Title, metadata and body as one text: what a query is matched against."""
        heading = " ".join(part for part in (self.title, self.collection, self.date) if part)
        return heading + "\n" + self.text

    def shown(self) -> dict[str, str]:
        """What a result shows: title, collection, date, and the text its excerpt comes from."""
        shown = {"url": self.url, "title": self.title, "collection": self.collection, "date": self.date, "text": self.text}
        return {**shown, "status": self.status} if self.status else shown

    @cached_property
    def fingerprint(self) -> str:
        fields = [self.url, self.title, self.collection, self.date, self.text, self.filters, self.hand_written, self.status]
        return hashlib.sha256(json.dumps(fields, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def session_lines(entries: Sequence[Sequence[Session]]) -> list[str]:
    """A plan's table as text: each entry's date or rule, topic, form, unit, place and readings."""
    lines = []
    for entry in entries:
        first = entry[0]
        when = first.repeat or chinese_date(first.date)
        readings = [target.title for _, target in first.readings] + ([f"在线测试：{first.quiz.title}"] if first.quiz else [])
        lines.append("　".join(part for part in (when, first.topic, first.form, first.unit, first.location or "", *readings) if part))
    return lines


def session_line(session: Session) -> str:
    """A session as the back-link blocks show it: date, unit and form, topic."""
    return f"{chinese_date(session.date)} {session.label}：{session.topic}"


def scheduled_lines(sessions: Sequence[Session]) -> list[str]:
    """The 列入学习计划 block of a document that plans read."""
    if not sessions:
        return []
    return ["列入学习计划"] + [
        f"{session_line(s)}（{s.plan.title}）" for s in sessions
    ]


def question_lines(bank: QuizBank) -> list[str]:
    """Questions and their options; never the answers or 解析 (they would give the answers away)."""
    lines = []
    for question in bank.questions:
        lines.append(f"{question.number}. {question.text}")
        lines += list(question.options)
    return lines


def document_record(document: Document, url: str, scheduled: Sequence[Session] = ()) -> SearchRecord:
    filters = {
        "collection": [document.collection.label],
        "year": [str(document.year)],
        "unit": [document.unit],
        "topic": list(document.topics),
    }
    details = [document.unit, *document.topics]
    for name in ("doc_number", "speaker", "occasion", "discipline", "outcome"):
        value = document.fields.get(name)
        if isinstance(value, str):
            details.append(value)
    lessons = document.fields.get("lessons")
    if isinstance(lessons, list):
        details += [str(lesson) for lesson in lessons]
    if isinstance(document.fields.get("discipline"), str):
        filters["discipline"] = [document.fields["discipline"]]
    summary = document.summary or ""
    additions = session_lines(document.session_entries)
    bank = document.fields.get("bank")
    if isinstance(bank, QuizBank):
        additions += question_lines(bank)
    additions += scheduled_lines(scheduled)
    return SearchRecord(
        url=url,
        title=document.title,
        collection=document.collection.label,
        date=chinese_date(document.date),
        # Metadata last, so an excerpt comes from the summary or the text when they hold the words.
        text="\n".join(part for part in (summary, body_text(document.body), *additions, " ".join(details)) if part),
        filters=filters,
        order_key=document.date.isoformat(),
        status=status if isinstance(status := document.fields.get("status"), str) and status != "现行有效" else "",
    )


def records_of(document: Document, url: str, scheduled: Sequence[Session] = ()) -> list[SearchRecord]:
    """A document's records: one, or for a regulation one per article, so a hit leads to its article.

    ``scheduled`` are the sessions whose readings include the document.
    """
    text = document.fields.get("text")
    if document.collection.name != "regulations" or text is None:
        return [document_record(document, url, scheduled)]
    whole = document_record(document, url, scheduled)
    overview = [document.summary or "", *text.preamble, *scheduled_lines(scheduled), document.unit, *document.topics]
    records = [replace(whole, text="\n".join(overview))]
    cited: dict[str, list[Document]] = document.fields.get("cited_by", {})
    assigned: dict[str, list[Session]] = document.fields.get("assigned_in", {})
    for article in text.articles:
        place = f"{article.chapter.label} {article.chapter.title}" if article.chapter else ""
        cases = cited.get(article.anchor, [])
        uses = ([f"引用本条的案例（{len(cases)}）", *(case.title for case in cases)] if cases else [])
        sessions = assigned.get(article.anchor, [])
        if sessions:
            uses += ["列入学习安排", *(session_line(s) for s in sessions)]
        records.append(replace(
            whole,
            url=f"{url}#{article.anchor}",
            title=f"{document.title} {article.label}",
            text="\n".join([*article.paragraphs, *uses, place]),
        ))
    return records


def page_record(src_uri: str, url: str, title: str, markdown: str) -> SearchRecord:
    """A hand-written page: the guides for staff under their own filter value, others under 其他页面."""
    collection = GUIDES if src_uri.startswith(GUIDE_FOLDERS) else OTHER_PAGES
    return SearchRecord(
        url=url,
        title=title,
        collection=collection,
        date="",
        text=markdown_to_text(markdown),
        filters={"collection": [collection]},
        hand_written=True,
    )
