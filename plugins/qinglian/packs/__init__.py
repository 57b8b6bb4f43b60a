"""Study packs: 学习资料汇编 of a plan, 典型案例汇编 of a year, regulations as booklets, typeset to PDF.

``pack_catalog`` says which packs there are and which pages link them; ``pack_jobs`` makes each
one's HTML; ``PackBuilder`` typesets them beside the page rendering and places them in the site.
No engine imports.
"""

from __future__ import annotations

from pathlib import Path

from ..structure.corpus import Corpus
from .assemble import pack_html
from .builder import PackBuilder, PackFailure, PackJob, PackReport
from .catalog import PACK_FOLDER, PACK_INDEX, Pack, PackOptions, pack_catalog, packs_by_page
from .typeset import PackToolMissing


def pack_jobs(packs: list[Pack], corpus: Corpus, site_name: str, roots: tuple[Path, ...]) -> list[PackJob]:
    """What to typeset: each pack's HTML, its images looked up beside its first document."""
    published = set(corpus.by_key)
    return [
        PackJob(pack.uri, pack.title, pack_html(pack, site_name, published), pack.documents[0].source.parent, roots)
        for pack in packs
    ]


__all__ = [
    "PACK_FOLDER", "PACK_INDEX", "Pack", "PackBuilder", "PackFailure", "PackJob", "PackOptions", "PackReport",
    "PackToolMissing", "pack_catalog", "pack_jobs", "packs_by_page",
]
