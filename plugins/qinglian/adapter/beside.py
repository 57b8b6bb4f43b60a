"""What runs beside the page rendering, each in a child process: the search index and the study packs."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files

from ..config import QinglianConfig
from ..content.loader import LoadResult
from ..failures import InfrastructureFailure
from ..incremental import IncrementalBuild
from ..incremental.engine_workers import worker_count
from ..packs import PackBuilder, PackFailure, PackToolMissing, pack_catalog, pack_jobs
from ..search.indexer import IndexReport, SearchIndexer
from ..structure.document import Document
from ..views.generated import GeneratedPage
from ..views.pages import PortalViews
from .content import pack_options
from .search_feed import finish_index, search_records

log = get_plugin_logger(__name__)


class BesideRendering:
    """Started when the files are known, finished after the last page; cancelled when the build fails."""

    def __init__(self) -> None:
        self.indexer: SearchIndexer | None = None
        self.packs: PackBuilder | None = None
        self.search_report: IndexReport | None = None

    def start(
        self, files: Files, config: MkDocsConfig, options: QinglianConfig, loaded: LoadResult, views: PortalViews,
        generated: list[GeneratedPage], build: IncrementalBuild, root: Path,
    ) -> None:
        if build.folders is None:
            return
        if options.search:
            self.indexer = SearchIndexer(build.folders.search)
            self.indexer.start(search_records(files, loaded, views, generated, config.use_directory_urls, root, build))
        # The packs of this build's documents: a preview that kept the last build's views has edited bodies.
        packs = pack_catalog(loaded.corpus, pack_options(options)) if options.packs else []
        if packs:
            roots = (Path(config.docs_dir).resolve(), Path(root / options.content_dir).resolve())
            self.packs = PackBuilder(build.folders.packs, 1 if build.serving else worker_count(options.workers))
            try:
                self.packs.start(pack_jobs(packs, loaded.corpus, config.site_name, roots))
            except PackToolMissing as exc:
                self.packs = None
                raise InfrastructureFailure(str(exc)) from None

    def finish(self, site_dir: Path, build: IncrementalBuild, documents: dict[str, Document], directory_urls: bool) -> None:
        live = build.linked.live if build.linked is not None else None
        if self.indexer is not None:
            indexer, self.indexer = self.indexer, None
            self.search_report = finish_index(indexer, site_dir, build.serving, documents, directory_urls, live)
        if self.packs is not None:
            packs, self.packs = self.packs, None
            try:
                report = packs.finish(site_dir, live)
            except PackFailure as exc:
                raise InfrastructureFailure(str(exc)) from None
            done = f"重新排版 {report.typeset} 份，用时 {report.seconds:.1f} 秒（与页面生成同时进行）" if report.typeset else "内容未变，沿用缓存"
            log.info(f"学习资料汇编：{report.packs} 份；{done}。")

    def cancel(self) -> None:
        for work in (self.indexer, self.packs):
            if work is not None:
                work.cancel()
        self.indexer = self.packs = None
