"""The study calendar: recurrences, weeks, the build clock, validation, pages and feeds."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import icalendar
import ics
import pytest

from conftest import Project
from qinglian.content.loader import load_content
from qinglian.content.recurrence import RecurrenceRule, RuleError
from qinglian.structure.calendar import StudyCalendar
from qinglian.structure.clock import ClockError, build_clock

D = dt.date


# Recurrence rules


@pytest.mark.parametrize(
    ("rule", "first", "last", "expected"),
    [
        # A weekly rule runs across the end of March into April.
        ("每周五", D(2024, 3, 20), D(2024, 4, 10), [D(2024, 3, 22), D(2024, 3, 29), D(2024, 4, 5)]),
        ("每星期二、四", D(2024, 4, 1), D(2024, 4, 7), [D(2024, 4, 2), D(2024, 4, 4)]),
        ("每个工作日", D(2024, 3, 29), D(2024, 4, 2), [D(2024, 3, 29), D(2024, 4, 1), D(2024, 4, 2)]),
        ("每周日", D(2024, 3, 1), D(2024, 3, 10), [D(2024, 3, 3), D(2024, 3, 10)]),
        ("每月第一个周一", D(2024, 1, 1), D(2024, 4, 30), [D(2024, 1, 1), D(2024, 2, 5), D(2024, 3, 4), D(2024, 4, 1)]),
        ("每月第2个星期三", D(2024, 1, 1), D(2024, 2, 29), [D(2024, 1, 10), D(2024, 2, 14)]),
        # 2024 is a leap year: the last Thursday of February is the 29th.
        ("每月最后一个周四", D(2024, 1, 1), D(2024, 3, 31), [D(2024, 1, 25), D(2024, 2, 29), D(2024, 3, 28)]),
        ("每月29日", D(2024, 1, 1), D(2024, 3, 31), [D(2024, 1, 29), D(2024, 2, 29), D(2024, 3, 29)]),
        # Without a leap day, February has no 29th and is skipped.
        ("每月29日", D(2025, 1, 1), D(2025, 3, 31), [D(2025, 1, 29), D(2025, 3, 29)]),
        ("每月31日", D(2024, 4, 1), D(2024, 4, 30), []),
        ("每月31日", D(2024, 4, 1), D(2024, 6, 30), [D(2024, 5, 31)]),
    ],
)
def test_recurrence_expansion(rule: str, first: dt.date, last: dt.date, expected: list[dt.date]):
    assert RecurrenceRule.parse(rule).dates(first, last) == expected


def test_recurrence_skips_listed_dates():
    rule = RecurrenceRule.parse("每周五")
    assert rule.dates(D(2024, 3, 1), D(2024, 3, 15), frozenset({D(2024, 3, 8)})) == [D(2024, 3, 1), D(2024, 3, 15)]


@pytest.mark.parametrize("text", ["每周", "每两周周五", "每月第六个周一", "每月32日", "周五"])
def test_unknown_recurrence_is_rejected(text: str):
    with pytest.raises(RuleError):
        RecurrenceRule.parse(text)


# Build clock and weeks


def test_week_starts_on_monday():
    sunday = build_clock("Asia/Shanghai", "2026-11-22")
    assert sunday.week == (D(2026, 11, 16), D(2026, 11, 22))
    monday = build_clock("Asia/Shanghai", "2026-11-23")
    assert monday.week == (D(2026, 11, 23), D(2026, 11, 29))


def test_month_grid_has_monday_first_whole_weeks():
    weeks = StudyCalendar([], D(2024, 3, 15)).month_weeks((2024, 3))
    assert weeks[0][0].date == D(2024, 2, 26) and not weeks[0][0].in_month
    assert all(week[0].date.weekday() == 0 and len(week) == 7 for week in weeks)
    assert weeks[-1][-1].date == D(2024, 3, 31)
    assert [day.date for week in weeks for day in week if day.is_today] == [D(2024, 3, 15)]


def test_today_is_decided_in_beijing_time():
    # 15:30 UTC is 23:30 in Beijing, still the 15th; an hour later it is the 16th there.
    late_evening = build_clock("Asia/Shanghai", now=dt.datetime(2024, 3, 15, 15, 30, tzinfo=dt.timezone.utc))
    after_midnight = build_clock("Asia/Shanghai", now=dt.datetime(2024, 3, 15, 16, 30, tzinfo=dt.timezone.utc))
    assert late_evening.today == D(2024, 3, 15)
    assert after_midnight.today == D(2024, 3, 16)
    # The same instant in UTC is still the 15th: the zone, not the server's clock, decides.
    assert build_clock("UTC", now=dt.datetime(2024, 3, 15, 16, 30, tzinfo=dt.timezone.utc)).today == D(2024, 3, 15)


@pytest.mark.parametrize(
    ("fixed", "today"),
    [
        ("2024-03-15", D(2024, 3, 15)),
        ("2024-03-15T23:30", D(2024, 3, 15)),
        ("2024-03-15T15:30:00+00:00", D(2024, 3, 15)),
        ("2024-03-15T16:30:00+00:00", D(2024, 3, 16)),
    ],
)
def test_fixed_build_date(fixed: str, today: dt.date):
    assert build_clock("Asia/Shanghai", fixed).today == today


def test_bad_clock_settings_are_explained():
    with pytest.raises(ClockError, match="2024/03/15"):
        build_clock("Asia/Shanghai", "2024/03/15")
    with pytest.raises(ClockError, match="Asia/Shanghia"):
        build_clock("Asia/Shanghia")


# Validation


PLAN_HEAD = """\
---
title: 测试学习计划
date: 2024-01-05
unit: XX市纪委监委
topics: [警示教育]
year: 2024
sessions:
"""


def plan_problems(project: Project, sessions: str) -> list[str]:
    project.write("content/plans/2024-plan.md", PLAN_HEAD + textwrap.dedent(sessions) + "---\n")
    result = load_content(project.root / "content", project.root, today=D(2024, 3, 1))
    return [str(problem) for problem in result.log.sorted()]


def only_problem(problems: list[str], *fragments: str) -> None:
    assert len(problems) == 1, problems
    for fragment in fragments:
        assert fragment in problems[0], f"{fragment!r} not in {problems[0]!r}"


def test_valid_sessions_expand(project: Project):
    problems = plan_problems(project, """\
          - date: 2024-03-15
            start: "14:30"
            duration: 1小时30分钟
            topic: 集中学习
            form: 集中学习
            readings: [speeches/2024-warning#一、正文]
          - repeat:
              every: 每周五
              from: 2024-03-01
              until: 2024-03-31
              except: [2024-03-15]
            topic: 周学周测
            form: 知识测试
        """)
    assert problems == []
    plan = load_content(project.root / "content", project.root, today=D(2024, 3, 1)).corpus.by_key["plans/2024-plan"]
    dates = [s.date for s in plan.sessions]
    assert dates == [D(2024, 3, 15), D(2024, 3, 1), D(2024, 3, 8), D(2024, 3, 22), D(2024, 3, 29)]
    first = plan.sessions[0]
    assert (first.start, first.ends) == (dt.time(14, 30), dt.time(16, 0))
    assert plan.sessions[3].repeat == "每周五"


@pytest.mark.parametrize(
    ("sessions", "fragments"),
    [
        (
            "  - date: 2024-03-15\n    topic: 学习\n    form: 集中学习\n    readings: [speeches/2024-nowhere]\n",
            ("content/plans/2024-plan.md:11:", "sessions[1].readings[1]", "没有这个文档", "speeches/2024-warning"),
        ),
        (
            "  - date: 2024-03-15\n    topic: 学习\n    form: 集中学习\n    readings: [speeches/2024-warning#三、没有的标题]\n",
            ("content/plans/2024-plan.md:11:", "sessions[1].readings[1]", "没有这个小标题", "一、正文"),
        ),
        (
            "  - date: 2025-03-15\n    topic: 学习\n    form: 集中学习\n",
            ("content/plans/2024-plan.md:8:", "sessions[1].date", "2024 年内的日期", "2025-03-15"),
        ),
        (
            "  - start: \"14:30\"\n    topic: 学习\n    form: 集中学习\n",
            ("content/plans/2024-plan.md:8:", "sessions[1].start", "同时写明日期", "只有开始时间"),
        ),
        (
            "  - topic: 学习\n    form: 集中学习\n",
            ("content/plans/2024-plan.md:8:", "sessions[1].date", "缺少该字段"),
        ),
        (
            "  - date: 2024-03-15\n    start: \"25:00\"\n    topic: 学习\n    form: 集中学习\n",
            ("content/plans/2024-plan.md:9:", "sessions[1].start", "24 小时制", "“25:00”"),
        ),
        (
            "  - date: 2024-03-15\n    duration: 90\n    topic: 学习\n    form: 集中学习\n",
            ("content/plans/2024-plan.md:9:", "sessions[1].duration", "只有时长"),
        ),
        (
            "  - date: 2024-03-15\n    start: \"9:00\"\n    duration: 半天\n    topic: 学习\n    form: 集中学习\n",
            ("content/plans/2024-plan.md:10:", "sessions[1].duration", "“半天”"),
        ),
        (
            "  - repeat:\n      every: 每月31日\n      from: 2024-04-01\n      until: 2024-04-30\n    topic: 学习\n    form: 自学\n",
            ("content/plans/2024-plan.md:9:", "sessions[1].repeat.every", "至少有一天", "没有符合的日子"),
        ),
        (
            "  - repeat:\n      every: 每两周\n    topic: 学习\n    form: 自学\n",
            ("content/plans/2024-plan.md:9:", "sessions[1].repeat.every", "每月第一个周一", "“每两周”"),
        ),
        (
            "  - repeat:\n      every: 每周五\n      until: 2025-01-31\n    topic: 学习\n    form: 自学\n",
            ("content/plans/2024-plan.md:10:", "sessions[1].repeat.until", "2024 年内", "2025-01-31"),
        ),
        (
            "  - repeat:\n      every: 每周五\n      from: 2024-05-01\n      until: 2024-04-01\n    topic: 学习\n    form: 自学\n",
            ("content/plans/2024-plan.md:11:", "sessions[1].repeat.until", "不早于开始日期"),
        ),
        (
            "  - date: 2024-03-15\n    repeat:\n      every: 每周五\n    topic: 学习\n    form: 自学\n",
            ("content/plans/2024-plan.md:9:", "sessions[1].repeat", "二选一"),
        ),
    ],
    ids=["dangling-reading", "missing-heading", "date-outside-year", "start-without-date", "no-date",
         "bad-time", "duration-without-start", "bad-duration", "recurrence-without-dates", "unknown-rule",
         "repeat-outside-year", "repeat-backwards", "date-and-repeat"],
)
def test_session_validation_errors(project: Project, sessions: str, fragments: tuple[str, ...]):
    only_problem(plan_problems(project, sessions), *fragments)


def test_calendar_errors_fail_the_build_without_traceback(project: Project):
    project.write("content/plans/2024-plan.md", PLAN_HEAD + "  - start: \"14:30\"\n    topic: 学习\n    form: 集中学习\n---\n")
    result = project.build()
    assert result.returncode != 0
    assert "content/plans/2024-plan.md:8: 字段“sessions[1].start”" in result.stderr
    assert "Traceback" not in result.stderr


# Built pages and feeds


def two_unit_plan(project: Project) -> None:
    project.write("content/plans/2024-plan.md", PLAN_HEAD + textwrap.dedent("""\
          - date: 2024-03-15
            start: "14:30"
            duration: 2小时
            topic: 警示教育大会精神
            form: 集中学习
            location: 三楼会议室
            readings: [speeches/2024-warning#一、正文]
          - repeat:
              every: 每月最后一个周四
              from: 2024-02-01
              until: 2024-04-30
            topic: 月度自学
            form: 自学
            unit: XX区纪委监委
        ---
        """))


def test_fixed_build_date_moves_this_week(project: Project):
    two_unit_plan(project)
    project.build_ok(build_date="2024-03-13")
    home = project.html("index.html")
    week = home[home.index("本周学习") : home.index("查看学习日历")]
    assert "警示教育大会精神" in week and "月度自学" not in week
    project.build_ok(build_date="2024-03-25")
    home = project.html("index.html")
    week = home[home.index("本周学习") : home.index("查看学习日历")]
    assert "月度自学" in week and "2024年3月28日" in week and "警示教育大会精神" not in week
    agenda = project.html("calendar/agenda/index.html")
    upcoming, past = agenda.split('id="past"')
    assert "2024年3月28日" in upcoming and "2024年3月15日" in past


def test_build_date_from_mkdocs_yml_and_environment(project: Project):
    two_unit_plan(project)
    project.write("mkdocs.yml", (project.root / "mkdocs.yml").read_text(encoding="utf-8") + "      build_date: 2024-03-13\n")
    project.build_ok()
    assert "2024年3月13日" in project.html("calendar/index.html")
    # The environment variable wins, so a scheduled job can preview another day.
    project.build_ok(build_date="2024-04-01")
    assert "2024年4月1日" in project.html("calendar/index.html")


def test_bad_build_date_is_an_operator_error(project: Project):
    result = project.build(build_date="next monday")
    assert result.returncode != 0
    assert "QINGLIAN_BUILD_DATE" in result.stderr and "next monday" in result.stderr
    assert "Traceback" not in result.stderr


def test_reading_shows_where_it_is_scheduled(project: Project):
    two_unit_plan(project)
    project.build_ok(build_date="2024-03-13")
    page = project.html("speeches/2024-warning/index.html")
    assert "列入学习计划" in page
    assert re.search(r'href="../../calendar/2024-03/#s-20240315-2024-plan-1"><time[^>]*>2024年3月15日</time> XX市纪委监委集中学习', page)
    month = project.html("calendar/2024-03/index.html")
    assert 'id="s-20240315-2024-plan-1"' in month
    assert 'href="../../speeches/2024-warning/#一正文"' in month


def test_months_link_to_neighbours_with_sessions(project: Project):
    two_unit_plan(project)
    project.build_ok(build_date="2024-03-13")
    march = project.html("calendar/2024-03/index.html")
    assert 'rel="prev" href="../2024-02/"' in march and 'rel="next" href="../2024-04/"' in march
    assert "没有更早的安排" in project.html("calendar/2024-02/index.html")
    unit = project.html("calendar/units/district-commission/index.html")
    assert "月度自学" in unit and "警示教育大会精神" not in unit


def feed_events(path: Path) -> list[tuple[str, str, str]]:
    """(UID, start, summary) of every event, as the icalendar package reads them."""
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return sorted(
        (str(event["UID"]), event.decoded("DTSTART").isoformat(), str(event["SUMMARY"])) for event in calendar.walk("VEVENT")
    )


def feed_events_by_ics(path: Path) -> list[tuple[str, str, str]]:
    """The same triples from the independent ``ics`` parser."""
    calendar = ics.Calendar(path.read_text(encoding="utf-8"))
    events = []
    for event in calendar.events:
        start = event.begin.date().isoformat() if event.all_day else event.begin.datetime.isoformat()
        events.append((event.uid, start, event.name))
    return sorted(events)


def test_feeds_parse_back_identically_with_two_parsers(project: Project):
    two_unit_plan(project)
    project.build_ok(build_date="2024-03-13")
    feed = project.root / "site/calendar/feeds/all.ics"
    events = feed_events(feed)
    assert events == feed_events_by_ics(feed)
    assert events == [
        ("20240229-2024-plan-1.plans@127.0.0.1", "2024-02-29", "自学：月度自学"),
        ("20240315-2024-plan-1.plans@127.0.0.1", "2024-03-15T14:30:00+08:00", "集中学习：警示教育大会精神"),
        ("20240328-2024-plan-1.plans@127.0.0.1", "2024-03-28", "自学：月度自学"),
        ("20240425-2024-plan-1.plans@127.0.0.1", "2024-04-25", "自学：月度自学"),
    ]
    unit_feed = project.root / "site/calendar/feeds/district-commission.ics"
    assert [uid for uid, _, _ in feed_events(unit_feed)] == [events[0][0], events[2][0], events[3][0]]


def test_feed_properties(project: Project):
    two_unit_plan(project)
    project.build_ok(build_date="2024-03-13")
    calendar = icalendar.Calendar.from_ical((project.root / "site/calendar/feeds/all.ics").read_bytes())
    assert calendar["REFRESH-INTERVAL"].dt == dt.timedelta(hours=12)
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT12H"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    timed = next(e for e in calendar.walk("VEVENT") if e["SUMMARY"] == "集中学习：警示教育大会精神")
    assert timed.decoded("DTEND") - timed.decoded("DTSTART") == dt.timedelta(hours=2)
    assert timed["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert "http://127.0.0.1/speeches/2024-warning/#一、正文" in str(timed["DESCRIPTION"])
    assert "在警示教育大会上的讲话" in str(timed["DESCRIPTION"])
    assert str(timed["LOCATION"]) == "三楼会议室"
    all_day = next(e for e in calendar.walk("VEVENT") if e.decoded("DTSTART") == D(2024, 3, 28))
    assert all_day.decoded("DTEND") == D(2024, 3, 29)


def test_uids_survive_edits_and_rebuilds(project: Project):
    two_unit_plan(project)
    project.build_ok(build_date="2024-03-13")
    before = [uid for uid, _, _ in feed_events(project.root / "site/calendar/feeds/all.ics")]
    plan = project.root / "content/plans/2024-plan.md"
    plan.write_text(plan.read_text(encoding="utf-8").replace("警示教育大会精神", "传达警示教育大会精神"), encoding="utf-8")
    project.build_ok(build_date="2024-04-20")
    assert [uid for uid, _, _ in feed_events(project.root / "site/calendar/feeds/all.ics")] == before


def test_example_plans_span_months_and_units(example_site: Path):
    months = sorted(p.name for p in (example_site / "calendar").iterdir() if re.fullmatch(r"\d{4}-\d{2}", p.name))
    assert len(months) >= 2
    units = sorted(p.name for p in (example_site / "calendar/units").iterdir())
    assert len(units) >= 2
    assert feed_events(example_site / "calendar/feeds/all.ics") == feed_events_by_ics(example_site / "calendar/feeds/all.ics")
    home = (example_site / "index.html").read_text(encoding="utf-8")
    assert "本周学习" in home and "一把手和领导班子监督专题研讨" in home
