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

from ..structure.problems import Problem, display_path

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

    @classmethod
    def at(cls, path: Path) -> Link:
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return cls(path, target)


@dataclass
class Tree:
    """Regular files under a folder, with the symbolic links found on the way."""

    files: list[Path] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    # Each file's own status (size, modification time, inode), when asked for.
    stats: dict[Path, os.stat_result] = field(default_factory=dict)

    def _enter(self, folder: str, with_stats: bool) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                # Editors keep templates and notes in _folders and tools leave .files; neither is published.
                if entry.name.startswith((".", "_")):
                    continue
                if entry.is_symlink():
                    self.links.append(Link.at(Path(entry.path)))
                elif entry.is_dir(follow_symlinks=False):
                    self._enter(entry.path, with_stats)
                elif entry.is_file(follow_symlinks=False):
                    path = Path(entry.path)
                    self.files.append(path)
                    if with_stats:
                        self.stats[path] = entry.stat(follow_symlinks=False)


def walk(folder: Path, with_stats: bool = False) -> Tree:
    """Every regular, visible file below ``folder``, sorted; links are collected, not entered."""
    tree = Tree()
    if folder.is_symlink():
        tree.links.append(Link.at(folder))
        return tree
    if not folder.is_dir():
        return tree
    tree._enter(str(folder), with_stats)
    tree.files.sort()
    tree.links.sort(key=lambda link: link.path)
    return tree


def link_problem(link: Link, root: Path) -> Problem:
    return Problem(
        display_path(link.path, root), 1, "", "普通文件或文件夹", f"符号链接，指向“{link.target}”",
        "为防止把服务器上的其他文件发布出去，content/ 和 docs/ 中不允许符号链接；请删除该链接，把文件本身复制进来。",
    )


def attachment_type_problem(path: Path, root: Path) -> Problem:
    return Problem(
        display_path(path, root), 1, "", "允许发布的附件类型（" + " ".join(sorted(ATTACHMENT_TYPES)) + "）",
        f"“{path.suffix or path.name}”文件",
        "网页、脚本、SVG 等文件会在读者的浏览器中运行，不能发布；请转为 PDF 或图片，或移出该目录。"
        "站点自己的样式和脚本须在站点配置的 extra_css/extra_javascript 中列出。",
    )


def size_problem(path: Path, root: Path, limit: int, what: str, hint: str = "", data: bytes | None = None) -> Problem:
    size = len(data) if data is not None else path.stat().st_size
    return Problem(display_path(path, root), 1, "", f"不超过 {limit / 1024 / 1024:g} MB 的{what}", f"{size / 1024 / 1024:.1f} MB", hint)
