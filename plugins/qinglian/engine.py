"""Building a whole site with the engine, for commands that need more than ``mkdocs build``.

This and ``plugin.py`` are the only modules that know about the engine's API; ``qinglian publish``
chooses the engine (``engines.activate``) before importing this module, and talks to it through
``build_site`` and the ``BuildReport`` it returns.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.commands import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError, PluginError

from .content.loader import LoadResult
from .engines import running
from .failures import InfrastructureFailure
from .incremental.linked_release import LinkedRelease
from .inline_assets import ThemeScripts
from .plugin import QinglianPlugin
from .views.calendar_pages import FEED_FOLDER
from .views.urls import page_url


class ContentRejected(Exception):
    """The content or the configuration has errors an editor or operator must fix."""


class InfrastructureProblem(Exception):
    """The build could not run for a reason outside the content (a cache, the disk, git)."""


class CachesBusy(InfrastructureProblem):
    """Another build, preview or publish of the project held its caches for too long."""


@dataclass
class BuildReport:
    loaded: LoadResult
    # Document key -> the site-relative HTML file that must exist.
    pages: dict[str, str]
    # The same for documents left out, whose files must not exist.
    withheld_pages: dict[str, str]
    feeds: list[str] = field(default_factory=list)
    search_indexes: list[str] = field(default_factory=list)
    site_url: str = ""
    # The inline scripts the theme's templates can write; anything else in a release is foreign.
    theme_scripts: ThemeScripts = field(default_factory=ThemeScripts)
    # What made each page file (by its path in the site), and the pages linked from the live release.
    made_by: dict[str, str] = field(default_factory=dict)
    linked: set[str] = field(default_factory=set)
    # Pages made otherwise than the live release's: the two releases cannot be the same.
    differing: int = 0


def html_file(src_uri: str, directory_urls: bool) -> str:
    url = page_url(src_uri, directory_urls)
    return url + "index.html" if url == "" or url.endswith("/") else url


def log_to_stderr() -> None:
    """Show the engine's and the plugin's messages the way ``mkdocs build`` does."""
    logger = running().logger()
    if not any(getattr(handler, "qinglian", False) for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler.qinglian = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def build_site(
    config_file: Path, site_dir: Path, site_url: str | None = None, linked: LinkedRelease | None = None, full: bool = False,
    dest: Path | None = None,
) -> BuildReport:
    """Build the portal of ``config_file`` into ``site_dir``; ``site_url`` overrides mkdocs.yml's.

    With ``linked``, pages that come out as the live release has them are hard-linked from it
    once the build is over, not written. ``full`` assembles every page, whatever the recorded
    dependencies say (they are recorded anew).

    Raises ``ContentRejected`` for problems in the content or mkdocs.yml; anything else
    (a full disk, a crash) propagates as it is.
    """
    overrides = {"site_url": site_url} if site_url else {}
    try:
        config = load_config(config_file=str(config_file), site_dir=str(site_dir), **overrides)
    except (ConfigurationError, Abort) as exc:
        raise ContentRejected(f"{config_file}: {exc}") from None
    plugin = next((p for p in config.plugins.values() if isinstance(p, QinglianPlugin)), None)
    if plugin is None:
        raise ContentRejected(f"{config_file}: plugins 中没有 qinglian。")
    config.plugins.on_startup(command="build", dirty=False)
    linked = linked or LinkedRelease()
    plugin.incremental.publish_over(linked, assemble_all=full)
    # No cache option may name the publish destination or a folder inside it.
    plugin.incremental.publish_dest = dest
    try:
        build.build(config)
        linked.link()
    except (PluginError, Abort) as exc:
        failure = plugin.build_error
        if isinstance(failure, InfrastructureFailure):
            raise (CachesBusy if failure.busy else InfrastructureProblem)(str(failure)) from None
        if isinstance(failure, PluginError) or isinstance(exc, PluginError):
            raise ContentRejected(str(failure if isinstance(failure, PluginError) else exc)) from None
        # MkDocs has logged the reasons above; its own summary is in English.
        raise ContentRejected("内容检查未通过，原因见上文。") from None
    finally:
        config.plugins.on_shutdown()
    if plugin.loaded is None:
        raise ContentRejected("qinglian 插件没有运行。")
    directory_urls = config.use_directory_urls
    return BuildReport(
        loaded=plugin.loaded,
        pages={d.key: html_file(d.src_uri, directory_urls) for d in plugin.loaded.corpus.documents},
        withheld_pages={d.key: html_file(d.src_uri, directory_urls) for d in plugin.loaded.withheld},
        feeds=[f.uri for f in plugin.generated_files if f.uri.startswith(FEED_FOLDER)],
        search_indexes=plugin.beside.search_report.files if plugin.beside.search_report else [],
        site_url=config.site_url or "",
        theme_scripts=plugin.inline_assets.theme_scripts,
        made_by=linked.made_by,
        linked=linked.linked,
        differing=linked.differing,
    )
