"""Links in document text that lead to documents a build leaves out."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote
from dataclasses import dataclass

from ..structure.document import Document

# Inline Markdown links, not images: [text](target "title").
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]*)\]\((?P<target><[^>\n]*>|[^)\s]+)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\)")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class WithheldLink:
    line: int
    text: str
    document: Document


def link_target(src_uri: str, target: str) -> str | None:
    """The ``src_uri`` a relative link in the page ``src_uri`` points to, if it is a page."""
    target = target.strip("<>").split("#", 1)[0].split("?", 1)[0]
    if not target or target.startswith("/") or _SCHEME.match(target):
        return None
    if target.endswith("/"):
        target = target.rstrip("/") + ".md"
    if not target.endswith(".md"):
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), target))


def unlink_withheld(markdown: str, src_uri: str, first_line: int, withheld: dict[str, Document]) -> tuple[str, list[WithheldLink]]:
    """Replace links to withheld documents by their text; report each with its file line.

    A reader of the published site would otherwise meet a link to a page that does not exist.
    """
    found: list[WithheldLink] = []

    def replace(match: re.Match[str]) -> str:
        target = link_target(src_uri, match["target"])
        document = withheld.get(target) if target else None
        if document is None:
            return match[0]
        found.append(WithheldLink(first_line + markdown.count("\n", 0, match.start()), match["text"], document))
        return match["text"]

    return _LINK.sub(replace, markdown), found


@dataclass(frozen=True)
class AnchoredLink:
    line: int
    target: str
    anchor: str


def anchored_links(markdown: str, src_uri: str, first_line: int) -> list[AnchoredLink]:
    """Links in ``markdown`` to another page's fragment (``../regulations/x.md#第二十八条``), with file lines."""
    found = []
    for match in _LINK.finditer(markdown):
        raw = match["target"].strip("<>")
        if "#" not in raw:
            continue
        target = link_target(src_uri, raw)
        if target is None:
            continue
        anchor = unquote(raw.split("#", 1)[1])
        found.append(AnchoredLink(first_line + markdown.count("\n", 0, match.start()), target, anchor))
    return found
