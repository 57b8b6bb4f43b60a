"""A save from the form written back in the file's own style, so a commit shows only what changed.

Decap writes front matter its own way: keys in form order, every list as a block list, empty
fields present. Each key (and each item of a list of entries) whose value the editor did not
change keeps its original lines; changed values are written in the portal's style (short lists
in brackets, entries as indented block lists); empty fields that the file did not have stay out.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from ..content.frontmatter import FrontMatter, FrontMatterError, split_front_matter

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TOP_KEY = re.compile(r"^([^\s#\-][^:]*?):(?:\s|$)")


class _Dumper(yaml.SafeDumper):
    """Block lists indented under their key, as the example content writes them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.Node:
    # Short lists of words stay on one line ([a, b]); lists of entries are block lists.
    flow = all(not isinstance(item, (dict, list)) for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _represent_dict(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=False)


_TIME = re.compile(r"^\d{1,2}:\d{2}$")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # A time must stay text (YAML 1.1 reads 15:00 as a number); the example files write it as "15:00".
    if _TIME.match(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


class _BlockDumper(_Dumper):
    """For entries added beside ones whose lists are written one item a line (a plan's sessions and their readings)."""


def _represent_block_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=False)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(str, _represent_str)
_BlockDumper.add_representer(list, _represent_block_list)


def _plain(value: Any) -> Any:
    """What a value means, for comparison: dates as text, empty values gone."""
    if isinstance(value, dict):
        kept = {str(k): _plain(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if not _empty(v)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or value is False


def _typed(value: Any) -> Any:
    """The form's date text written as a date (unquoted), like a hand-written file."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items() if not _empty(_plain(v))}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if isinstance(value, str) and _DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def dump(value: Any, indent: int = 0, block_lists: bool = False) -> list[str]:
    dumper = _BlockDumper if block_lists else _Dumper
    text = yaml.dump(_typed(value), Dumper=dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1 << 20)
    return [" " * indent + line for line in text.rstrip("\n").split("\n")]


def _writes_block_lists(spans: list[tuple[str | None, list[str]]]) -> bool:
    """Whether the entries already there write their own lists one item a line (readings:\n  - …)."""
    return any(re.match(r"^\s+- ", line) for _, span in spans for line in span[1:])


def _spans(lines: list[str], indent: int, item: bool) -> tuple[list[str], list[tuple[str | None, list[str]]]]:
    """Lines before the first key, and each key's (or list item's) lines, at ``indent``."""
    prefix = " " * indent
    prelude: list[str] = []
    spans: list[tuple[str | None, list[str]]] = []
    for line in lines:
        body = line[indent:] if line.startswith(prefix) else None
        starts = None
        if body is not None and not body.startswith(" "):
            if item and body.startswith("- ") or item and body == "-":
                starts = ""
            elif not item and (match := _TOP_KEY.match(body)):
                starts = match.group(1).strip().strip("'\"")
        if starts is not None:
            spans.append((starts, [line]))
        elif spans:
            spans[-1][1].append(line)
        else:
            prelude.append(line)
    return prelude, spans


def _is_block(span: list[str]) -> bool:
    return len([line for line in span if line.strip() and not line.lstrip().startswith("#")]) > 1


def _merge_mapping(lines: list[str], old: dict[str, Any], new: dict[str, Any], indent: int) -> list[str]:
    prelude, spans = _spans(lines, indent, item=False)
    if [key for key, _ in spans] != list(old):
        return dump(new, indent)  # keys the scan could not place: write the value whole
    out = list(prelude)
    for (key, span), name in zip(spans, old):
        if name not in new:
            continue
        out += _merge_value(span, name, old[name], new[name], indent)
    for name, value in new.items():
        if name not in old:
            out += dump({name: value}, indent)
    return out


def _merge_value(span: list[str], name: str, old: Any, new: Any, indent: int) -> list[str]:
    if _plain(old) == _plain(new):
        return span
    if _is_block(span) and isinstance(old, list) and isinstance(new, list) and all(isinstance(v, dict) for v in old + new):
        child = span[1:]
        inner = len(child[0]) - len(child[0].lstrip(" ")) if child else indent + 2
        return [span[0]] + _merge_list(child, old, new, inner)
    if _is_block(span) and isinstance(old, dict) and isinstance(new, dict):
        child = span[1:]
        inner = len(child[0]) - len(child[0].lstrip(" ")) if child else indent + 2
        return [span[0]] + _merge_mapping(child, old, new, inner)
    return dump({name: new}, indent)


def _merge_list(lines: list[str], old: list[Any], new: list[Any], indent: int) -> list[str]:
    prelude, spans = _spans(lines, indent, item=True)
    if len(spans) != len(old):
        return dump(new, indent)
    out = list(prelude)
    for index, value in enumerate(new):
        if index < len(old) and _plain(old[index]) == _plain(value):
            out += spans[index][1]
        elif index < len(old) and isinstance(old[index], dict) and isinstance(value, dict):
            item = spans[index][1]
            # "- key: v" → the entry's keys sit two columns in, as if the dash were a space.
            as_mapping = [item[0][:indent] + "  " + item[0][indent + 2:]] + item[1:]
            merged = _merge_mapping(as_mapping, old[index], value, indent + 2)
            out += [merged[0][:indent] + "- " + merged[0][indent + 2:]] + merged[1:] if merged else dump([value], indent)
        else:
            # A new entry is written the way its neighbours are.
            out += dump([value], indent, _writes_block_lists(spans))
    return out


def with_implied_slug(data: bytes, stem: str) -> bytes:
    """What the form shows: a file without ``slug`` is given its file name, so the 网址名 field is filled."""
    if not data.startswith(b"---\n"):
        return data
    try:
        front = split_front_matter(data.decode("utf-8"))
    except (UnicodeDecodeError, FrontMatterError):
        return data
    if "slug" in front.data:
        return data
    return b"---\nslug: " + stem.encode() + b"\n" + data[4:]


def merged(original: bytes | None, saved: str, stem: str = "") -> bytes:
    """The bytes to write for ``saved`` (what the form sent), given the file's ``original`` bytes.

    ``slug`` equal to the file name ``stem`` is implied (the form shows it, :func:`with_implied_slug`):
    it is written only where the file already had it.
    """
    try:
        new = split_front_matter(saved)
    except FrontMatterError:
        return saved.encode("utf-8")
    new_data = {k: v for k, v in new.data.items() if not _empty(_plain(v))}
    body = new.body
    old_text, old = _parsed(original)
    if stem and new_data.get("slug") == stem and (old is None or "slug" not in old.data):
        del new_data["slug"]
    if original is not None and old is not None:
        if body.strip() == old.body.strip():
            body = old.body
        if _plain(old.data) == _plain(new_data) and body == old.body:
            return original
        # The head is "---", the YAML lines, "---", "" (the body starts on the next line).
        yaml_lines = old_text[: _body_offset(old_text, old.body_line)].split("\n")[1:-2]
        lines = _merge_mapping(yaml_lines, old.data, new_data, 0)
        candidate = "---\n" + "\n".join(lines) + "\n---\n" + body
        if _same(candidate, new_data, body):
            return candidate.encode("utf-8")
    text = "---\n" + "\n".join(dump(new_data)) + "\n---\n" + (body if body.startswith("\n") or not body else "\n" + body)
    return text.encode("utf-8")


def _parsed(original: bytes | None) -> tuple[str, FrontMatter | None]:
    if original is None:
        return "", None
    try:
        text = original.decode("utf-8")
        return text, split_front_matter(text)
    except (UnicodeDecodeError, FrontMatterError):
        return "", None


def _body_offset(text: str, body_line: int) -> int:
    offset = 0
    for _ in range(body_line - 1):
        offset = text.index("\n", offset) + 1
    return offset


def _same(candidate: str, data: dict[str, Any], body: str) -> bool:
    try:
        written = split_front_matter(candidate)
    except FrontMatterError:
        return False
    return _plain(written.data) == _plain(data) and written.body == body
