"""The study calendar: sessions arranged by day, week and month around the build date."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from .document import Document, Session

Month = tuple[int, int]


@dataclass(frozen=True)
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    sessions: list[Session]


class StudyCalendar:
    def __init__(self, sessions: list[Session], today: dt.date) -> None:
        # Sessions arrive sorted by date and start time.
        self.sessions = sessions
        self.today = today
        self._by_date: dict[dt.date, list[Session]] = defaultdict(list)
        self._by_document: dict[str, list[Session]] = defaultdict(list)
        for session in sessions:
            self._by_date[session.date].append(session)
            named = [document for _, document in session.readings] + ([session.quiz] if session.quiz else [])
            for document in named:
                if session not in self._by_document[document.key]:
                    self._by_document[document.key].append(session)
        self.months: list[Month] = sorted({(s.date.year, s.date.month) for s in sessions})

    def on(self, day: dt.date) -> list[Session]:
        return self._by_date.get(day, [])

    def month_weeks(self, month: Month) -> list[list[Day]]:
        """The month as whole weeks, Monday first, including the neighbouring months' days."""
        weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(*month)
        return [
            [Day(day, (day.year, day.month) == month, day == self.today, self.on(day)) for day in week]
            for week in weeks
        ]

    def neighbours(self, month: Month) -> tuple[Month | None, Month | None]:
        """The nearest earlier and later months that have sessions."""
        earlier = [m for m in self.months if m < month]
        later = [m for m in self.months if m > month]
        return (earlier[-1] if earlier else None, later[0] if later else None)

    def upcoming(self, limit: int | None = None) -> list[Session]:
        """Sessions from today on, soonest first; today's count as upcoming all day."""
        found = [s for s in self.sessions if s.date >= self.today]
        return found[:limit] if limit is not None else found

    def past(self) -> list[Session]:
        """Sessions before today, most recent first."""
        return [s for s in reversed(self.sessions) if s.date < self.today]

    def between(self, first: dt.date, last: dt.date) -> list[Session]:
        return [s for s in self.sessions if first <= s.date <= last]

    def for_unit(self, unit: str) -> StudyCalendar:
        return StudyCalendar([s for s in self.sessions if s.unit == unit], self.today)

    def units(self) -> list[str]:
        return sorted({s.unit for s in self.sessions})

    def scheduling(self, document: Document) -> list[Session]:
        """The sessions that list ``document`` among their readings."""
        return self._by_document.get(document.key, [])

    def month_of_today(self) -> Month:
        return (self.today.year, self.today.month)
