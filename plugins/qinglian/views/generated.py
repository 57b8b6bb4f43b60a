"""What the views hand to an engine adapter: pages as Markdown, other files as bytes."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str
    title: str
    markdown: str
    # Only section landing pages belong in the navigation; the rest is reached by links.
    in_nav: bool


@dataclass(frozen=True)
class GeneratedFile:
    """A file other than a page, such as an iCalendar feed."""

    uri: str
    content: bytes


def front_matter(title: str, hide: tuple[str, ...] = (), search_exclude: bool = False) -> str:
    hidden = f"hide: {json.dumps(list(hide))}\n" if hide else ""
    search = "search:\n  exclude: true\n" if search_exclude else ""
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n{hidden}{search}---\n\n"
