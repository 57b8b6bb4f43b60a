"""Dates as Chinese readers write them."""

from __future__ import annotations

import datetime as dt

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def chinese_date(value: dt.date) -> str:
    """2023年3月5日, without leading zeros."""
    return f"{value.year}年{value.month}月{value.day}日"
