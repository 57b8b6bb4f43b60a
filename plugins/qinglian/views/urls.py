"""Page addresses, computed the way static-site engines lay out ``src_uri`` files."""

from __future__ import annotations

import posixpath


def page_url(src_uri: str, directory_urls: bool = True) -> str:
    """The site-relative URL of the page built from ``src_uri`` (``a/b.md`` -> ``a/b/``)."""
    if not src_uri.endswith(".md"):
        # Feeds, images and other files keep their own names.
        return src_uri
    stem = src_uri.removesuffix(".md")
    if directory_urls:
        if stem == "index":
            return ""
        if stem.endswith("/index"):
            return stem.removesuffix("index")
        return stem + "/"
    return stem + ".html"


def relative_href(from_url: str, to_url: str) -> str:
    """A link from the page at ``from_url`` to ``to_url``, both site-relative, that works offline."""
    from_dir = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url) + "/"
    target_dir, _, target_file = to_url.rpartition("/")
    relative = _relative_folder(target_dir, from_dir.rstrip("/"))
    href = target_file if relative == "." else f"{relative}/{target_file}"
    if to_url.endswith("/") and not target_file:
        href = "./" if relative == "." else relative + "/"
    return href


def _relative_folder(target: str, start: str) -> str:
    """``posixpath.relpath`` for clean site-relative folders ("" is the root), without its
    normalising: listings link thousands of times per build."""
    target_parts = target.split("/") if target else []
    start_parts = start.split("/") if start else []
    common = 0
    for mine, theirs in zip(target_parts, start_parts):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(start_parts) - common) + target_parts[common:]) or "."
