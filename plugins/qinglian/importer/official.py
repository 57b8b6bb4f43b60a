"""The frame of an official document (公文, GB/T 9704): what goes into the front matter, not the body.

A 公文 opens with the issuing authority's header (…文件, or the names of one or more organs
jointly issuing it, one a line), the document number (文号, such as XX县纪发〔2025〕5号) and a
title that may run over up to four lines, then the addressees (主送, a line ending in a colon);
it closes with the attachment notes (附件：…), the sign-off (落款: one or more authorities, the
seal's text, the date), the distribution note (（此件发至县处级）) and the 抄送 and 印发 lines.
The title is the heading after the 文号, the date is the sign-off's, the distribution note
becomes a field, and none of the rest belongs to the body.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..content.numerals import numeral_date
from .sources import Paragraph

_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fffA-Za-z]{1,20}[〔［\[（(]\s*(\d{4})\s*[〕］\]）)]\s*\d{1,4}\s*号$")
_MASTHEAD = re.compile(r"^[\u4e00-\u9fff（）()XxＸ]{2,40}(?:文件|通报|简报|函)$")
# An issuing organ's name on a line of its own: a joint masthead is several, with or without 文件.
_ORGAN = re.compile(r"^[\u4e00-\u9fff（）()XxＸ\s]{2,40}(?:委员会|纪委|监委|纪委监委|办公室|办公厅|委|局|厅|部|院|处|室|政府|党组|工委)(?:\s*文件)?$")
# The 印发 line: the office that printed it and the day (XX市纪委监委办公室　2026年8月3日印发).
_PRINTED = re.compile(r"\d{1,2}\s*日\s*印发$|^\S{2,30}\s+印发$")
_SEAL = re.compile(r"^[（(]\s*(?:印章|盖章|公章|章)\s*[）)]$")
_DISTRIBUTION = re.compile(r"^[（(]\s*(此件[^）)]{1,40})\s*[）)]$")
_ATTACHMENT = re.compile(r"^附件[：:\d１-９一二三四五六七八九十]")
_ATTACHMENT_MORE = re.compile(r"^\d{1,2}[.．、]\S")
_RECIPIENTS = re.compile(r"^[^。！？]{2,120}[：:]$")
_SALUTATION = re.compile(r"^(?:同志们|各位(?:领导|同志)?|大家)[：:，,]?$")
_SIGNER = re.compile(r"^[\u4e00-\u9fff（）()XxＸ]{2,40}$")
_TRAILER = re.compile(r"^(?:抄送|印发|附件|（此件|\(此件|此件)")
# A title line is short and is not a sentence of the body.
_TITLE_LINE = re.compile(r"^[^。！？；]{2,60}$")


@dataclass
class OfficialFrame:
    title: str
    body: list[Paragraph]
    doc_number: str | None = None
    recipients: str | None = None
    signer: str | None = None
    date: dt.date | None = None
    # The distribution note (此件发至县处级), without its brackets.
    distribution: str | None = None
    # What was taken out of the body, for the import's report.
    removed: list[str] = field(default_factory=list)


def date_of(text: str) -> dt.date | None:
    """2025年3月5日 or 二〇二五年三月五日 on a line of its own."""
    return numeral_date(text)


def official_frame(paragraphs: list[Paragraph]) -> OfficialFrame:
    """Title, 文号, addressees and sign-off of ``paragraphs``; a plain document keeps its first line as title."""
    items = list(paragraphs)
    frame = OfficialFrame(title=items[0].text if items else "", body=items[1:])
    start = 0
    while start < len(items) and start < 4 and (_is_masthead(items, start) or _joint_masthead(items, start)):
        frame.removed.append(f"版头“{items[start].text}”")
        start += 1
    if start < len(items) and _DOC_NUMBER.match(items[start].text):
        frame.doc_number = items[start].text.replace(" ", "")
        start += 1
    elif start == 0:
        head = items[0] if items else None
        if head is None or not _recipients_follow(items, 1):
            # Not an official document's frame: the first line is the title, as before.
            _take_sign_off(frame)
            return frame
    # The title: short lines up to the addressees (or the first sentence), joined.
    title_lines: list[str] = []
    index = start
    while index < len(items) and len(title_lines) < 4:
        text = items[index].text
        if _RECIPIENTS.match(text) or _SALUTATION.match(text) or not _TITLE_LINE.match(text):
            break
        title_lines.append(text)
        index += 1
    if not title_lines and index < len(items):
        title_lines, index = [items[index].text], index + 1
    frame.title = "".join(title_lines)
    if index < len(items) and _RECIPIENTS.match(items[index].text) and not _SALUTATION.match(items[index].text):
        frame.recipients = items[index].text.rstrip("：:")
        frame.removed.append(f"主送“{items[index].text}”")
        index += 1
    frame.body = items[index:]
    _take_sign_off(frame)
    return frame


def _is_masthead(items: list[Paragraph], index: int) -> bool:
    """``XX市纪委监委文件``; a line ending in 通报 is a masthead only with a 文号 under it (a case's title ends so too)."""
    text = items[index].text
    if not _MASTHEAD.match(text) or _DOC_NUMBER.match(text):
        return False
    if text.endswith("通报"):
        return not text.endswith("的通报") and any(_DOC_NUMBER.match(item.text) for item in items[index + 1:index + 3])
    return True


def _joint_masthead(items: list[Paragraph], index: int) -> bool:
    """An organ's name at the top, in a run of such lines (or 文件) that a 文号 follows: a joint masthead."""
    end = index
    while end < len(items) and end < 5 and (_ORGAN.match(items[end].text) or items[end].text.strip() == "文件"):
        end += 1
    return end > index and end < len(items) and bool(_DOC_NUMBER.match(items[end].text.replace(" ", "")))


def _recipients_follow(items: list[Paragraph], start: int) -> bool:
    """A title of one to three short lines followed by an addressee line: a 公文 without a 文号."""
    for index in range(start, min(start + 3, len(items))):
        if _RECIPIENTS.match(items[index].text) and not _SALUTATION.match(items[index].text):
            return True
        if not _TITLE_LINE.match(items[index].text):
            return False
    return False


def _take_sign_off(frame: OfficialFrame) -> None:
    """The 落款 (authorities, seal, date) and what follows it (发文范围, 抄送, 印发) leave the body; the date is the document's.

    Attachment notes (附件：…) just before the sign-off leave it too: the attachments are separate files.
    """
    body = frame.body
    end = len(body)
    while end > 0:
        text = body[end - 1].text.strip()
        if (match := _DISTRIBUTION.match(text)) is not None:
            frame.distribution = match.group(1)
            frame.removed.append(f"发文范围“{text}”（已写入“发文范围”字段）")
        elif (_TRAILER.match(text) and not text.startswith("附件")) or _PRINTED.search(text):
            frame.removed.append(f"版记“{text}”")
        elif _SEAL.match(text):
            frame.removed.append(f"印章“{text}”")
        else:
            break
        end -= 1
    if end > 0 and (found := date_of(body[end - 1].text)) is not None:
        frame.date = found
        frame.removed.append(f"成文日期“{body[end - 1].text}”")
        end -= 1
        while end > 0 and _SEAL.match(body[end - 1].text.strip()):
            frame.removed.append(f"印章“{body[end - 1].text}”")
            end -= 1
        signers: list[str] = []
        while end > 0 and len(signers) < 4 and _SIGNER.match(body[end - 1].text.strip()) and len(body[end - 1].text) <= 30:
            signers.insert(0, body[end - 1].text.strip())
            end -= 1
        if signers:
            frame.signer = signers[0]
            frame.removed += [f"落款“{signer}”" for signer in signers]
    # 附件：1.…, then 2.… on the lines below: the whole note goes.
    probe = end
    while probe > 0 and _ATTACHMENT_MORE.match(body[probe - 1].text.strip()):
        probe -= 1
    if probe > 0 and _ATTACHMENT.match(body[probe - 1].text.strip()):
        frame.removed += [f"附件说明“{item.text}”" for item in body[probe - 1:end]]
        end = probe - 1
    frame.body = body[:end]
