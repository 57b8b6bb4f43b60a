"""What every workspace action shares: the signed-in editor, refusals in Chinese, and small readers of parameters."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..content.frontmatter import FrontMatterError, split_front_matter
from .accounts import Account


class Refused(Exception):
    """A request the workspace will not carry out; ``status`` is the HTTP status, the message Chinese."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Editor:
    """One signed-in editor: the account, and the version of each file they last read (for stale saves)."""

    account: Account
    seen: dict[str, str] = field(default_factory=dict)


def text_param(value: object, name: str, limit: int = 300) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise Refused(f"参数 {name} 应为不超过 {limit} 个字符的文本")
    return value


def content_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def title_of(data: bytes, fallback: str, limit: int | None = 80) -> str:
    """A document's title on one line (its first ``limit`` characters; None: all of it), or ``fallback`` when it has none.

    One line: a title with line breaks must not add lines (a forged 编辑/审核 line) to a commit message.
    """
    try:
        title = split_front_matter(data.decode("utf-8")).data.get("title")
    except (UnicodeDecodeError, FrontMatterError, AttributeError):
        return fallback
    shown = " ".join("".join(ch if ch.isprintable() else " " for ch in str(title)).split()) if title else ""
    return shown[:limit] if shown else fallback
