"""Dates as Chinese readers write them."""

from __future__ import annotations

import datetime as dt

WEEKDAYS = "一二三四五六日"


def chinese_date(value: dt.date) -> str:
    """2023年3月5日, without leading zeros."""
    return f"{value.year}年{value.month}月{value.day}日"


def chinese_weekday(value: dt.date) -> str:
    return f"星期{WEEKDAYS[value.weekday()]}"


def chinese_month(year: int, month: int) -> str:
    return f"{year}年{month}月"
