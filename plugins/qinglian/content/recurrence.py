"""Recurring study sessions written the way a plan reads: 每周五, 每月第一个周一, 每月15日."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

WEEKDAY_NAMES = "一二三四五六日"
_WEEKDAY_ALIASES = {"天": "日", "七": "日"}
_ORDINALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
_WEEKDAY = r"(?:周|星期|礼拜)?([一二三四五六日天七])"

_WEEKLY = re.compile(r"^每(?:周|星期|个星期|礼拜)([一二三四五六日天七](?:[、，,和及](?:周|星期)?[一二三四五六日天七])*)$")
_WORKDAYS = re.compile(r"^每个?工作日$")
_NTH_WEEKDAY = re.compile(rf"^每(?:个)?月(?:的)?第([一二三四五1-5])个{_WEEKDAY}$")
_LAST_WEEKDAY = re.compile(rf"^每(?:个)?月(?:的)?最后一个{_WEEKDAY}$")
_MONTH_DAY = re.compile(r"^每(?:个)?月(?:的)?(\d{1,2})[日号]$")

RULE_EXAMPLES = "每周五、每周二、四、每个工作日、每月第一个周一、每月最后一个周五、每月15日"


class RuleError(ValueError):
    """The rule text is not one of the forms a plan may use."""


def _weekday(name: str) -> int:
    return WEEKDAY_NAMES.index(_WEEKDAY_ALIASES.get(name, name))


@dataclass(frozen=True)
class RecurrenceRule:
    """Which days of a period a recurring session falls on."""

    text: str
    weekdays: tuple[int, ...] = ()
    # 1..5 for "the Nth weekday of the month", -1 for "the last", 0 when not month-based.
    ordinal: int = 0
    month_day: int = 0

    @classmethod
    def parse(cls, text: str) -> RecurrenceRule:
        compact = re.sub(r"\s+", "", text)
        if match := _WEEKLY.match(compact):
            days = sorted({_weekday(ch) for ch in re.findall(r"[一二三四五六日天七]", match[1])})
            return cls(text.strip(), weekdays=tuple(days))
        if _WORKDAYS.match(compact):
            return cls(text.strip(), weekdays=(0, 1, 2, 3, 4))
        if match := _NTH_WEEKDAY.match(compact):
            return cls(text.strip(), weekdays=(_weekday(match[2]),), ordinal=_ORDINALS[match[1]])
        if match := _LAST_WEEKDAY.match(compact):
            return cls(text.strip(), weekdays=(_weekday(match[1]),), ordinal=-1)
        if match := _MONTH_DAY.match(compact):
            day = int(match[1])
            if not 1 <= day <= 31:
                raise RuleError(f"每月的日子只能是 1 至 31，这里是 {day}")
            return cls(text.strip(), month_day=day)
        raise RuleError(f"无法识别的重复规则“{text}”")

    def dates(self, first: dt.date, last: dt.date, skipped: frozenset[dt.date] = frozenset()) -> list[dt.date]:
        """Every date from ``first`` to ``last`` inclusive that the rule names, minus ``skipped``."""
        found: list[dt.date] = []
        day = first
        while day <= last:
            if day not in skipped and self.matches(day):
                found.append(day)
            day += dt.timedelta(days=1)
        return found

    def matches(self, day: dt.date) -> bool:
        if self.month_day:
            # Months without that day (31日 in April, 29日 in most Februaries) are skipped, as in the plan's wording.
            return day.day == self.month_day
        if day.weekday() not in self.weekdays:
            return False
        if self.ordinal > 0:
            return (day.day - 1) // 7 + 1 == self.ordinal
        if self.ordinal < 0:
            return day.day + 7 > calendar.monthrange(day.year, day.month)[1]
        return True
