"""Dates as official documents write them: 2025年3月5日 or 二〇二五年三月五日."""

from __future__ import annotations

import datetime as dt
import re

_NUMERALS = "〇零一二三四五六七八九十"
_NUMERAL_DATE = re.compile(rf"^(\d{{4}}|[{_NUMERALS}]{{4}})\s*年\s*(\d{{1,2}}|[{_NUMERALS}]{{1,3}})\s*月\s*(\d{{1,2}}|[{_NUMERALS}]{{1,3}})\s*日$")
_DIGIT_OF = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def _numeral(text: str) -> int:
    """2025, 二〇二五, 十二, 二十五 or 五 as a number."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return int("".join(str(_DIGIT_OF[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_DIGIT_OF[tens] if tens else 1) * 10 + (_DIGIT_OF[ones] if ones else 0)


def numeral_date(text: str) -> dt.date | None:
    """2025年3月5日 or 二〇二五年三月五日, as an official document dates itself."""
    match = _NUMERAL_DATE.match(text.strip())
    if match is None:
        return None
    try:
        return dt.date(_numeral(match[1]), _numeral(match[2]), _numeral(match[3]))
    except (ValueError, KeyError):
        return None
