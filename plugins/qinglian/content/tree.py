"""What may be published from a folder of editors' files, read without following links.

A symbolic link committed to the repository can point anywhere on the build server
(``photo.jpg -> /etc/passwd``), so links are never followed: each one is reported. Files
other than pages are published only when their type is one readers need and that cannot
run in the browser (no HTML, scripts or SVG).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

# Pictures, PDF and OFD (the national fixed-layout format), office documents (Microsoft
# and WPS), and audio or video of warning-education films. None of them runs as script
# when opened from the site.
ATTACHMENT_TYPES = frozenset(
    {
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp",
        ".pdf", ".ofd",
        ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".wps", ".et", ".dps",
        ".mp3", ".mp4",
    }
)
PAGE_TYPES = frozenset({".md"})
# Bounds on what one file may weigh, so a mistaken commit cannot exhaust the build server.
MAX_PAGE_BYTES = 2 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 200 * 1024 * 1024


@dataclass
class Link:
    path: Path
    target: str


@dataclass
class Tree:
    """Regular files under a folder, with the symbolic links found on the way."""

    files: list[Path] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


def is_hidden(relative: Path) -> bool:
    # Editors keep templates and notes in _folders and tools leave .files; neither is published.
    return any(part.startswith((".", "_")) for part in relative.parts)


def walk(folder: Path) -> Tree:
    """Every regular, visible file below ``folder``, sorted; links are collected, not entered."""
    tree = Tree()
    if folder.is_symlink():
        tree.links.append(Link(folder, _target(folder)))
        return tree
    if not folder.is_dir():
        return tree
    for current, dirs, names in os.walk(folder, followlinks=False):
        here = Path(current)
        kept = []
        for name in dirs:
            path = here / name
            if is_hidden(path.relative_to(folder)):
                continue
            if path.is_symlink():
                tree.links.append(Link(path, _target(path)))
            else:
                kept.append(name)
        dirs[:] = kept
        for name in names:
            path = here / name
            if is_hidden(path.relative_to(folder)):
                continue
            if path.is_symlink():
                tree.links.append(Link(path, _target(path)))
            elif path.is_file():
                tree.files.append(path)
    tree.files.sort()
    tree.links.sort(key=lambda link: link.path)
    return tree


def _target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"
