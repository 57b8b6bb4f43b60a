"""The study calendar's pages and feeds: month grids, agendas, unit views and .ics files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from urllib.parse import urlsplit

from ..structure.calendar import Month, StudyCalendar
from ..structure.clock import BuildClock
from ..structure.document import Document, Session
from .dates import WEEKDAYS, chinese_month
from .rendering import Rendering
from .generated import GeneratedFile, GeneratedPage, front_matter
from .ical import calendar_feed
from .urls import page_url


CALENDAR_URI = "calendar/index.md"
AGENDA_URI = "calendar/agenda.md"
FEED_FOLDER = "calendar/feeds"
ALL_FEED = "all"
UPCOMING_COUNT = 8


@dataclass(frozen=True)
class Feed:
    title: str
    uri: str
    absolute: str

    @property
    def webcal(self) -> str | None:
        """Outlook and Apple Calendar open webcal:// links as subscriptions."""
        scheme, _, rest = self.absolute.partition("://")
        return f"webcal://{rest}" if scheme in ("http", "https") else None


def month_uri(month: Month) -> str:
    return f"calendar/{month[0]}-{month[1]:02d}.md"


def unit_uri(slug: str) -> str:
    return f"calendar/units/{slug}.md"


class CalendarPages:
    def __init__(self, views: Rendering, calendar: StudyCalendar, clock: BuildClock, site_url: str) -> None:
        self.views = views
        self.calendar = calendar
        self.clock = clock
        self.site_url = site_url.rstrip("/") + "/" if site_url else ""
        self.unit_slugs = views.corpus.units

    # Addresses

    def absolute_url(self, src_uri: str) -> str:
        """Where a page lives for someone outside the site, such as a calendar program."""
        return self.site_url + page_url(src_uri, self.views.settings.directory_urls)

    def session_target(self, session: Session) -> str:
        return f"{month_uri((session.date.year, session.date.month))}#{session.anchor}"

    def feed(self, unit: str | None) -> Feed:
        name = ALL_FEED if unit is None else self.unit_slugs[unit]
        uri = f"{FEED_FOLDER}/{name}.ics"
        title = f"{self.views.settings.site_name}学习日历" if unit is None else f"{unit}学习日历"
        return Feed(title, uri, self.site_url + uri)

    # Pages

    def pages(self) -> Iterator[GeneratedPage]:
        if not self.calendar.sessions:
            return
        yield self._index()
        yield self._agenda(AGENDA_URI, "全部学习安排", self.calendar, self.feed(None))
        for month in self.calendar.months:
            yield self._month(month)
        for unit in self.calendar.units():
            yield self._agenda(unit_uri(self.unit_slugs[unit]), f"{unit}学习安排", self.calendar.for_unit(unit), self.feed(unit))

    def feeds(self) -> Iterator[GeneratedFile]:
        if not self.calendar.sessions:
            return
        host = urlsplit(self.site_url).hostname or "qinglian.invalid"
        for unit in (None, *self.calendar.units()):
            feed = self.feed(unit)
            sessions = self.calendar.sessions if unit is None else self.calendar.for_unit(unit).sessions
            content = calendar_feed(
                feed.title,
                sessions,
                zone=self.clock.zone,
                host=host,
                absolute_url=self.absolute_url,
                session_url=lambda s: self.absolute_url(month_uri((s.date.year, s.date.month))) + f"#{s.anchor}",
            )
            yield GeneratedFile(feed.uri, content)

    def _page(self, uri: str, title: str, template: str, in_nav: bool = False, **context: object) -> GeneratedPage:
        html = self.views.render(template, uri, cal=self, title=title, **context)
        hide = ("navigation", "toc") if template == "calendar_month.html" else ("toc",)
        # Sessions are searchable through their plans; calendar views would only repeat them.
        return GeneratedPage(uri, title, front_matter(title, hide=hide, search_exclude=True) + html + "\n", in_nav)

    def _index(self) -> GeneratedPage:
        by_year = [(year, list(months)) for year, months in groupby(self.calendar.months, key=lambda m: m[0])]
        units = [(unit, unit_uri(self.unit_slugs[unit]), len(self.calendar.for_unit(unit).sessions)) for unit in self.calendar.units()]
        return self._page(
            CALENDAR_URI,
            "学习日历",
            "calendar_index.html",
            in_nav=True,
            upcoming=self.calendar.upcoming(UPCOMING_COUNT),
            by_year=by_year,
            current=self.calendar.month_of_today(),
            units=units,
            feed=self.feed(None),
        )

    def _agenda(self, uri: str, title: str, calendar: StudyCalendar, feed: Feed) -> GeneratedPage:
        return self._page(
            uri,
            title,
            "calendar_agenda.html",
            upcoming=_by_month(calendar.upcoming()),
            past=_by_month(calendar.past()),
            feed=feed,
        )

    def _month(self, month: Month) -> GeneratedPage:
        previous, following = self.calendar.neighbours(month)
        return self._page(
            month_uri(month),
            f"{chinese_month(*month)}学习日历",
            "calendar_month.html",
            month=month,
            weeks=self.calendar.month_weeks(month),
            previous=previous,
            following=following,
            weekdays=WEEKDAYS,
            count=sum(1 for s in self.calendar.sessions if (s.date.year, s.date.month) == month),
            feed=self.feed(None),
        )

    def scheduling(self, document: Document) -> list[tuple[list[Session], Session]]:
        """Where ``document`` is read: each plan entry once, with the occurrence to link to.

        A recurring entry links to its next occurrence, or its last one once all are past.
        """
        entries: dict[tuple[str, int], list[Session]] = {}
        for session in self.calendar.scheduling(document):
            entries.setdefault((session.plan.key, session.entry), []).append(session)
        found = []
        for sessions in entries.values():
            coming = [s for s in sessions if s.date >= self.clock.today]
            found.append((sessions, coming[0] if coming else sessions[-1]))
        return found

    def this_week(self) -> tuple[list[Session], Session | None]:
        """This week's sessions, and the next one after the week when the week has none."""
        monday, sunday = self.clock.week
        week = self.calendar.between(monday, sunday)
        later = [s for s in self.calendar.upcoming() if s.date > sunday]
        return week, (later[0] if later and not week else None)


def _by_month(sessions: list[Session]) -> list[tuple[Month, list[Session]]]:
    return [(month, list(group)) for month, group in groupby(sessions, key=lambda s: (s.date.year, s.date.month))]


def month_label(month: Month) -> str:
    return chinese_month(*month)


def time_label(session: Session) -> str:
    if session.start is None:
        return "全天"
    ends = session.ends
    return session.start.strftime("%H:%M") + (f"—{ends.strftime('%H:%M')}" if ends else "")


FORM_CLASSES = {"集中学习": "study", "专题研讨": "seminar", "警示教育": "warning", "自学": "self", "知识测试": "quiz"}


def form_class(form: str) -> str:
    return FORM_CLASSES.get(form, "other")
