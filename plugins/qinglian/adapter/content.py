"""The build's content: checked and reported before the engine touches the site folder, then the views."""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from markdown.extensions.toc import slugify_unicode
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from ..config import QinglianConfig
from ..content.hand_written import check_hand_written
from ..content.loader import LoadResult
from ..incremental import CacheFolders
from ..markdown import CommonMarkBodies
from ..packs import PackOptions, pack_catalog
from ..structure.clock import BUILD_DATE_VARIABLE, BuildClock, ClockError, build_clock
from ..structure.problems import ProblemLog, Severity, display_path
from ..views.generated import GeneratedFile, GeneratedPage
from ..views.pages import PortalViews
from ..views.rendering import BlockMemo, PortalSettings
from ..views.search_box import SEARCH_SCRIPT
from ..learning.pages import LEARNING_SCRIPT

log = get_plugin_logger(__name__)

ASSETS = "assets/qinglian"
STYLESHEET = f"{ASSETS}/qinglian.css"


def log_read_ahead(workers: int, documents: int, seconds: float) -> None:
    log.info(f"并行读取：{workers} 个进程读取并检查了 {documents} 篇文档，用时 {seconds:.1f} 秒。")


def log_kept(kept: tuple[int, int] | None) -> None:
    if kept is not None:
        log.info(f"页面依赖：{kept[0]} 个页面（共 {kept[1]} 个）所依赖的内容与上次生成时相同，沿用记录的缓存键，不再重新组装。")


def log_reused(reused: tuple[int, int] | None) -> None:
    if reused is not None:
        log.info(f"页面缓存：{reused[0]} 个页面沿用缓存的正文，其中 {reused[1]} 个整页沿用。")


def configure(config: MkDocsConfig, options: QinglianConfig) -> None:
    """The portal's stylesheet, templates, heading ids and search in the site's configuration."""
    if options.workers < 0:
        raise PluginError(f"mkdocs.yml 中 qinglian 的 workers 应为 0（使用全部处理器核心）或正整数，实际为 {options.workers}。")
    if STYLESHEET not in config.extra_css:
        config.extra_css.insert(0, STYLESHEET)
    # Our templates (a Chinese 404 page) take precedence over the theme's.
    theme_dir = str(resources.files("qinglian").joinpath("theme"))
    if theme_dir not in config.theme.dirs:
        config.theme.dirs.insert(0, theme_dir)
    # The default heading ids drop Chinese entirely; readings link to headings by their text.
    config.mdx_configs.setdefault("toc", {}).setdefault("slugify", slugify_unicode)
    # Documents' bodies are CommonMark (qinglian.markdown); hand-written pages keep Python-Markdown.
    if not any(isinstance(e, CommonMarkBodies) for e in config.markdown_extensions):
        config.markdown_extensions.append(CommonMarkBodies())
    # Every page: 已学 marks on links and quizzes passed, and the learning pages' own views.
    if LEARNING_SCRIPT not in config.extra_javascript:
        config.extra_javascript.append(LEARNING_SCRIPT)
    if options.search:
        if SEARCH_SCRIPT not in config.extra_javascript:
            config.extra_javascript.append(SEARCH_SCRIPT)
        if "search" in config.plugins or "material/search" in config.plugins:
            log.warning("mkdocs.yml 的 plugins 中有 search：qinglian 自带全站搜索，请删除 search，否则页面上会有两个搜索框。")


def cache_folders(config: MkDocsConfig, options: QinglianConfig, root: Path, content_dir: Path, dest: Path | None) -> CacheFolders:
    """The project's cache folders, none of which may hold or be inside the docs, content, site or publish destination."""
    published = (Path(config.docs_dir), content_dir, Path(config.site_dir), *((dest,) if dest else ()))
    return CacheFolders.of(root, options.cache_dir, options.page_cache_dir, options.search_cache_dir, published)


def clock_of(options: QinglianConfig) -> BuildClock:
    """The build's date and time zone; a fixed date (for reproducible builds) is said in the log."""
    fixed = os.environ.get(BUILD_DATE_VARIABLE) or (str(options.build_date) if options.build_date else None)
    try:
        clock = build_clock(options.timezone, fixed)
    except ClockError as exc:
        source = BUILD_DATE_VARIABLE if os.environ.get(BUILD_DATE_VARIABLE) else "mkdocs.yml 中 qinglian 的 timezone/build_date"
        raise PluginError(f"{source}：{exc}") from None
    if fixed:
        log.info(f"构建日期固定为 {clock.now.isoformat()}（{clock.zone.key}）。")
    return clock


def report_problems(loaded: LoadResult, config: MkDocsConfig, options: QinglianConfig, root: Path) -> ProblemLog:
    """Log every problem of the content and of the hand-written pages in docs/."""
    hand_written = check_hand_written(Path(config.docs_dir), root, options.raw_html_exempt, own_assets(config))
    for exempted in hand_written.exempted:
        log.info(f"{exempted}：按 mkdocs.yml 中 raw_html_exempt 的设置，未检查该页面中的 HTML。")
    problems = ProblemLog([*loaded.log.problems, *hand_written.log.problems])
    for problem in problems.sorted():
        (log.error if problem.severity is Severity.ERROR else log.warning)(str(problem))
    return problems


def refusal(problems: ProblemLog) -> PluginError:
    errors, warnings = len(problems.errors), len(problems.warnings)
    return PluginError(f"内容检查未通过：{errors} 个错误，{warnings} 个警告（见上文）。网站没有生成，原有输出保持不变。")


def pack_options(options: QinglianConfig) -> PackOptions:
    return PackOptions(topics=options.topic_packs, documents=options.document_pdfs)


def portal_views(
    loaded: LoadResult, config: MkDocsConfig, options: QinglianConfig, clock: BuildClock, blocks: BlockMemo | None = None
) -> tuple[PortalViews, list[GeneratedPage], list[GeneratedFile]]:
    """The views of the content, with the pages and files they generate (listings by ``blocks`` when given)."""
    views = PortalViews(
        loaded.corpus,
        PortalSettings(
            site_name=config.site_name,
            site_url=config.site_url or "",
            page_size=options.page_size,
            related_count=options.related_count,
            home_latest=options.home_latest,
            directory_urls=config.use_directory_urls,
            slugify=heading_slugify(config),
        ),
        clock,
        blocks,
        pack_catalog(loaded.corpus, pack_options(options)) if options.packs else (),
    )
    if loaded.corpus.sessions and not config.site_url:
        log.warning("mkdocs.yml 没有设置 site_url：日历订阅（.ics）中的链接将是相对地址，Outlook 无法打开。")
    generated = views.generated_pages() + ([views.search_page()] if options.search else [])
    return views, generated, views.generated_files()


def refuse_conflicts(loaded: LoadResult, generated: list[GeneratedPage], docs_dir: Path, root: Path) -> None:
    """A hand-written page at the address of a document or a generated page stops the build."""
    taken = [document.src_uri for document in (*loaded.corpus.documents, *loaded.withheld)]
    in_docs = hand_written_paths(docs_dir)
    conflicts = [uri for uri in (*taken, *(page.src_uri for page in generated)) if uri in in_docs]
    if conflicts:
        for uri in conflicts:
            log.error(f"{display_path(docs_dir / uri, root)}: 与自动生成的页面地址冲突，请删除或改名 docs 中的这个文件。")
        raise PluginError(f"{len(conflicts)} 个手写页面与自动生成的页面地址冲突。网站没有生成，原有输出保持不变。")


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
    return [str(name) for name in names if name not in (STYLESHEET, SEARCH_SCRIPT, LEARNING_SCRIPT)]


def heading_slugify(config: MkDocsConfig) -> Callable[[str], str]:
    """The toc extension's own slug function, so links to headings match their ids."""
    toc = config.mdx_configs.get("toc", {})
    slugify = toc.get("slugify", slugify_unicode)
    separator = toc.get("separator", "-")
    return lambda text: slugify(text, separator)
