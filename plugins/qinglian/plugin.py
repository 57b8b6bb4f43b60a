"""The MkDocs adapter: event handlers that hand each event to the content model, the views, search or ``incremental``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from .adapter import content, page_html
from .adapter.beside import BesideRendering
from .adapter.files import add_portal_files
from .cache_store import CacheBusy, CacheError
from .config import QinglianConfig
from .content.comments import without_comments
from .content.hand_written import is_exempt
from .content.loader import LoadResult, load_content
from .failures import InfrastructureFailure
from .incremental import IncrementalBuild
from .incremental.engine_pages import CachedPages, produced_files, theme_templates
from .incremental.engine_workers import render_in_workers, worker_count
from .incremental.fragment_cache import FragmentCache, shared_navigation_key
from .incremental.watcher import watch_saves
from .inline_assets import InlineAssets, ThemeScripts
from .markdown import MARKER
from .preview_errors import PreviewErrors
from .search.text import remember_texts
from .structure.document import Document
from .views.compiled import COMPILED_TEMPLATES
from .views.generated import GeneratedFile, GeneratedPage
from .views.pages import PortalViews

log = get_plugin_logger(__name__)


class QinglianPlugin(BasePlugin[QinglianConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.loaded: LoadResult | None = None
        self.views: PortalViews | None = None
        self.documents: dict[str, Document] = {}
        self.withheld: dict[str, Document] = {}
        self.generated: list[GeneratedPage] = []
        self.generated_files: list[GeneratedFile] = []
        self.root = Path.cwd()
        self.inline_assets = InlineAssets()
        # The search index and the study packs, made while the pages render.
        self.beside = BesideRendering()
        self.navigation: Navigation | None = None
        self.files: Files | None = None
        # Defining on_startup keeps this object, and with it what the last rebuild of
        # ``mkdocs serve`` leaves the next, across the rebuilds of a preview server.
        self.incremental = IncrementalBuild(waiting=log.info)
        self.pages = CachedPages(self.incremental)
        self.build_error: Exception | None = None
        # What the preview shows in the browser while the content has errors.
        self.preview_errors = PreviewErrors()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        if command == "serve":
            self.incremental.serve(dirty=dirty)
            remember_texts()

    def content_dir(self, config: MkDocsConfig) -> Path:
        return (Path(config.config_file_path).parent / self.config.content_dir).resolve()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        content.configure(config, self.config)
        # A preview server reads mkdocs.yml again at every rebuild.
        self.incremental.page_cache, self.incremental.lock_wait = self.config.page_cache, float(self.config.cache_lock_wait)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Validate before MkDocs cleans site_dir, so bad content leaves the last good site in place.
        self.documents, self.inline_assets = {}, InlineAssets()
        build = self.incremental
        root = self.root = Path(config.config_file_path).parent.resolve()
        clock = content.clock_of(self.config)
        folders = content.cache_folders(config, self.config, root, self.content_dir(config), build.publish_dest)
        # A preview reads few files at a time, and may not fork beside its server's threads.
        workers = 1 if build.serving else worker_count(self.config.workers)
        try:
            loaded = build.start(
                folders, "mkdocs serve" if build.serving else "mkdocs build",
                config_file=Path(config.config_file_path) if config.config_file_path else None,
                directory_urls=config.use_directory_urls, content_dir=self.content_dir(config), root=root, today=clock.today,
                load=lambda memo: load_content(
                    self.content_dir(config), root, self.config.vocabulary, today=clock.today, memo=memo,
                    workers=workers, on_read_ahead=content.log_read_ahead,
                ),
            )
        except CacheError as exc:
            raise InfrastructureFailure(str(exc), busy=isinstance(exc, CacheBusy)) from None
        problems = content.report_problems(loaded, config, self.config, root)
        failed = problems.fails(config.strict)
        self.preview_errors.problems = [str(problem) for problem in problems.sorted()] if failed else []
        if failed and not build.first_preview:
            raise content.refusal(problems)
        # The first build of a preview goes on with the documents that passed: the server then
        # starts, and shows the problems in the browser until they are fixed.
        self.loaded = loaded
        taken_over = build.taken_over()
        if taken_over is not None:
            self.views, self.generated, self.generated_files, changed = taken_over
            log.info(f"预览：只有 {changed} 篇文档的正文有变化，其余页面沿用上一次生成的结果。")
        else:
            self.views, self.generated, self.generated_files = content.portal_views(loaded, config, self.config, clock, build.blocks)
            build.assembled(loaded, self.views, self.generated, self.generated_files)
        self.withheld = {d.src_uri: d for d in loaded.withheld}
        content.refuse_conflicts(loaded, self.generated, Path(config.docs_dir), root)
        build.set_aside(Path(config.site_dir))

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        loaded, views = self._state()
        build = self.incremental
        generated = (self.generated, self.generated_files)
        self.documents = add_portal_files(files, config, self.config, loaded, generated, self.content_dir(config), build)
        self.pages.create_pages(files, config)
        site_files = ((file.src_uri, file.url, str(file.inclusion)) for file in files)
        kept = build.record_dependencies(
            loaded, site_files, lambda document: bool(views.calendar.calendar.scheduling(document)), self.generated
        )
        content.log_kept(kept)
        self.beside.start(files, config, self.config, loaded, views, self.generated, build, self.root)
        return files

    @event_priority(-100)  # last: the workers render with the navigation as every plugin left it
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.navigation = nav
        if not self.incremental.serving:
            render_in_workers(worker_count(self.config.workers), config, files, nav, self.incremental)
        return nav

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        env.globals["qinglian_cached"] = FragmentCache()
        env.bytecode_cache = COMPILED_TEMPLATES
        self.files = files
        self.incremental.put_back()
        templates = theme_templates(config.theme.dirs)
        page_html.refuse_unknown_templates(files, templates, self.root)
        self.inline_assets.theme_scripts = ThemeScripts.from_templates(s for n, s in templates.items() if n.endswith(".html"))
        self.pages.lay_out(templates, self.navigation, files, config.site_url or "")
        return env

    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
        context["qinglian_shared"] = shared_navigation_key(page.url, page.file.inclusion.is_in_nav() or page.is_homepage)
        self.pages.context(page)
        return context

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        return page_html.read_source(page, lambda: self._shown(page))

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        loaded, views = self._state()
        document = self.documents.get(page.file.src_uri)
        page_html.prepared_meta(page, document)
        markdown = without_comments(page_html.without_withheld_links(markdown, page, document, loaded, self.withheld, self.root))
        if self.pages.known(page, document is not None or bool(page.file.generated_by), document is not None):
            return markdown
        if document is not None:
            markdown = MARKER + "\n" + views.document_markdown(document, markdown)
        elif page.is_homepage:
            markdown = views.home_markdown(page.file.src_uri, markdown)
        self.pages.look_up(page, markdown, files)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        _, views = self._state()
        if self.pages.reused(page):
            if self.pages.assembled(page):
                views.release(page.markdown or "")
        else:
            messages = self.pages.rendered()
            exempt = is_exempt(page.file.src_uri, self.config.raw_html_exempt)
            html = page_html.checked_body(html, self._shown(page), views, exempt)
            self.pages.store_body(page, html, messages)
        if page.file.src_uri in self.documents:
            # MkDocs keeps every page until all are written; a document's Markdown is not needed
            # again, and dropping it saves a third of a large portal's memory. Not None: a page
            # without Markdown has no title for MkDocs; an empty one keeps its meta title.
            page.markdown = ""
        return html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        stored = self.pages.finished(page, self.inline_assets.files)
        if stored is not None:
            return stored
        root = "../" * page.url.count("/")
        output = page_html.finished_page(output, root, self._shown(page), self.inline_assets, self.config.search)
        return self.pages.keep(page, output, self.inline_assets.files)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        if self.incremental.keeps_template(template_name):
            return ""
        return page_html.finished_template(output_content, template_name, config.site_url or "", self.inline_assets, self.config.search)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        build = self.incremental
        self.inline_assets.write(Path(config.site_dir))
        content.log_reused(build.finish_pages())
        self.beside.finish(Path(config.site_dir), build, self.documents, config.use_directory_urls)
        if self.files is not None:
            files = self.files
            build.finish_site(lambda: produced_files(config, files, self.inline_assets.files))
        build.release()

    def on_shutdown(self) -> None:
        refused = self.incremental.shutdown()
        if refused is not None:
            log.warning(f"缓存没有保存：{refused}")

    def on_build_error(self, *, error: Exception) -> None:
        # MkDocs turns the error into its own Abort; qinglian publish asks what it was.
        self.build_error = error
        self.beside.cancel()
        self.incremental.fail()

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        server.watch(str(self.content_dir(config)))
        self.preview_errors.install(server)
        if self.config.preview_watcher == "native":
            watch_saves(server)
        return server

    def _shown(self, page: Page) -> str:
        return page_html.shown_path(page, self.documents.get(page.file.src_uri), self.root)

    def _state(self) -> tuple[LoadResult, PortalViews]:
        if self.loaded is None or self.views is None:
            raise PluginError("qinglian: content was not loaded; the pre_build event did not run.")
        return self.loaded, self.views
