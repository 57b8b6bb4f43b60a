"""Checks of the hand-written pages folder (docs/), which follow the editors' rules.

Hand-written pages reach readers exactly like documents, so their raw HTML passes the
same policy and their folder the same rules on links and file types. A site can exempt
named pages from the HTML policy (a page embedding a vetted widget); such an exemption
is reported on every build so that it is never forgotten.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..structure.problems import Problem, ProblemLog, display_path
from .frontmatter import FrontMatterError, split_front_matter
from .html_policy import check_markdown
from .tree import ATTACHMENT_TYPES, MAX_PAGE_BYTES, PAGE_TYPES, walk


@dataclass
class HandWrittenCheck:
    log: ProblemLog = field(default_factory=ProblemLog)
    # Pages that matched an exemption from the raw-HTML policy.
    exempted: list[str] = field(default_factory=list)


def is_exempt(relative: str, exemptions: Iterable[str]) -> bool:
    """``exemptions`` are page paths relative to docs/ or folders ending in ``/``."""
    return any(relative == e or (e.endswith("/") and relative.startswith(e)) for e in exemptions)


def check_hand_written(docs_dir: Path, root: Path, exemptions: Iterable[str] = (), own_assets: Iterable[str] = ()) -> HandWrittenCheck:
    """``own_assets`` are files the site's configuration names (extra_css, extra_javascript)."""
    result = HandWrittenCheck()
    exemptions = [str(PurePosixPath(e)) + ("/" if e.endswith("/") else "") for e in exemptions]
    own = {str(PurePosixPath(a)) for a in own_assets}
    tree = walk(docs_dir)
    for link in tree.links:
        result.log.add(Problem(
            display_path(link.path, root), 1, "", "普通文件或文件夹", f"符号链接，指向“{link.target}”",
            "为防止把服务器上的其他文件发布出去，页面目录中不允许符号链接；请删除该链接，把文件本身复制进来。",
        ))
    for path in tree.files:
        relative = path.relative_to(docs_dir).as_posix()
        shown = display_path(path, root)
        size = path.stat().st_size
        if path.suffix not in PAGE_TYPES:
            if path.suffix.lower() not in ATTACHMENT_TYPES and relative not in own:
                result.log.add(Problem(
                    shown, 1, "", "允许发布的附件类型（" + " ".join(sorted(ATTACHMENT_TYPES)) + "）", f"“{path.suffix or path.name}”文件",
                    "网页、脚本、SVG 等文件会在读者的浏览器中运行；站点自己的样式和脚本须在站点配置的 extra_css/extra_javascript 中列出。",
                ))
            continue
        if size > MAX_PAGE_BYTES:
            result.log.add(Problem(shown, 1, "", f"不超过 {MAX_PAGE_BYTES // 1024 // 1024} MB 的页面", f"{size / 1024 / 1024:.1f} MB"))
            continue
        if is_exempt(relative, exemptions):
            result.exempted.append(relative)
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            result.log.add(Problem(shown, 1, "", "UTF-8 编码的文本", "其他编码", "请用 UTF-8 编码另存该文件。"))
            continue
        try:
            body, first_line = _body(text)
        except FrontMatterError as exc:
            result.log.add(Problem(shown, exc.line, "", exc.expected, exc.found, exc.hint))
            continue
        for violation in check_markdown(body, first_line):
            result.log.add(Problem(shown, violation.line, "正文", "允许的 HTML", violation.found, violation.hint))
    return result


def _body(text: str) -> tuple[str, int]:
    # Hand-written pages may have no front matter at all.
    if not text.startswith("---"):
        return text, 1
    front_matter = split_front_matter(text)
    return front_matter.body, front_matter.body_line
