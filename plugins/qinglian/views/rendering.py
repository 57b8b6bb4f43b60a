"""What the page builders share: the portal's settings and a way to render a template.

Calendar, quiz and regulation pages depend on this, not on ``PortalViews`` itself, so the
views depend one way: ``pages`` uses them, they never use ``pages``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from markdown.extensions.toc import slugify_unicode

from ..structure.corpus import Corpus
from ..structure.document import Document


def default_slugify(text: str) -> str:
    """Heading ids as Python-Markdown's toc makes them when told to keep Unicode."""
    return slugify_unicode(text, "-")


@dataclass(frozen=True)
class PortalSettings:
    site_name: str = ""
    site_url: str = ""
    page_size: int = 20
    related_count: int = 5
    home_latest: int = 5
    directory_urls: bool = True
    # Turns a heading into its id; the adapter passes the engine's own so links match.
    slugify: Callable[[str], str] = default_slugify


class Rendering(Protocol):
    """The part of the portal views a page builder uses."""

    corpus: Corpus
    settings: PortalSettings

    def render(self, template: str, here: str, **context: Any) -> str:
        """A template's HTML, held back from Markdown behind a placeholder."""
        ...


class BlockMemo(Protocol):
    """The placeholders of an earlier build's blocks, by what each was made from (``incremental.dependencies``)."""

    def inputs(self, template: str, here: str, documents: Sequence[Document], context: dict[str, Any]) -> str | None:
        """A digest of everything the block shows, or None when some input has no plain form."""
        ...

    def marker(self, inputs: str) -> str | None:
        """The placeholder the block had when made from ``inputs``, if recorded."""
        ...

    def note(self, inputs: str, marker: str) -> None:
        """This build's block from ``inputs`` has ``marker``."""
        ...
