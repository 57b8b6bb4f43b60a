"""iCalendar feeds of the study calendar, for Outlook and other calendar programs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import icalendar

from ..structure.document import Session
from .dates import chinese_date

# Calendar programs poll a subscription at this interval; a nightly rebuild makes 12 hours ample.
REFRESH_INTERVAL = dt.timedelta(hours=12)
PUBLISHED_TTL = "PT12H"
# A timed session without a stated duration is shown as one hour long.
DEFAULT_DURATION = dt.timedelta(hours=1)
PRODUCT_ID = "-//Qinglian//Study calendar 1.0//ZH"


def revised(sessions: list[Session], zone: ZoneInfo) -> dt.datetime:
    """When the sessions' content was last revised, as the content says it: the newest of their plans' dates.

    Not the build time: two publishes of the same content must give the same bytes, or every quiet
    night makes a new release and pushes the last good one out of reach of a rollback.
    """
    newest = max((session.plan.date for session in sessions), default=dt.date(2000, 1, 1))
    return dt.datetime.combine(newest, dt.time(0, 0), zone)


def session_event(
    session: Session,
    zone: ZoneInfo,
    host: str,
    absolute_url: Callable[[str], str],
    session_url: str,
) -> icalendar.Event:
    if session.start is None:
        # All-day events: DTEND is exclusive, so a one-day session ends the next day.
        start: dt.date | dt.datetime = session.date
        end: dt.date | dt.datetime = session.date + dt.timedelta(days=1)
    else:
        start = dt.datetime.combine(session.date, session.start, zone)
        end = start + (session.duration or DEFAULT_DURATION)
    lines = [f"学习主题：{session.topic}", f"学习形式：{session.form}", f"参学单位：{session.unit}"]
    if session.readings:
        lines.append("学习材料：")
        for number, (reference, document) in enumerate(session.readings, start=1):
            lines.append(f"{number}. {document.title}")
            lines.append(f"   {absolute_url(document.src_uri)}" + (f"#{reference.anchor}" if reference.anchor else ""))
    lines.append(f"学习计划：{session.plan.title}")
    lines.append(f"日历：{session_url}")
    event = icalendar.Event.new(
        uid=f"{session.ident}.{session.plan.collection.name}@{host}",
        summary=f"{session.form}：{session.topic}",
        start=start,
        end=end,
        stamp=revised([session], zone),
        location=session.location,
        description="\n".join(lines),
        categories=[session.form],
        url=session_url,
    )
    return event


def calendar_feed(
    title: str,
    sessions: list[Session],
    *,
    zone: ZoneInfo,
    host: str,
    absolute_url: Callable[[str], str],
    session_url: Callable[[Session], str],
) -> bytes:
    """One VCALENDAR with an event per session; UIDs depend only on plan, date and order, and nothing on the build time."""
    stamp = revised(sessions, zone)
    feed = icalendar.Calendar.new(
        name=title,
        description=f"{title}，更新于{chinese_date(stamp.date())}。",
        prodid=PRODUCT_ID,
        refresh_interval=REFRESH_INTERVAL,
        uid=f"{title}@{host}",
    )
    feed.add("X-WR-CALNAME", title)
    feed.add("X-WR-TIMEZONE", zone.key)
    feed.add("X-PUBLISHED-TTL", PUBLISHED_TTL)
    feed.add("CALSCALE", "GREGORIAN")
    for session in sessions:
        feed.add_component(session_event(session, zone, host, absolute_url, session_url(session)))
    feed.add_missing_timezones()
    return feed.to_ical()
