"""Split a Markdown file into YAML front matter and body, keeping line numbers.

Dates are deliberately left as strings by the YAML loader: PyYAML would raise a bare
``ValueError`` on an impossible date such as 2023-02-30, and the schema gives a far
better message when it sees the text the editor typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .fullwidth import GENERAL_ADVICE, Repair, advice, points_before, repaired

KeyPath = tuple[str | int, ...]


# libyaml's parser when PyYAML has it: front matter parsing was most of ``qinglian check``'s time.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FrontMatterLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    pass


# YAML 1.1 also reads 14:30 as the base-60 number 870; editors mean a time of day, so
# numbers with colons stay strings as well.
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")


def _without_sexagesimal(regexp: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(rf"(?!{_SEXAGESIMAL.pattern}){regexp.pattern}", regexp.flags)


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [
        (tag, _without_sexagesimal(regexp) if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") else regexp)
        for tag, regexp in resolvers
        if tag != "tag:yaml.org,2002:timestamp"
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class FrontMatter:
    """Parsed front matter plus the file line of every key and list item."""

    data: dict[str, Any]
    lines: dict[KeyPath, int]
    first_line: int
    body: str
    body_line: int
    duplicate_keys: list[tuple[KeyPath, int]] = field(default_factory=list)
    # Lines typed with full-width punctuation, read as corrected (each is still an error).
    repairs: list[Repair] = field(default_factory=list)

    def line_of(self, path: KeyPath) -> int:
        """The line of the nearest located ancestor, so a problem always has a line."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.first_line


class FrontMatterError(Exception):
    """The front matter cannot be read at all.

    ``body`` and ``body_line``: the text after the front matter, when its end was found, so
    the body can still be checked.
    """

    def __init__(self, line: int, expected: str, found: str, hint: str = "") -> None:
        super().__init__(f"line {line}: expected {expected}, found {found}")
        self.line = line
        self.expected = expected
        self.found = found
        self.hint = hint
        self.body: str | None = None
        self.body_line = 1


_FENCE = "---"
_END_FENCES = ("---", "...")


def split_front_matter(text: str) -> FrontMatter:
    """Parse ``text`` (a whole Markdown file) into front matter and body."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != _FENCE:
        found = f"“{lines[0].strip()[:30]}”" if lines else "空文件"
        raise FrontMatterError(1, "以“---”开头的元数据块", found, "文件第一行必须是“---”，其后是标题、日期等字段，再以“---”结束。")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in _END_FENCES:
            closing = index
            break
    else:
        raise FrontMatterError(1, "以“---”结束的元数据块", "没有结束的“---”", "请在字段之后另起一行写“---”。")

    # Line numbers in messages are 1-based file lines; the YAML starts on file line 2.
    yaml_text, repairs = repaired("".join(lines[1:closing]), first_line=2)
    body, body_line = "".join(lines[closing + 1 :]), closing + 2
    try:
        document = parse_yaml(yaml_text, first_line=2)
        if not isinstance(document.data, dict):
            raise FrontMatterError(2, "“字段: 值”形式的元数据", type_name(document.data))
    except FrontMatterError as exc:
        exc.body, exc.body_line = body, body_line
        raise
    return FrontMatter(
        data=document.data,
        lines=document.lines,
        first_line=1,
        body=body,
        body_line=body_line,
        duplicate_keys=document.duplicate_keys,
        repairs=repairs,
    )


@dataclass
class YamlDocument:
    data: Any
    lines: dict[KeyPath, int]
    duplicate_keys: list[tuple[KeyPath, int]]


def parse_yaml(text: str, first_line: int = 1) -> YamlDocument:
    """Parse YAML without timestamps, recording the file line of every key and list item.

    ``first_line`` is the file line on which ``text`` starts.
    """
    _refuse_aliases(text, first_line)
    loader = _FrontMatterLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as exc:
        problem = str(exc.problem or exc.context or "")
        early = points_before(problem, str(exc.context or ""))
        mark = exc.context_mark if early and exc.context_mark else exc.problem_mark or exc.context_mark
        index = mark.line if mark else 0
        text_lines = text.splitlines()
        source_line = text_lines[index] if index < len(text_lines) else ""
        raise FrontMatterError(
            first_line + index,
            "“字段: 值”形式的一行（冒号为半角，后面有空格）",
            f"“{source_line.strip()[:60]}”" if source_line.strip() else "空行或文件结尾",
            advice(problem),
        ) from None
    except yaml.YAMLError:
        raise FrontMatterError(first_line, "“字段: 值”形式的元数据", "无法读取的内容", GENERAL_ADVICE) from None
    except RecursionError:
        raise FrontMatterError(first_line, "有效的 YAML", f"嵌套超过 {MAX_DEPTH} 层的结构") from None
    finally:
        loader.dispose()
    located: dict[KeyPath, int] = {}
    duplicates: list[tuple[KeyPath, int]] = []
    _locate(node, (), first_line, located, duplicates, 0)
    return YamlDocument(data, located, duplicates)


# Editors' metadata is a few levels deep; anything deeper is a mistake or an attack.
MAX_DEPTH = 20


def _refuse_aliases(text: str, first_line: int) -> None:
    """Anchors (&name) and aliases (*name) let a few hundred bytes stand for gigabytes
    ("billion laughs"); editors never need them, so they are refused before anything is built."""
    if "&" not in text and "*" not in text:
        return
    try:
        for token in yaml.scan(text, Loader=_BaseLoader):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                line = first_line + token.start_mark.line
                kind = "锚点“&" if isinstance(token, yaml.AnchorToken) else "引用“*"
                raise FrontMatterError(
                    line,
                    "直接写出的值",
                    f"YAML {kind}{token.value}”",
                    "元数据中不允许使用 YAML 的锚点（&）和引用（*）；请把值直接写出来。"
                    "若 & 或 * 是值的一部分，请给整个值加上引号。",
                )
    except yaml.YAMLError:
        return  # the parser reports the syntax error itself, with its line


def _locate(
    node: yaml.Node | None,
    path: KeyPath,
    offset: int,
    located: dict[KeyPath, int],
    duplicates: list[tuple[KeyPath, int]],
    depth: int,
) -> None:
    if depth > MAX_DEPTH and isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        raise FrontMatterError(offset + node.start_mark.line, "不超过 20 层的结构", f"嵌套超过 {MAX_DEPTH} 层的结构")
    if isinstance(node, yaml.MappingNode):
        seen: set[KeyPath] = set()
        for key_node, value_node in node.value:
            key_path = path + (str(key_node.value),)
            line = offset + key_node.start_mark.line
            if key_path in seen:
                duplicates.append((key_path, line))
            seen.add(key_path)
            located[key_path] = line
            _locate(value_node, key_path, offset, located, duplicates, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            item_path = path + (index,)
            located[item_path] = offset + item.start_mark.line
            _locate(item, item_path, offset, located, duplicates, depth + 1)


def type_name(value: object) -> str:
    """How an editor would describe a YAML value's type, in Chinese."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"是/否值（{'true' if value else 'false'}）"
    if isinstance(value, int):
        return f"整数 {value}"
    if isinstance(value, float):
        return f"小数 {value}"
    if isinstance(value, str):
        return f"文本“{value}”"
    if isinstance(value, list):
        return f"列表（{len(value)} 项）"
    if isinstance(value, dict):
        return "“字段: 值”结构"
    return type(value).__name__
