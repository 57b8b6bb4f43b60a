"""Pages rendered by forked workers straight into the page cache, before the engine's own serial pass.

Once the navigation is known (``on_nav``), each worker takes its share of the pages and does
what the engine would do with them: read, the ``page_markdown`` events, Markdown, the
``page_content`` events, then the theme with the ``page_context`` and ``post_page`` events.
The portal's handlers store every body and finished page in the page cache as they do in a
serial build. The engine's serial pass then finds every page in the cache, whole, and only
writes it out, so the site is the serial build's, byte for byte.

A worker logs nothing itself: what Markdown logs while rendering a body is kept with the body
(``reuse.PageReuse``) and repeated by the serial pass, with its file and line, and counts
for ``--strict`` there. A page a worker cannot render is left to the serial pass, which
meets the same error and reports it as a serial build would. A worker that dies fails the
build.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from multiprocessing.connection import Connection

from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..failures import InfrastructureFailure
from .build import IncrementalBuild
from .forked import fork_workers
from .reuse import MessageRecorder, PageReuse

log = get_plugin_logger(__name__)

# A rebuild whose recorded dependencies leave fewer pages than this per worker: forking, and
# laying out the theme in every worker, costs more than it saves (about a second on two
# cores), so the serial pass renders them.
PAGES_PER_WORKER = 20


def worker_count(configured: int) -> int:
    """``workers`` from mkdocs.yml: 0 means every core this process may run on."""
    if configured > 0:
        return configured
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def render_in_workers(count: int, config: MkDocsConfig, files: Files, nav: Navigation, build: IncrementalBuild) -> None:
    """Render every page of the build in ``count`` forked workers, into the page cache."""
    reuse = build.reuse
    every = [file.page for file in files.documentation_pages(inclusion=InclusionLevel.is_included) if file.page is not None]
    # A page whose key is known already (its dependencies are as recorded) is not assembled or rendered at all.
    pages = [page for page in every if build.known_key(page.file.src_uri) is None]
    few = len(pages) < count * PAGES_PER_WORKER and len(pages) < len(every)
    if reuse is None or count < 2 or len(pages) < 2 or few:
        return
    started = time.perf_counter()
    # The workers write through connections of their own: a batch this process left open would hold SQLite's write lock.
    reuse.cache.commit()
    workers = fork_workers(_work, [pages[number::count] for number in range(count)], (config, files, nav, reuse), "qinglian-pages")
    results = []
    for number, (process, receiving) in enumerate(workers, start=1):
        try:
            results.append(receiving.recv())
        except EOFError:
            results.append(None)
        process.join()
        if process.exitcode != 0 or results[-1] is None:
            for other, _ in workers:
                other.kill()
            raise InfrastructureFailure(
                f"并行生成页面的第 {number} 个进程（共 {count} 个）意外退出（{_how(process.exitcode)}）。"
                "本次生成已中止；常见原因是内存不足，可在 mkdocs.yml 的 qinglian 中把 workers 调小后重新生成。"
            )
    rendered = 0
    for result in results:
        reuse.adopt(result["entries"], result["rendered"], result["stored"])
        build.adopt_keys(result["keys"])
        rendered += len(result["rendered"])
    log.info(f"并行生成：{count} 个进程生成了 {rendered} 个页面的正文，用时 {time.perf_counter() - started:.1f} 秒。")


def _how(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"被信号 {signal.Signals(-exitcode).name} 终止"
        except ValueError:
            return f"被信号 {-exitcode} 终止"
    return f"退出码 {exitcode}"


def _work(share: list[Page], config: MkDocsConfig, files: Files, nav: Navigation, reuse: PageReuse, results: Connection) -> None:
    """In a worker: render ``share`` (and read the pages the navigation shows, for their titles)."""
    _quiet()
    plugins = config.plugins
    populated = set()
    mine = {page.file.src_uri for page in share}
    # The navigation shows other pages' titles; a page's title is known once it is rendered.
    for page in [*share, *(page for page in nav.pages if page.file.src_uri not in mine)]:
        if _populate(page, config, files):
            populated.add(page.file.src_uri)
    try:
        env = plugins.on_env(config.theme.get_env(), config=config, files=files)
    except Exception:  # noqa: BLE001 - nothing is finished here; the serial pass meets the same error and reports it
        populated = set()
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    finished = set()
    for page in share:
        if page.file.src_uri not in populated:
            continue
        page.active = True
        try:
            context = get_context(nav, doc_files, config, page)
            template = env.get_template(page.meta.get("template", "main.html"))
            context = plugins.on_page_context(context, page=page, config=config, nav=nav)
            plugins.on_post_page(template.render(context), page=page, config=config)
            finished.add(page.file.src_uri)
        except Exception:  # noqa: BLE001 - the serial pass renders this page again and reports the error
            pass
        finally:
            page.active = False
    # Committed before the parent reads them; a batch the disk refused drops its entries, and the serial pass renders those pages.
    reuse.cache.commit()
    keys = {src_uri: key for src_uri, key in reuse.keys.items() if src_uri in finished}
    results.send({"keys": keys, **reuse.handed_over(set(keys.values()))})
    results.close()


def _populate(page: Page, config: MkDocsConfig, files: Files) -> bool:
    """What the engine does with a page before the theme; False when it failed (the serial pass reports why)."""
    plugins = config.plugins
    try:
        page = plugins.on_pre_page(page, config=config, files=files)
        page.read_source(config)
        page.markdown = plugins.on_page_markdown(page.markdown or "", page=page, config=config, files=files)
        page.render(config, files)
        page.content = plugins.on_page_content(page.content or "", page=page, config=config, files=files)
    except Exception:  # noqa: BLE001 - as above
        return False
    return True


def _quiet() -> None:
    """A worker's messages reach the log through the serial pass, once; its own handlers are dropped."""
    for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
        if isinstance(logger, logging.Logger):
            for handler in list(logger.handlers):
                if not isinstance(handler, MessageRecorder):
                    logger.removeHandler(handler)
