"""The comparison page of each revision (新旧条文对照) and the notices on both versions' pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..structure.document import Document
from ..views.generated import GeneratedPage, front_matter
from .links import Revision

Render = Callable[..., str]


def revisions_of(regulations: list[Document]) -> list[Revision]:
    """The revisions between published versions, newest version first (as the collection lists them)."""
    return [d.fields["revision_of"] for d in regulations if d.fields.get("revision_of") is not None]


class RevisionPages:
    def __init__(self, render: Render) -> None:
        self.render = render

    def pages(self, regulations: list[Document]) -> Iterator[GeneratedPage]:
        for revision in revisions_of(regulations):
            html = self.render(
                "revision_compare.html", revision.uri, old=revision.old, new=revision.new, alignment=revision.alignment,
            )
            # The articles are indexed on the regulations' own pages; the comparison would repeat them.
            yield GeneratedPage(revision.uri, revision.title, front_matter(revision.title, hide=("toc",), search_exclude=True) + html + "\n", False)

    def notice(self, regulation: Document) -> str | None:
        """The note at the top of a revised or revising version, linking the comparison."""
        revised_by, revision_of = regulation.fields.get("revised_by"), regulation.fields.get("revision_of")
        if revised_by is None and revision_of is None:
            return None
        return self.render("revision_notice.html", regulation.src_uri, revised_by=revised_by, revision_of=revision_of)
