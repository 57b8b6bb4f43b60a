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
from .comments import comment_problems
from .html_policy import check_markdown
from .scan import RESERVED_HINT, reserved
from .tree import ATTACHMENT_TYPES, MAX_PAGE_BYTES, PAGE_TYPES, attachment_type_problem, link_problem, size_problem, walk


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
    result.log.problems += [link_problem(link, root) for link in tree.links]
    for path in tree.files:
        relative = path.relative_to(docs_dir).as_posix()
        shown = display_path(path, root)
        if path.suffix not in PAGE_TYPES:
            if path.suffix.lower() not in ATTACHMENT_TYPES and relative not in own:
                result.log.add(attachment_type_problem(path, root))
            continue
        if path.stat().st_size > MAX_PAGE_BYTES:
            result.log.add(size_problem(path, root, MAX_PAGE_BYTES, "页面"))
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
        result.log.problems += [violation.problem(shown) for violation in check_markdown(body, first_line)]
        result.log.problems += comment_problems(body, first_line, shown)
        result.log.problems += [
            Problem(shown, f.line, "", "不含网站内部标记的内容", f"网站内部使用的标记“{f.found}…”", RESERVED_HINT)
            for f in reserved(text)
        ]
    return result


def _body(text: str) -> tuple[str, int]:
    # Hand-written pages may have no front matter at all.
    if not text.startswith("---"):
        return text, 1
    front_matter = split_front_matter(text)
    return front_matter.body, front_matter.body_line
