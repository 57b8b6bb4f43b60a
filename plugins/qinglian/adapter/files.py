"""The site's files as the engine sees them: the portal's assets, documents, attachments and generated pages."""

from __future__ import annotations

import html
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import get_build_date

from ..config import QinglianConfig
from ..content.frontmatter import FrontMatterError, split_front_matter
from ..content.loader import LoadResult
from ..incremental import IncrementalBuild
from ..structure.document import Document
from ..views.generated import GeneratedFile, GeneratedPage
from ..views.pages import hand_written_navigation, navigation
from .content import ASSETS

_ASSET_FILES = ("qinglian.css", "quiz.js", "exam.js", "learning.js", "practice.js", "search.js", "early.js", "regulation.js", "packs.js")


def add_portal_files(
    files: Files,
    config: MkDocsConfig,
    options: QinglianConfig,
    loaded: LoadResult,
    generated: tuple[list[GeneratedPage], list[GeneratedFile]],
    content_dir: Path,
    build: IncrementalBuild,
) -> dict[str, Document]:
    """Add the portal's files to ``files`` (and its navigation to ``config``); the documents by source path."""
    pages, generated_files = generated
    for asset in _ASSET_FILES:
        content = resources.files("qinglian.assets").joinpath(asset).read_bytes()
        files.append(File.generated(config, f"{ASSETS}/{asset}", content=content))
    for generated_file in generated_files:
        files.append(File.generated(config, generated_file.uri, content=generated_file.content))
    # Withheld documents are MkDocs drafts: built by ``mkdocs serve`` for preview, never by ``build``.
    inclusions = [
        *((d, InclusionLevel.NOT_IN_NAV) for d in loaded.corpus.documents),
        *((d, InclusionLevel.DRAFT) for d in loaded.withheld),
    ]
    documents = {document.src_uri: document for document, _ in inclusions}
    build.shown_documents((file.src_uri for file in files), get_build_date(), documents)
    for document, inclusion in inclusions:
        if build.shows(document.src_uri):
            files.append(File.generated(config, document.src_uri, abs_src_path=str(document.source), inclusion=inclusion))
    for attachment in loaded.attachments:
        files.append(File.generated(config, attachment.relative_to(content_dir).as_posix(), abs_src_path=str(attachment)))
    hand_written = sorted(
        f.src_uri for f in files.documentation_pages() if f.src_uri not in documents and f.inclusion.is_in_nav()
    )
    for page in pages:
        if build.partial and not page.in_nav:
            continue
        files.append(File.generated(
            config,
            page.src_uri,
            content=page.markdown,
            inclusion=InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV,
        ))
    if config.nav is None and options.navigation:
        config.nav = navigation(
            pages,
            "index.md" in hand_written,
            hand_written_navigation([uri for uri in hand_written if uri != "index.md"], page_title(files)),
        )
    return documents


def page_title(files: Files) -> Callable[[str], str | None]:
    """The title a hand-written page's front matter gives it, as HTML."""

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
