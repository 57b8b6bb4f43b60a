"""Line-by-line checks of a file's text: importer placeholders and personal data.

A disciplinary portal must not leak a person's ID card or mobile number. Such a number is
an error unless its line carries the marker ``qinglian-allow`` (in Markdown as an HTML
comment ``<!-- qinglian-allow -->``, in front matter as ``# qinglian-allow``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PLACEHOLDER = "【待填写"
ALLOW_MARKER = "qinglian-allow"
_PLACEHOLDER = re.compile(re.escape(PLACEHOLDER) + r"[^】]*】?|(?<![\u4e00-\u9fff\w])(?:待补充|TODO)(?![\u4e00-\u9fff\w])")
# Where the portal puts its generated blocks (views/pages.py); a source that held one could
# put a block of the portal's choosing, such as the search form, into its own page.
_RESERVED = re.compile(r"qlslot[0-9a-f]{32}", re.I)
RESERVED_HINT = "qlslot 加 32 位十六进制数字是网站生成页面时内部使用的标记，不能出现在文档中；请删去。"
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def placeholder(what: str) -> str:
    """The mark the importer and the templates leave where an editor must fill something in."""
    return f"{PLACEHOLDER}：{what}】"


def is_id_card(number: str) -> bool:
    """An 18-digit mainland ID number with a valid check digit (GB 11643) and a real birth date."""
    if not re.fullmatch(r"\d{17}[\dXx]", number):
        return False
    month, day = int(number[10:12]), int(number[12:14])
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1900 <= int(number[6:10]) <= 2100):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


@dataclass(frozen=True)
class Finding:
    line: int
    kind: str
    found: str


def mask(number: str) -> str:
    # Messages end up in logs; they must not repeat the number in full.
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def reserved(text: str) -> list[Finding]:
    """Every line of ``text`` holding the portal's own block marker."""
    if "qlslot" not in text.lower():
        return []
    return [Finding(n, "reserved", m[:16]) for n, line in enumerate(text.splitlines(), start=1) for m in _RESERVED.findall(line)]


def scan(text: str) -> list[Finding]:
    findings = reserved(text)
    for number, line in enumerate(text.splitlines(), start=1):
        findings += [Finding(number, "placeholder", m) for m in _PLACEHOLDER.findall(line)]
        if ALLOW_MARKER in line:
            continue
        ids = [m for m in _ID_CARD.findall(line) if is_id_card(m)]
        findings += [Finding(number, "id_card", mask(m)) for m in ids]
        findings += [Finding(number, "mobile", mask(m)) for m in _MOBILE.findall(line) if not any(m in i for i in ids)]
    return findings
