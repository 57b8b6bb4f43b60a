"""The MkDocs adapter: event handlers that feed the content model into a MkDocs build."""

from __future__ import annotations

from collections.abc import Callable
import contextlib
import html
import os
from importlib import metadata, resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markdown.extensions.toc import slugify_unicode
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.utils import get_build_date as build_date
from jinja2 import Environment
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from .cache_store import CacheBusy, CacheError, cache_folder, cache_lock, project_cache, refuse_tracked
from .config import QinglianConfig
from .failures import InfrastructureFailure
from .content.comments import without_comments
from .content.frontmatter import FrontMatterError, split_front_matter
from .content.links import unlink_withheld
from .cached_pages import PageReuse, SourceMemo, linked_sources, own_code, theme_templates
from .page_cache import PageCache
from .preview import LastBuild, QuickRebuild, quick_rebuild
from .content.quick_reload import ContentState
from .search.text import remember_texts
from .fragment_cache import FragmentCache, shared_navigation_key
from .inline_assets import FOLDER as INLINE_FOLDER, ForeignScript, InlineAssets, ThemeScripts
from .kept_site import KeptSite
from .preview_errors import PreviewErrors
from .watcher import watch_with_file_events
from .content.hand_written import check_hand_written, is_exempt
from .content.html_policy import check_html
from .content.loader import LoadResult, load_content
from .content.memo import DocumentMemo
from .structure.clock import BUILD_DATE_VARIABLE, BuildClock, ClockError, build_clock
from .structure.document import Document
from .search.indexer import SEARCH_FOLDER, IndexReport, SearchIndexError, SearchIndexer, SearchIndexRefused
from .search.limits import MAX_PAGE_TOKENS, bounded, cut_line
from .search import tokens as search_tokens
from .search.records import SearchRecord, page_record, records_of
from .structure.problems import ProblemLog, Severity, display_path
from .views.compiled import COMPILED_TEMPLATES
from .views.generated import GeneratedFile
from .views.pages import GeneratedHtmlRefused, GeneratedPage, PortalViews, hand_written_navigation, navigation
from .views.rendering import PortalSettings
from .views.search_box import SEARCH_SCRIPT, with_search_box
from .views.urls import page_url

log = get_plugin_logger(__name__)

ASSETS = "assets/qinglian"
STYLESHEET = f"{ASSETS}/qinglian.css"


class QinglianPlugin(BasePlugin[QinglianConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.loaded: LoadResult | None = None
        self.views: PortalViews | None = None
        self.documents: dict[str, Document] = {}
        self.generated: list[GeneratedPage] = []
        self.generated_files: list[GeneratedFile] = []
        # Withheld documents by src_uri, for the links that lead to them.
        self.withheld_pages: dict[str, Document] = {}
        self.root = Path.cwd()
        self.inline_assets = InlineAssets()
        self.indexer: SearchIndexer | None = None
        self.search_report: IndexReport | None = None
        self.reuse: PageReuse | None = None
        self.navigation: Navigation | None = None
        # Defining on_startup keeps this object across the rebuilds of ``mkdocs serve``, and
        # with it the documents read by the last rebuild.
        self.memo: DocumentMemo | None = None
        self.kept_site: KeptSite | None = None
        self.files: Files | None = None
        self.last_page_cache: PageCache | None = None
        self.sources: SourceMemo | None = None
        self.last_build: LastBuild | None = None
        self.quick: QuickRebuild | None = None
        # Documents a preview rebuild shows MkDocs, when it leaves the rest in place.
        self.subset: set[str] | None = None
        # A build of this ``mkdocs serve`` succeeded (and wrote the page cache's index).
        self.preview_built = False
        self.serving = False
        self.build_error: Exception | None = None
        # What the preview shows in the browser while the content has errors.
        self.preview_errors = PreviewErrors()
        # The project's cache lock, held from pre_build until the build ends.
        self._lock: contextlib.ExitStack | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        if command == "serve":
            self.serving = True
            self.sources = {}
            remember_texts()
            if not dirty:
                self.kept_site = KeptSite()

    def content_dir(self, config: MkDocsConfig) -> Path:
        return (Path(config.config_file_path).parent / self.config.content_dir).resolve()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if STYLESHEET not in config.extra_css:
            config.extra_css.insert(0, STYLESHEET)
        # Our templates (a Chinese 404 page) take precedence over the theme's.
        theme_dir = str(resources.files("qinglian").joinpath("theme"))
        if theme_dir not in config.theme.dirs:
            config.theme.dirs.insert(0, theme_dir)
        # The default heading ids drop Chinese entirely; readings link to headings by their text.
        config.mdx_configs.setdefault("toc", {}).setdefault("slugify", slugify_unicode)
        if self.config.search:
            if SEARCH_SCRIPT not in config.extra_javascript:
                config.extra_javascript.append(SEARCH_SCRIPT)
            if "search" in config.plugins or "material/search" in config.plugins:
                log.warning("mkdocs.yml 的 plugins 中有 search：qinglian 自带全站搜索，请删除 search，否则页面上会有两个搜索框。")
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Validate before MkDocs cleans site_dir, so bad content leaves the last good site in place.
        self.documents = {}
        # ``mkdocs serve`` keeps this object across rebuilds; each build's inline files are its own.
        self.inline_assets = InlineAssets()
        self.subset = None
        root = self.root = Path(config.config_file_path).parent.resolve()
        clock = self._clock()
        self._hold_caches("mkdocs serve" if self.serving else "mkdocs build")
        if self.reuse is not None:
            self.reuse.close()
        self.reuse = None
        if self.config.page_cache:
            self.reuse = PageReuse(self._cache("pages"), config, self.last_page_cache, self.sources)
            if self.kept_site is not None:
                self.last_page_cache = self.reuse.cache
        if self.memo is None and self.config.page_cache:
            # What reads a document: this code and the YAML parser.
            self.memo = DocumentMemo.read(self._memo_file(), f"{own_code()} pyyaml={metadata.version('pyyaml')}")
        elif self.memo is None and self.serving:
            self.memo = DocumentMemo()
        last, self.last_build, self.quick = self.last_build, None, None
        state = ContentState.of(self.content_dir(config)) if self.serving and self.memo is not None else None
        if state is not None and self.memo is not None and self.reuse is not None:
            self.quick = quick_rebuild(last, state, clock.today, self.reuse.cache.salt, self.memo, root)
        if self.quick is not None:
            loaded = self.quick.last.loaded
        else:
            loaded = load_content(self.content_dir(config), root, self.config.vocabulary, today=clock.today, memo=self.memo)
            if self.memo is not None:
                self.memo.forget_unseen()
            # Kept even when the content fails its checks: the next build reads only what was fixed.
            # A preview server keeps it at its first build and when it stops.
            if not self.preview_built:
                self._keep_memo()
            if not self.serving:
                # One build per process: the memo has done its work, and holds a copy of every document.
                self.memo = None
        hand_written = check_hand_written(Path(config.docs_dir), root, self.config.raw_html_exempt, own_assets(config))
        for exempted in hand_written.exempted:
            log.info(f"{exempted}：按 mkdocs.yml 中 raw_html_exempt 的设置，未检查该页面中的 HTML。")
        problems = ProblemLog([*loaded.log.problems, *hand_written.log.problems])
        for problem in problems.sorted():
            (log.error if problem.severity is Severity.ERROR else log.warning)(str(problem))
        errors, warnings = len(problems.errors), len(problems.warnings)
        failed = problems.fails(config.strict)
        self.preview_errors.problems = [str(problem) for problem in problems.sorted()] if failed else []
        if failed and not (self.serving and not self.preview_built):
            raise PluginError(
                f"内容检查未通过：{errors} 个错误，{warnings} 个警告（见上文）。网站没有生成，原有输出保持不变。"
            )
        # The first build of a preview goes on with the documents that passed: the server then
        # starts, and shows the problems in the browser until they are fixed.
        self.loaded = loaded
        if self.quick is not None:
            last_build = self.quick.last
            self.views, self.generated, self.generated_files = last_build.views, last_build.generated, last_build.generated_files
            log.info(f"预览：只有 {len(self.quick.changed)} 篇文档的正文有变化，其余页面沿用上一次生成的结果。")
        else:
            self.views = PortalViews(
                loaded.corpus,
                PortalSettings(
                    site_name=config.site_name,
                    site_url=config.site_url or "",
                    page_size=self.config.page_size,
                    related_count=self.config.related_count,
                    home_latest=self.config.home_latest,
                    directory_urls=config.use_directory_urls,
                    slugify=heading_slugify(config),
                ),
                clock,
            )
            if loaded.corpus.sessions and not config.site_url:
                log.warning("mkdocs.yml 没有设置 site_url：日历订阅（.ics）中的链接将是相对地址，Outlook 无法打开。")
            self.generated = self.views.generated_pages() + ([self.views.search_page()] if self.config.search else [])
            self.generated_files = self.views.generated_files()
            last_build = None
        if state is not None and self.reuse is not None:
            self.last_build = last_build or LastBuild(
                state, loaded, self.views, self.generated, self.generated_files, self.reuse.cache.salt
            )
            self.last_build.page_keys = self.reuse.keys
        self.withheld_pages = {d.src_uri: d for d in loaded.withheld}
        docs_dir = Path(config.docs_dir)
        taken = [document.src_uri for document in (*loaded.corpus.documents, *loaded.withheld)]
        in_docs = hand_written_paths(docs_dir)
        conflicts = [uri for uri in (*taken, *(page.src_uri for page in self.generated)) if uri in in_docs]
        if conflicts:
            for uri in conflicts:
                log.error(f"{display_path(docs_dir / uri, root)}: 与自动生成的页面地址冲突，请删除或改名 docs 中的这个文件。")
            raise PluginError(f"{len(conflicts)} 个手写页面与自动生成的页面地址冲突。网站没有生成，原有输出保持不变。")
        if self.kept_site is not None:
            self.kept_site.set_aside(Path(config.site_dir))

    def _cache(self, name: str) -> Path:
        configured = {"pages": self.config.page_cache_dir, "search": self.config.search_cache_dir}[name]
        return cache_folder(self.root, self.config.cache_dir, configured, name)

    def _hold_caches(self, purpose: str) -> None:
        """Take the project's cache lock for this build, and refuse caches that git tracks."""
        self._release_caches()
        stack = contextlib.ExitStack()
        try:
            folders = [project_cache(self.root, self.config.cache_dir), self._cache("pages"), self._cache("search")]
            refuse_tracked(folders, self.root)
            stack.enter_context(cache_lock(folders[0], float(self.config.cache_lock_wait), purpose, log.info))
        except CacheError as exc:
            raise InfrastructureFailure(str(exc), busy=isinstance(exc, CacheBusy)) from None
        self._lock = stack

    def _release_caches(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _memo_file(self) -> Path:
        # Beside the pages it saves reading for; deleted with them.
        return self._cache("pages") / "documents.json"

    def _keep_memo(self) -> None:
        if self.memo is not None and self.config.page_cache:
            self.memo.write(self._memo_file())

    def _clock(self) -> BuildClock:
        fixed = os.environ.get(BUILD_DATE_VARIABLE) or (str(self.config.build_date) if self.config.build_date else None)
        try:
            clock = build_clock(self.config.timezone, fixed)
        except ClockError as exc:
            source = BUILD_DATE_VARIABLE if os.environ.get(BUILD_DATE_VARIABLE) else "mkdocs.yml 中 qinglian 的 timezone/build_date"
            raise PluginError(f"{source}：{exc}") from None
        if fixed:
            log.info(f"构建日期固定为 {clock.now.isoformat()}（{clock.zone.key}）。")
        return clock

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        loaded, _ = self._state()
        for asset in ("qinglian.css", "quiz.js", "search.js", "early.js", "regulation.js"):
            content = resources.files("qinglian.assets").joinpath(asset).read_bytes()
            files.append(File.generated(config, f"{ASSETS}/{asset}", content=content))
        for generated_file in self.generated_files:
            files.append(File.generated(config, generated_file.uri, content=generated_file.content))
        # Withheld documents are MkDocs drafts: built by ``mkdocs serve`` for preview, never by ``build``.
        inclusions = [
            *((d, InclusionLevel.NOT_IN_NAV) for d in loaded.corpus.documents),
            *((d, InclusionLevel.DRAFT) for d in loaded.withheld),
        ]
        self.documents = {document.src_uri: document for document, _ in inclusions}
        self.subset = self._unchanged_elsewhere(files)
        for document, inclusion in inclusions:
            if self.subset is None or document.src_uri in self.subset:
                files.append(File.generated(config, document.src_uri, abs_src_path=str(document.source), inclusion=inclusion))
        content_dir = self.content_dir(config)
        for attachment in loaded.attachments:
            files.append(File.generated(config, attachment.relative_to(content_dir).as_posix(), abs_src_path=str(attachment)))
        hand_written = sorted(
            f.src_uri for f in files.documentation_pages() if f.src_uri not in self.documents and f.inclusion.is_in_nav()
        )
        for page in self.generated:
            if self.subset is not None and not page.in_nav:
                continue
            files.append(File.generated(
                config,
                page.src_uri,
                content=page.markdown,
                inclusion=InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV,
            ))
        if config.nav is None and self.config.navigation:
            config.nav = navigation(
                self.generated,
                "index.md" in hand_written,
                hand_written_navigation([uri for uri in hand_written if uri != "index.md"], self._page_title(files)),
            )
        if self.reuse is not None:
            self.reuse.create_pages(files, config)
        if self.config.search:
            # Indexing runs beside the page rendering, on the second core.
            self.indexer = SearchIndexer(self._cache("search"))
            self.indexer.start(self._search_records(files, config))
        return files

    def _unchanged_elsewhere(self, files: Files) -> set[str] | None:
        """For a preview rebuild after text edits: the documents MkDocs must see, or None for all.

        The other pages are the same as the last rebuild left them in the site folder, so MkDocs
        is not shown them at all (its own work per page was most of such a rebuild): only the
        changed documents, the documents they link to, and the pages in the navigation.
        """
        others = (frozenset(file.src_uri for file in files), build_date())
        previous = (self.quick.last.hand_written, self.quick.last.build_date) if self.quick is not None else None
        if self.last_build is not None:
            self.last_build.hand_written, self.last_build.build_date = others
        if self.quick is None or self.kept_site is None or self.reuse is None or previous != others:
            return None
        kept = set(self.quick.changed)
        for src_uri in self.quick.changed:
            kept |= linked_sources(src_uri, self.documents[src_uri].body)
        return kept

    def _search_records(self, files: Files, config: MkDocsConfig) -> list[SearchRecord]:
        loaded, views = self._state()
        directory_urls = config.use_directory_urls
        scheduling = views.calendar.calendar.scheduling
        known = self.quick.last.document_records if self.quick is not None else {}
        changed = self.quick.changed if self.quick is not None else set()
        by_document = {
            d.src_uri: known[d.src_uri]
            if d.src_uri in known and d.src_uri not in changed
            else records_of(d, page_url(d.src_uri, directory_urls), scheduling(d))
            for d in loaded.corpus.documents
        }
        if self.last_build is not None:
            self.last_build.document_records = by_document
        records = [
            self._bounded(record, d.body, d.body_line, d.shown_path)
            for d in loaded.corpus.documents
            for record in by_document[d.src_uri]
        ]
        generated = {page.src_uri for page in self.generated}
        for file in files.documentation_pages():
            if file.src_uri in self.documents or file.src_uri in generated or not file.inclusion.is_included():
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
            shown = display_path(Path(file.abs_src_path), self.root) if file.abs_src_path else file.src_uri
            records.append(self._bounded(record, source.body, source.body_line, shown))
        return records

    @staticmethod
    def _bounded(record: SearchRecord, body: str, body_line: int, shown: str) -> SearchRecord:
        indexed, cut = bounded(record)
        if cut is not None:
            log.warning(
                f"{shown}:{cut_line(body, body_line, cut.rest)}: 字段“正文”应为不超过 {MAX_PAGE_TOKENS} 个不同检索词的正文，"
                f"实际约有 {cut.tokens} 个。从这一行起的内容不进入站内搜索（页面照常显示）；请检查是否粘贴了乱码或大段无关文字。"
            )
        return indexed

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.navigation = nav
        return nav

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        env.globals["qinglian_cached"] = FragmentCache()
        env.bytecode_cache = COMPILED_TEMPLATES
        self.files = files
        if self.kept_site is not None:
            self.kept_site.put_back()
        templates = theme_templates(config.theme.dirs)
        self.inline_assets.theme_scripts = ThemeScripts.from_templates(
            source for name, source in templates.items() if name.endswith(".html")
        )
        if self.reuse is not None and self.navigation is not None:
            self.reuse.lay_out(templates, self.navigation, files)
        return env

    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
        context["qinglian_shared"] = shared_navigation_key(page.url, page.file.inclusion.is_in_nav() or page.is_homepage)
        if self.reuse is not None:
            try:
                self.reuse.context(page)
            except CacheError as exc:
                raise InfrastructureFailure(str(exc)) from None
        return context

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """The page's file as MkDocs would read it; a file moved away during the build is an error, not a traceback."""
        path = page.file.abs_src_path
        if not path:
            return None
        try:
            return Path(path).read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            return None
        except OSError:
            raise PluginError(
                f"{self._shown_path(page)}: 文件在生成过程中被移动、改名或删除。网站没有生成，原有输出保持不变；请再生成一次。"
            ) from None

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        loaded, views = self._state()
        # The theme prints these as HTML; a value from front matter is text.
        for key in ("title", "description", "subtitle"):
            if isinstance(page.meta.get(key), str):
                page.meta[key] = html.escape(page.meta[key])
        document = self.documents.get(page.file.src_uri)
        markdown = without_comments(self._unlink_withheld(markdown, page, document, loaded))
        if document is not None and document.collection.name == "quizzes":
            # A quiz is a task of its own: the section navigation would only add weight.
            page.meta.setdefault("hide", ["navigation"])
        known_key = self.quick.known_key(page.file.src_uri) if self.quick is not None else None
        if known_key is not None and self.reuse is not None and (document is not None or page.file.generated_by):
            if self.reuse.begin_known(page, known_key):
                return markdown
            if document is None:
                # A generated page's blocks were filled in by the last build and are gone.
                raise PluginError(f"页面缓存中缺少 {page.file.src_uri}（缓存在预览期间被删除？）；再保存一次任一文件即可完整重新生成。")
        if document is not None:
            markdown = views.document_markdown(document, markdown)
        elif page.is_homepage:
            markdown = views.home_markdown(page.file.src_uri, markdown)
        if self.reuse is not None:
            self.reuse.begin(page, markdown, files)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        _, views = self._state()
        if self.reuse is not None and self.reuse.reused(page):
            if self.reuse.assembled(page):
                views.release(page.markdown or "")
            return self._release_markdown(html, page)
        messages = self.reuse.rendered(page) if self.reuse is not None else []
        # The sources passed the raw-HTML policy before the build began; this is the second
        # line of defence, on what Markdown actually made of them.
        if not is_exempt(page.file.src_uri, self.config.raw_html_exempt):
            violations = check_html(html)
            if violations:
                shown = self._shown_path(page)
                found = "、".join(v.found for v in violations[:3])
                raise PluginError(f"{shown}: 正文应只含允许的 HTML，实际含有 {found}。{violations[0].hint}")
        try:
            html = views.fill(html)
        except GeneratedHtmlRefused as exc:
            raise PluginError(f"{self._shown_path(page)}: 网站生成的区块含有不允许的 HTML {exc}；请把这条信息报告给开发人员。") from None
        if self.reuse is not None:
            self.reuse.store_body(page, html, messages)
        return self._release_markdown(html, page)

    def _release_markdown(self, html: str, page: Page) -> str:
        if page.file.src_uri in self.documents:
            # MkDocs keeps every page until all are written; a document's Markdown is not needed
            # again, and dropping it saves a third of a large portal's memory. Not None: a page
            # without Markdown has no title for MkDocs; an empty one keeps its meta title.
            page.markdown = ""
        return html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if self.reuse is not None and self.reuse.reuses_page(page, self.inline_assets.files):
            if self._in_place(page):
                return ""
            try:
                return self.reuse.stored_page(page)
            except CacheError as exc:
                raise InfrastructureFailure(str(exc)) from None
        root = "../" * page.url.count("/")
        if self.config.search:
            output = with_search_box(output, root or "./")
        output = self._externalise(output, root, self._shown_path(page))
        if self.reuse is not None:
            self.reuse.store_page(page, output, self.inline_assets.files)
            if self._in_place(page):
                return ""
        return output

    def _in_place(self, page: Page) -> bool:
        """The file the last preview rebuild wrote is this page (MkDocs writes nothing for an empty page)."""
        made_by = self.reuse.made_by(page) if self.reuse is not None else None
        return bool(self.kept_site and made_by and self.kept_site.unchanged(page.file.src_uri, page.file.abs_dest_path, made_by))

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        if self.subset is not None and template_name == "sitemap.xml" and self.kept_site is not None:
            # The same pages at the same addresses as the last rebuild: its sitemap stays.
            self.kept_site.keep_template(template_name)
            return ""
        # The 404 page is served at any address, so it reaches the root by an absolute path.
        if template_name.endswith(".html"):
            root = urlsplit(config.site_url or "/").path or "/"
            root = root if root.endswith("/") else root + "/"
            if self.config.search:
                output_content = with_search_box(output_content, root)
            return self._externalise(output_content, root, template_name)
        return output_content

    def _externalise(self, output: str, root: str, shown: str) -> str:
        try:
            return self.inline_assets.externalise(output, root)
        except ForeignScript as exc:
            raise PluginError(
                f"{shown}: 页面中出现了主题之外的内嵌脚本（{exc.script[:80]!r}）。"
                "脚本不会被发布；请检查该页面的正文、元数据和模板。"
            ) from None

    def _shown_path(self, page: Page) -> str:
        document = self.documents.get(page.file.src_uri)
        if document is not None:
            return document.shown_path
        return display_path(Path(page.file.abs_src_path), self.root) if page.file.abs_src_path else page.file.src_uri

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.inline_assets.write(Path(config.site_dir))
        if self.reuse is not None:
            if self.subset is not None and self.quick is not None:
                # Pages MkDocs did not see keep their keys and their cache entries.
                self.reuse.cache.keep(self.quick.previous_keys.values())
                if self.last_build is not None:
                    self.last_build.page_keys = {**self.quick.previous_keys, **self.reuse.keys}
            # Writing the cache's index after every save of a preview costs that preview a
            # rebuild's worth of pickling at 10,000 documents: the first build of ``mkdocs
            # serve`` and its end write it (on_shutdown).
            self.reuse.finish(persist=self.kept_site is None or not self.preview_built)
            log.info(f"页面缓存：{self.reuse.reused_bodies} 个页面沿用缓存的正文，其中 {self.reuse.reused_pages} 个整页沿用。")
            self.reuse = None
        if self.indexer is not None:
            try:
                report = self.search_report = self.indexer.finish(Path(config.site_dir), link=self.serving)
            except SearchIndexRefused as exc:
                raise PluginError(self._too_many_words(exc.args[0], config)) from None
            except SearchIndexError as exc:
                raise InfrastructureFailure(str(exc)) from None
            finally:
                self.indexer = None
            summary = report.summary
            done = f"重新生成，用时 {report.seconds:.1f} 秒（与页面生成同时进行）" if report.rebuilt else "页面未变，沿用缓存"
            log.info(f"搜索索引：{summary.pages} 个页面，{summary.tokens} 个检索词，{summary.buckets} 个分块；{done}。")
        if self.kept_site is not None and self.files is not None:
            produced, rewritten = produced_files(config, self.files, self.inline_assets.files)
            self.kept_site.finish(produced, rewritten, carried_over=self.subset is not None)
            self.preview_built = True
        self._release_caches()

    def _too_many_words(self, urls: list[str], config: MkDocsConfig) -> str:
        shown = {page_url(uri, config.use_directory_urls): d.shown_path for uri, d in self.documents.items()}
        named = "、".join(shown.get(url, url) for url in urls) or "（未知）"
        return (
            f"{named}: 全站不同的字母数字词语应不超过 {search_tokens.MAX_WORDS} 个，这些文件带来的新词最多，使总数超出。"
            "请检查其中是否粘贴了乱码或大量编号。网站没有生成，原有输出保持不变。"
        )

    def on_shutdown(self) -> None:
        unsaved = self.last_page_cache is not None and self.last_page_cache.unsaved
        if not unsaved and (self.memo is None or not self.config.page_cache):
            return
        try:
            self._hold_caches("mkdocs serve 结束")
        except InfrastructureFailure as exc:
            log.warning(f"缓存没有保存：{exc}")
            return
        try:
            if unsaved and self.last_page_cache is not None:
                self.last_page_cache.persist()
            self._keep_memo()
        finally:
            self._release_caches()

    def on_build_error(self, *, error: Exception) -> None:
        # MkDocs turns the error into its own Abort; qinglian publish asks what it was.
        self.build_error = error
        self.last_build = self.quick = None
        if self.kept_site is not None:
            self.kept_site.fail()
        if self.reuse is not None:
            self.reuse.close()
            self.reuse = None
        if self.indexer is not None:
            self.indexer.cancel()
            self.indexer = None
        self._release_caches()

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        server.watch(str(self.content_dir(config)))
        self.preview_errors.install(server)
        if self.config.preview_watcher == "native":
            refused = watch_with_file_events(server)
            if refused is not None:
                log.warning(f"系统的文件变化通知不可用（{refused}），预览改为每 0.5 秒检查一次文件。")
        return server

    def _unlink_withheld(self, markdown: str, page: Page, document: Document | None, loaded: LoadResult) -> str:
        if not self.withheld_pages:
            return markdown
        unlinked, links = unlink_withheld(markdown, page.file.src_uri, 1, self.withheld_pages)
        if not links:
            return markdown
        # MkDocs hands over the text without its front matter; find where it starts in the file.
        source = page.file.content_string
        offset = source.count("\n", 0, max(source.find(markdown[:80]), 0))
        shown = document.shown_path if document else display_path(Path(page.file.abs_src_path or page.file.src_path), self.root)
        for link in links:
            reason = link.document.withheld(loaded.today)
            log.warning(
                f"{shown}:{link.line + offset}: 链接“{link.text}”指向未发布的文档 {link.document.key}"
                f"（{reason.value if reason else ''}），已显示为普通文字。"
            )
        return unlinked

    @staticmethod
    def _page_title(files: Files) -> Callable[[str], str | None]:
        def title_of(src_uri: str) -> str | None:
            file = files.get_file_from_path(src_uri)
            if file is None:
                return None
            try:
                title = split_front_matter(file.content_string).data.get("title")
            except FrontMatterError:
                return None
            # Section titles reach the theme's navigation as HTML.
            return html.escape(title) if isinstance(title, str) else None

        return title_of

    def _state(self) -> tuple[LoadResult, PortalViews]:
        if self.loaded is None or self.views is None:
            raise PluginError("qinglian: content was not loaded; the pre_build event did not run.")
        return self.loaded, self.views


def produced_files(config: MkDocsConfig, files: Files, inline_assets: dict[str, bytes]) -> tuple[set[str], set[str]]:
    """Every file a preview build writes, and the folders it writes anew as a whole."""
    site = Path(config.site_dir)
    produced = {file.abs_dest_path for file in files if file.inclusion.is_in_serve()}
    for template in config.theme.static_templates:
        produced |= {str(site / template), str(site / f"{template}.gz")}
    produced |= {str(site / INLINE_FOLDER / name) for name in inline_assets}
    return produced, {str(site / SEARCH_FOLDER)}


def hand_written_paths(docs_dir: Path) -> set[str]:
    """Every entry under docs_dir (files, folders, links), by its path relative to it."""
    found: set[str] = set()
    for current, folders, names in os.walk(docs_dir):
        relative = os.path.relpath(current, docs_dir).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        found.update(prefix + name for name in (*folders, *names))
    return found


def own_assets(config: MkDocsConfig) -> list[str]:
    """The site's own stylesheets and scripts in docs/, which may be published as they are."""
    names = [*config.extra_css, *(getattr(script, "path", script) for script in config.extra_javascript)]
    return [str(name) for name in names if name not in (STYLESHEET, SEARCH_SCRIPT)]


def heading_slugify(config: MkDocsConfig) -> Callable[[str], str]:
    """The toc extension's own slug function, so links to headings match their ids."""
    toc = config.mdx_configs.get("toc", {})
    slugify = toc.get("slugify", slugify_unicode)
    separator = toc.get("separator", "-")
    return lambda text: slugify(text, separator)
