"""What the search index is given: every published document's records, and the hand-written pages'."""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files

from ..content.frontmatter import FrontMatterError, split_front_matter
from ..content.loader import LoadResult
from ..failures import InfrastructureFailure
from ..incremental import IncrementalBuild
from ..search import tokens as search_tokens
from ..search.indexer import IndexReport, SearchIndexer, SearchIndexError, SearchIndexRefused
from ..search.limits import MAX_PAGE_TOKENS, bounded, cut_line
from ..search.records import SearchRecord, page_record, records_of
from ..structure.document import Document
from ..structure.problems import display_path
from ..views.generated import GeneratedPage
from ..views.pages import PortalViews
from ..views.urls import page_url

log = get_plugin_logger(__name__)


def search_records(
    files: Files,
    loaded: LoadResult,
    views: PortalViews,
    generated: list[GeneratedPage],
    directory_urls: bool,
    root: Path,
    build: IncrementalBuild,
) -> list[SearchRecord]:
    scheduling = views.calendar.calendar.scheduling
    by_document = build.search_records(
        loaded.corpus.documents, lambda d: records_of(d, page_url(d.src_uri, directory_urls), scheduling(d))
    )
    records = [
        _bounded(record, d.body, d.body_line, d.shown_path)
        for d in loaded.corpus.documents
        for record in by_document[d.src_uri]
    ]
    portal = {page.src_uri for page in generated} | {d.src_uri for d in (*loaded.corpus.documents, *loaded.withheld)}
    for file in files.documentation_pages():
        if file.src_uri in portal or not file.inclusion.is_included():
            continue
        try:
            source = split_front_matter(file.content_string)
        except FrontMatterError:
            continue
        search = source.data.get("search")
        if isinstance(search, dict) and search.get("exclude"):
            continue
        title = source.data.get("title")
        if not isinstance(title, str):
            title = next((line[2:].strip() for line in source.body.splitlines() if line.startswith("# ")), file.name)
        record = page_record(file.src_uri, page_url(file.src_uri, directory_urls), title, source.body)
        shown = display_path(Path(file.abs_src_path), root) if file.abs_src_path else file.src_uri
        records.append(_bounded(record, source.body, source.body_line, shown))
    return records


def _bounded(record: SearchRecord, body: str, body_line: int, shown: str) -> SearchRecord:
    indexed, cut = bounded(record)
    if cut is not None:
        log.warning(
            f"{shown}:{cut_line(body, body_line, cut.rest)}: 字段“正文”应为不超过 {MAX_PAGE_TOKENS} 个不同检索词的正文，"
            f"实际约有 {cut.tokens} 个。从这一行起的内容不进入站内搜索（页面照常显示）；请检查是否粘贴了乱码或大量编号。"
        )
    return indexed


def finish_index(
    indexer: SearchIndexer, site_dir: Path, serving: bool, documents: dict[str, Document], directory_urls: bool,
    live: Path | None = None,
) -> IndexReport:
    """Wait for the search index, write it into the site (beside the ``live`` release of a publish), and say what it holds."""
    try:
        report = indexer.finish(site_dir, link=serving, earlier=live)
    except SearchIndexRefused as exc:
        raise PluginError(too_many_words(exc.args[0], documents, directory_urls)) from None
    except SearchIndexError as exc:
        raise InfrastructureFailure(str(exc)) from None
    summary = report.summary
    done = f"重新生成，用时 {report.seconds:.1f} 秒（与页面生成同时进行）" if report.rebuilt else "页面未变，沿用缓存"
    log.info(f"搜索索引：{summary.pages} 个页面，{summary.tokens} 个检索词，{summary.buckets} 个分块；{done}。")
    return report


def too_many_words(urls: list[str], documents: dict[str, Document], directory_urls: bool) -> str:
    """The message when the site's words overflow the index, naming the files that brought the most."""
    shown = {page_url(uri, directory_urls): d.shown_path for uri, d in documents.items()}
    named = "、".join(shown.get(url, url) for url in urls) or "（未知）"
    return (
        f"{named}: 全站不同的字母数字词语应不超过 {search_tokens.MAX_WORDS} 个，这些文件带来的新词最多，使总数超出。"
        "请检查其中是否粘贴了乱码或大量编号。网站没有生成，原有输出保持不变。"
    )
