"""Documents as plain JSON data, for the caches that keep them between builds.

A cache must never run code when it is read back (``pickle`` would), so documents are written
as JSON with a closed set of tags: dates and times, tuples, paths, the structure's own data
classes by name, and references to an object met before (regulation chapters and articles
point at each other). Anything else in a stored entry makes ``decode`` raise ``ValueError``,
and the entry is read from its file again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from pathlib import Path
from typing import Any

from ..structure.document import Collection, Document, Session, Withheld, _collection
from ..structure.problems import Problem, Severity
from ..structure.references import Reference
from ..structure.regulation import Article, Chapter, RegulationText, Section, StructureProblem
from .recurrence import RecurrenceRule

_CLASSES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (Document, Session, Reference, Article, Chapter, Section, RegulationText, StructureProblem, RecurrenceRule, Problem)
}
_ENUMS: dict[str, type[enum.Enum]] = {cls.__name__: cls for cls in (Severity, Withheld)}
_FIELDS = {name: tuple(f.name for f in dataclasses.fields(cls)) for name, cls in _CLASSES.items()}
_SCALARS = (str, int, float, bool, type(None))


def encode(value: Any) -> Any:
    """``value`` as JSON data; objects met more than once are written once and referred to."""
    shared = _shared(value)
    numbers: dict[int, int] = {}

    def tagged(item: Any) -> Any:
        if isinstance(item, _SCALARS):
            return item
        if id(item) in numbers:
            return {"@": numbers[id(item)]}
        number = None
        if id(item) in shared:
            number = numbers[id(item)] = len(numbers)
        if isinstance(item, list):
            out: Any = {"l": [tagged(x) for x in item]} if number is not None else [tagged(x) for x in item]
        elif isinstance(item, tuple):
            out = {"t": [tagged(x) for x in item]}
        elif isinstance(item, dict):
            out = {"m": [[tagged(k), tagged(v)] for k, v in item.items()]}
        elif isinstance(item, dt.datetime):
            raise ValueError("datetime values are not stored")
        elif isinstance(item, dt.date):
            out = {"d": item.isoformat()}
        elif isinstance(item, dt.time):
            out = {"h": item.isoformat()}
        elif isinstance(item, dt.timedelta):
            out = {"s": [item.days, item.seconds, item.microseconds]}
        elif isinstance(item, Path):
            out = {"p": str(item)}
        elif isinstance(item, enum.Enum) and type(item).__name__ in _ENUMS:
            out = {"e": [type(item).__name__, item.name]}
        elif isinstance(item, Collection):
            out = {"c": [item.name, item.label, item.item_label, item.description]}
        elif type(item).__name__ in _CLASSES and type(item) is _CLASSES[type(item).__name__]:
            name = type(item).__name__
            out = {"o": name, "f": [tagged(getattr(item, f)) for f in _FIELDS[name]]}
        else:
            raise ValueError(f"cannot store {type(item).__name__}")
        if number is not None:
            out["#"] = number
        return out

    return tagged(value)


def _shared(value: Any) -> set[int]:
    """The ids of lists, dicts and objects reachable more than once from ``value``."""
    seen: set[int] = set()
    shared: set[int] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _SCALARS + (dt.date, dt.time, dt.timedelta, Path, enum.Enum, Collection)):
            continue
        if id(item) in seen:
            shared.add(id(item))
            continue
        seen.add(id(item))
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif dataclasses.is_dataclass(item):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
    return shared


def decode(data: Any) -> Any:
    """The value ``encode`` made ``data`` from; raises ``ValueError`` for anything it would not make."""
    known: dict[int, Any] = {}

    def remember(item: dict[str, Any], value: Any) -> None:
        if "#" in item:
            number = item["#"]
            if type(number) is not int or number in known:
                raise ValueError("bad reference number")
            known[number] = value

    def untagged(item: Any) -> Any:
        if isinstance(item, _SCALARS):
            return item
        if isinstance(item, list):
            return [untagged(x) for x in item]
        if not isinstance(item, dict):
            raise ValueError("unknown value")
        if "@" in item:
            if item["@"] not in known:
                raise ValueError("reference to an object not met before")
            return known[item["@"]]
        if "l" in item:
            out: list[Any] = []
            remember(item, out)
            out.extend(untagged(x) for x in _list(item["l"]))
            return out
        if "t" in item:
            made = tuple(untagged(x) for x in _list(item["t"]))
            remember(item, made)
            return made
        if "m" in item:
            mapping: dict[Any, Any] = {}
            remember(item, mapping)
            for pair in _list(item["m"]):
                if not isinstance(pair, list) or len(pair) != 2:
                    raise ValueError("bad mapping entry")
                mapping[untagged(pair[0])] = untagged(pair[1])
            return mapping
        if "d" in item:
            return dt.date.fromisoformat(_text(item["d"]))
        if "h" in item:
            return dt.time.fromisoformat(_text(item["h"]))
        if "s" in item:
            days, seconds, micro = _list(item["s"])
            return dt.timedelta(days=int(days), seconds=int(seconds), microseconds=int(micro))
        if "p" in item:
            return Path(_text(item["p"]))
        if "e" in item:
            kind, name = _list(item["e"])
            if kind not in _ENUMS or not isinstance(name, str) or name not in _ENUMS[kind].__members__:
                raise ValueError("unknown enum value")
            return _ENUMS[kind][name]
        if "c" in item:
            parts = _list(item["c"])
            if len(parts) != 4 or not all(isinstance(part, str) for part in parts):
                raise ValueError("bad collection")
            return _collection(*parts)
        if "o" in item:
            name = item["o"]
            if not isinstance(name, str) or name not in _CLASSES:
                raise ValueError("unknown class")
            cls, names = _CLASSES[name], _FIELDS[name]
            values = _list(item.get("f"))
            if len(values) != len(names):
                raise ValueError(f"{name} has {len(names)} fields")
            # Made empty first: an article's chapter lists the article itself.
            obj = cls.__new__(cls)
            remember(item, obj)
            for field_name, stored in zip(names, values):
                object.__setattr__(obj, field_name, untagged(stored))
            return obj
        raise ValueError("unknown tag")

    return untagged(data)


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value
