"""Dates as Chinese readers write them."""

from __future__ import annotations

import datetime as dt

def chinese_date(value: dt.date) -> str:
    """2023年3月5日, without leading zeros."""
    return f"{value.year}年{value.month}月{value.day}日"
