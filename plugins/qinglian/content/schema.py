"""A small declarative schema for front matter, in the manner of MkDocs' config options.

MkDocs' own ``Config`` machinery would tie the content model to MkDocs; this keeps the
same shape (typed options declared as class attributes, validated all at once, every
problem collected) without the import, so another engine needs only a new adapter.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from ..structure.problems import Problem, ProblemLog, Severity
from ..structure.references import Reference
from .frontmatter import FrontMatter, KeyPath, type_name
from .fullwidth import has_separator, split_terms
from .numerals import numeral_date
from .suggestions import suggestion
from .vocabulary import Vocabulary

T = TypeVar("T")


class Invalid(Exception):
    """A value does not fit its field; the caller reports it at the field's line."""

    def __init__(self, expected: str, found: str, hint: str = "") -> None:
        super().__init__(expected)
        self.expected = expected
        self.found = found
        self.hint = hint


class AlreadyReported(Exception):
    """A nested value had problems that were reported one by one."""


@dataclass
class ValidationContext:
    path: str
    front_matter: FrontMatter
    vocabulary: Vocabulary
    log: ProblemLog

    def report(
        self,
        key_path: KeyPath,
        expected: str,
        found: str,
        hint: str = "",
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.log.add(
            Problem(
                path=self.path,
                line=self.front_matter.line_of(key_path),
                field=format_key_path(key_path),
                expected=expected,
                found=found,
                hint=hint,
                severity=severity,
            )
        )


def format_key_path(key_path: KeyPath) -> str:
    text = ""
    for part in key_path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class Field(Generic[T]):
    """One front-matter field. Subclasses convert a YAML value or raise ``Invalid``."""

    expected: ClassVar[str] = ""

    def __init__(self, label: str, *, required: bool = True, default: Any = None, key: str = "") -> None:
        self.label = label
        self.required = required
        self.default = default
        # ``key`` names a front-matter key that is not a valid Python name, such as ``from``.
        self.name = key

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = self.name or name

    def convert(self, value: Any, ctx: ValidationContext, key_path: KeyPath) -> T:
        raise NotImplementedError

    def describe(self) -> str:
        return self.expected


class Text(Field[str]):
    expected = "非空文本"

    def convert(self, value: Any, ctx: ValidationContext, key_path: KeyPath) -> str:
        if not isinstance(value, str):
            raise Invalid(self.expected, type_name(value), "如值本身是数字或日期，请用引号括起来。")
        if not value.strip():
            raise Invalid(self.expected, "空文本")
        return value.strip()


class Integer(Field[int]):
    def __init__(self, label: str, *, minimum: int, maximum: int, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.minimum = minimum
        self.maximum = maximum

    def describe(self) -> str:
        return f"{self.minimum} 至 {self.maximum} 之间的整数"

    def convert(self, value: Any, ctx: ValidationContext, key_path: KeyPath) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(self.describe(), type_name(value))
        if not self.minimum <= value <= self.maximum:
            raise Invalid(self.describe(), str(value))
        return value


class Boolean(Field[bool]):
    expected = "true 或 false"

    def convert(self, value: Any, ctx: ValidationContext, key_path: KeyPath) -> bool:
        if not isinstance(value, bool):
            raise Invalid(self.expected, type_name(value))
        return value


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_CHINESE_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


def parse_date(text: str) -> dt.date:
    """Parse 2023-03-05, 2023-3-5 or 2023年3月5日; raise ``Invalid`` with the reason."""
    match = _ISO_DATE.match(text.strip()) or _CHINESE_DATE.match(text.strip())
    if not match:
        meant = numeral_date(text)
        hint = f"请改用阿拉伯数字：{meant.isoformat()}（或 {meant.year}年{meant.month}月{meant.day}日）。" if meant else ""
        raise Invalid(Date.expected, f"“{text}”", hint)
    year, month, day = (int(group) for group in match.groups())
    if not 1 <= month <= 12:
        raise Invalid(Date.expected, f"“{text}”", f"月份只能是 1 至 12，这里是 {month}。")
    try:
        return dt.date(year, month, day)
    except ValueError:
        last_day = _last_day_of_month(year, month)
        raise Invalid(Date.expected, f"“{text}”", f"{year}年{month}月只有 {last_day} 天。") from None


def _last_day_of_month(year: int, month: int) -> int:
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    return (next_month - dt.timedelta(days=1)).day


class Date(Field[dt.date]):
    expected = "真实存在的日期，如 2023-03-05 或 2023年3月5日"

    def convert(self, value: Any, ctx: ValidationContext, key_path: KeyPath) -> dt.date:
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, str):
            raise Invalid(self.expected, type_name(value))
        return parse_date(value)


_TIME = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


class Time(Field[dt.time]):
    expected = "24 小时制的时刻，如 14:30"

    def convert(self, value: Any, ctx: ValidationContext, key_path: KeyPath) -> dt.time:
        match = _TIME.match(value.strip()) if isinstance(value, str) else None
        if match is None:
            found = f"“{value}”" if isinstance(value, str) else type_name(value)
            raise Invalid(self.expected, found)
        return dt.time(int(match[1]), int(match[2]))


_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)(?:个)?小时)?(?:(\d+)分(?:钟)?)?$")


class Duration(Field[dt.timedelta]):
    """How long a session lasts: minutes as a number, or 90分钟, 2小时, 1.5小时, 1小时30分钟."""

    expected = "时长，如 90（分钟）、90分钟、2小时、1小时30分钟，不超过 12 小时"

    def convert(self, value: Any, ctx: ValidationContext, key_path: KeyPath) -> dt.timedelta:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise Invalid(self.expected, type_name(value))
        if isinstance(value, int):
            minutes = float(value)
        else:
            match = _DURATION.match(re.sub(r"\s+", "", value))
            if match is None or not (match[1] or match[2]):
                raise Invalid(self.expected, f"“{value}”")
            minutes = float(match[1] or 0) * 60 + int(match[2] or 0)
        if not 0 < minutes <= 12 * 60:
            raise Invalid(self.expected, f"“{value}”")
        return dt.timedelta(minutes=round(minutes))


class Choice(Field[str]):
    def __init__(self, label: str, choices: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.choices = choices

    def describe(self) -> str:
        return "以下之一：" + "、".join(self.choices)

    def convert(self, value: Any, ctx: ValidationContext, key_path: KeyPath) -> str:
        if not isinstance(value, str):
            raise Invalid(self.describe(), type_name(value))
        if value.strip() not in self.choices:
            raise Invalid(self.describe(), f"“{value}”", suggestion(value, list(self.choices)))
        return value.strip()


class Term(Field[str]):
    """A value from one of the controlled vocabularies declared in the vocabulary file."""

    def __init__(self, label: str, kind: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.kind = kind

    def describe(self) -> str:
        return f"词表“{self.kind}”中的一项"

    def convert(self, value: Any, ctx: ValidationContext, key_path: KeyPath) -> str:
        if not isinstance(value, str):
            raise Invalid(self.describe(), type_name(value))
        terms = ctx.vocabulary.terms(self.kind)
        if terms is None:
            return value.strip()
        if value.strip() not in terms:
            known = list(terms)
            # With no close match, the editor needs the choices themselves.
            hint = suggestion(value, known) or f"可选的值：{'、'.join(known[:40])}{' 等' if len(known) > 40 else ''}。"
            raise Invalid(self.describe(), f"“{value}”", hint + f"新的值须先加入 {ctx.vocabulary.source}。")
        return value.strip()


class ListOf(Field[list[T]]):
    def __init__(self, label: str, item: Field[T], *, min_items: int = 0, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.item = item
        self.min_items = min_items

    def describe(self) -> str:
        least = f"至少 {self.min_items} 项的" if self.min_items else ""
        return f"{least}列表，每项为{self.item.describe()}"

    def convert(self, value: Any, ctx: ValidationContext, key_path: KeyPath) -> list[T]:
        self._refuse_joined_terms(value, key_path)
        if isinstance(value, str) and self.min_items <= 1:
            raise Invalid(self.describe(), type_name(value), "列表的每一项另起一行，以“- ”开头。")
        if not isinstance(value, list):
            raise Invalid(self.describe(), type_name(value), "列表的每一项另起一行，以“- ”开头。")
        if len(value) < self.min_items:
            raise Invalid(self.describe(), f"{len(value)} 项")
        items: list[T] = []
        failed = False
        for index, raw in enumerate(value):
            item_path = key_path + (index,)
            try:
                items.append(self.item.convert(raw, ctx, item_path))
            except Invalid as exc:
                ctx.report(item_path, exc.expected, exc.found, exc.hint)
                failed = True
            except AlreadyReported:
                failed = True
        if failed:
            raise AlreadyReported
        return items


    def _refuse_joined_terms(self, value: Any, key_path: KeyPath) -> None:
        """Terms joined by ，or 、 (a Chinese input method's commas): refused with the list as meant."""
        # Vocabulary terms only: a reference's #heading may hold 、 (一、正文), and free text holds commas.
        if not isinstance(self.item, Term):
            return
        texts = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
        joined = [text for text in texts if has_separator(text)]
        if not joined:
            return
        items = [part for text in texts for part in split_terms(text)]
        key = key_path[-1] if key_path and isinstance(key_path[-1], str) else self.name
        raise Invalid(
            "各项之间用半角逗号“,”分隔的列表",
            f"“{joined[0]}”（用了全角逗号“，”或顿号“、”，整段会被当作一项）",
            f"请改为：{key}: [{', '.join(items)}]",
        )


class Ref(Field[Reference]):
    """A reference to another document: ``collection/slug`` with an optional ``#heading``."""

    expected = "“栏目/文档名”形式的引用，如 speeches/2024-warning-education"

    def convert(self, value: Any, ctx: ValidationContext, key_path: KeyPath) -> Reference:
        if not isinstance(value, str):
            raise Invalid(self.expected, type_name(value))
        reference = Reference.parse(value, ctx.path, ctx.front_matter.line_of(key_path), format_key_path(key_path))
        if reference is None:
            raise Invalid(self.expected, f"“{value}”")
        return reference


class Nested(Field[dict[str, Any]]):
    def __init__(self, label: str, schema: type[Schema], **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.schema = schema

    def describe(self) -> str:
        return "“字段: 值”结构"

    def convert(self, value: Any, ctx: ValidationContext, key_path: KeyPath) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise Invalid(self.describe(), type_name(value))
        values = self.schema.validate(value, ctx, key_path)
        if values is None:
            raise AlreadyReported
        return values


class Schema:
    """A set of fields validated together; subclasses extend their parent's fields."""

    fields: ClassVar[dict[str, Field[Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        collected: dict[str, Field[Any]] = {}
        for klass in reversed(cls.__mro__):
            for value in vars(klass).values():
                if isinstance(value, Field):
                    collected[value.name] = value
        cls.fields = collected

    @classmethod
    def validate(cls, data: dict[str, Any], ctx: ValidationContext, base: KeyPath = ()) -> dict[str, Any] | None:
        """Return the converted values, or ``None`` after reporting every problem."""
        values: dict[str, Any] = {}
        failed = False
        for name, spec in cls.fields.items():
            key_path = base + (name,)
            if name not in data or data[name] is None:
                if spec.required:
                    ctx.report(key_path, spec.describe(), "缺少该字段", f"请补上“{name}: …”（{spec.label}）。")
                    failed = True
                else:
                    values[name] = spec.default
                continue
            try:
                values[name] = spec.convert(data[name], ctx, key_path)
            except Invalid as exc:
                ctx.report(key_path, exc.expected, exc.found, exc.hint)
                failed = True
            except AlreadyReported:
                failed = True
        for name in data:
            if str(name) not in cls.fields:
                ctx.report(
                    base + (str(name),),
                    "本类文档的字段之一：" + "、".join(cls.fields),
                    f"未知字段“{name}”",
                    suggestion(str(name), list(cls.fields)) + "未知字段会被忽略。",
                    severity=Severity.WARNING,
                )
        if failed:
            return None
        return cls.check(values, ctx, base)

    @classmethod
    def check(cls, values: dict[str, Any], ctx: ValidationContext, base: KeyPath) -> dict[str, Any] | None:
        """Checks across fields; subclasses report problems and return ``None`` to reject."""
        return values


SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
RESERVED_SLUGS = frozenset({"index", "page"})


class Slug(Field[str]):
    expected = "由小写英文字母、数字和连字符组成的网址名，如 2024-warning-education"

    def convert(self, value: Any, ctx: ValidationContext, key_path: KeyPath) -> str:
        if not isinstance(value, str) or not SLUG_PATTERN.match(value):
            raise Invalid(self.expected, type_name(value))
        if value in RESERVED_SLUGS:
            raise Invalid(self.expected, f"保留名“{value}”", "请换一个网址名。")
        return value
