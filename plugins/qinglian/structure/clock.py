"""The moment a build happens, in the portal's time zone.

"Today", "this week", "upcoming" and scheduled publishing are all decided from this one
value, so a nightly rebuild moves them forward and a fixed value makes a build reproducible.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Shanghai"
BUILD_DATE_VARIABLE = "QINGLIAN_BUILD_DATE"
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ClockError(ValueError):
    """A time zone or fixed build date that cannot be used; the message is for the operator."""


@dataclass(frozen=True)
class BuildClock:
    now: dt.datetime
    zone: ZoneInfo

    @property
    def today(self) -> dt.date:
        return self.now.date()

    @property
    def week(self) -> tuple[dt.date, dt.date]:
        """Monday and Sunday of the current week: Chinese calendars start weeks on Monday."""
        monday = self.today - dt.timedelta(days=self.today.weekday())
        return monday, monday + dt.timedelta(days=6)


def load_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ClockError(f"时区“{name}”不存在；应为 IANA 时区名，如 {DEFAULT_TIMEZONE}。") from None


def build_clock(zone_name: str, fixed: str | None = None, now: dt.datetime | None = None) -> BuildClock:
    """The clock for a build.

    ``fixed`` is ``2024-03-15`` (midday of that day in the portal's zone) or an ISO date
    and time such as ``2024-03-15T23:30`` or ``2024-03-15T15:30:00+00:00``; without it,
    ``now`` (default: the system clock) is converted into the zone.
    """
    zone = load_zone(zone_name)
    if fixed:
        text = fixed.strip()
        try:
            if _DATE_ONLY.match(text):
                moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(12), zone)
            else:
                moment = dt.datetime.fromisoformat(text)
                moment = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
        except ValueError:
            raise ClockError(
                f"固定构建日期“{fixed}”无法识别；应为 2024-03-15 或 2024-03-15T23:30 这样的 ISO 格式。"
            ) from None
        return BuildClock(moment.astimezone(zone), zone)
    return BuildClock((now or dt.datetime.now(dt.timezone.utc)).astimezone(zone), zone)
