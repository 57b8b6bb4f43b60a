"""What the search index holds for each page: its text, its metadata and its filters."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cached_property

from ..structure.document import Document
from ..views.dates import chinese_date
from .text import encode_for_index, markdown_to_text

# Filter names as the browser shows them; the keys are what Pagefind stores.
FILTER_LABELS = {
    "collection": "栏目",
    "year": "年份",
    "unit": "发文单位",
    "topic": "专题",
    "discipline": "违反的纪律",
}
OTHER_PAGES = "其他页面"


@dataclass(frozen=True)
class SearchRecord:
    url: str
    title: str
    # Shown under the title in results: the collection and the date, 2023年3月5日.
    collection: str
    date: str
    text: str
    filters: dict[str, list[str]] = field(default_factory=dict)
    # Orders records into shards, oldest first: an ISO date, empty for undated pages.
    order_key: str = ""

    def indexed_content(self) -> str:
        """Title, metadata and body as one text, encoded for Pagefind."""
        heading = " ".join(part for part in (self.title, self.collection, self.date) if part)
        return encode_for_index(heading + "\n" + self.text)

    @property
    def payload(self) -> dict[str, object]:
        """The record as Pagefind's AddRecord request takes it; made when sent, not kept (it is large)."""
        return {
            "url": self.url,
            "content": self.indexed_content(),
            "language": "unknown",
            "meta": {"title": self.title, "collection": self.collection, "date": self.date},
            "filters": self.filters,
        }

    @cached_property
    def fingerprint(self) -> str:
        fields = [self.url, self.title, self.collection, self.date, self.text, self.filters]
        return hashlib.sha256(json.dumps(fields, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def document_record(document: Document, url: str) -> SearchRecord:
    filters = {
        "collection": [document.collection.label],
        "year": [str(document.year)],
        "unit": [document.unit],
        "topic": list(document.topics),
    }
    details = [document.unit, *document.topics]
    for name in ("speaker", "occasion", "discipline", "outcome"):
        value = document.fields.get(name)
        if isinstance(value, str):
            details.append(value)
    lessons = document.fields.get("lessons")
    if isinstance(lessons, list):
        details += [str(lesson) for lesson in lessons]
    if isinstance(document.fields.get("discipline"), str):
        filters["discipline"] = [document.fields["discipline"]]
    summary = document.summary or ""
    return SearchRecord(
        url=url,
        title=document.title,
        collection=document.collection.label,
        date=chinese_date(document.date),
        # Metadata last, so an excerpt comes from the summary or the text when they hold the words.
        text="\n".join(part for part in (summary, markdown_to_text(document.body), " ".join(details)) if part),
        filters=filters,
        order_key=document.date.isoformat(),
    )


def records_of(document: Document, url: str) -> list[SearchRecord]:
    """A document's records: one, or for a regulation one per article, so a hit leads to its article."""
    text = document.fields.get("text")
    if document.collection.name != "regulations" or text is None:
        return [document_record(document, url)]
    whole = document_record(document, url)
    records = [replace(whole, text="\n".join([document.summary or "", *text.preamble, document.unit, *document.topics]))]
    for article in text.articles:
        place = f"{article.chapter.label} {article.chapter.title}" if article.chapter else ""
        records.append(replace(
            whole,
            url=f"{url}#{article.anchor}",
            title=f"{document.title} {article.label}",
            text="\n".join([*article.paragraphs, place]),
        ))
    return records


def page_record(url: str, title: str, markdown: str) -> SearchRecord:
    """A hand-written page such as the help page: searchable, filed under 其他页面."""
    return SearchRecord(
        url=url,
        title=title,
        collection=OTHER_PAGES,
        date="",
        text=markdown_to_text(markdown),
        filters={"collection": [OTHER_PAGES]},
    )
