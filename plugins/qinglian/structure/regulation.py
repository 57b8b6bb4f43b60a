"""A regulation's structure, recognised from its text: chapters, sections and articles.

Regulations are written the way they are printed: a line 第一章　总则, optionally 第一节…,
and paragraphs that open with 第一条. Editors mark nothing up by hand. Articles are numbered
through the whole regulation, chapters through the regulation and sections within a
chapter; a gap, a repeat or a number out of order is a problem with its line.

Every article's anchor is its number as printed (第二十八条), and every chapter's too (第三章):
editing an article's words never moves a link to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL = "零〇一二三四五六七八九十百千两"
_HEADING = re.compile(rf"^\s{{0,3}}(?:#{{1,6}}\s*)?第([{NUMERAL}]+)(章|节)(?:[\s　]+(.*?))?\s*#*\s*$")
_ARTICLE = re.compile(rf"^\s{{0,3}}第([{NUMERAL}]+)条(?:[\s　]*)(.*)$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


# Regulations are numbered up to 第九千九百九十九条; numbers beyond are refused, not guessed.
MAX_NUMBER = 9999


def chinese_number(text: str) -> int:
    """二十八 → 28, 一百零五 → 105, 十 → 10 (the numerals regulations are numbered in).

    Raises ``ValueError`` for anything that is not such a numeral from 1 to 9999 (五千六千, 十十).
    """
    total, digit, last_unit = 0, None, 10000
    for character in text:
        if character in _DIGITS:
            digit = _DIGITS[character]
        elif character in _UNITS:
            unit = _UNITS[character]
            if unit >= last_unit:
                raise ValueError(text)
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            raise ValueError(text)
    number = total + (digit or 0)
    if not 1 <= number <= MAX_NUMBER:
        raise ValueError(text)
    return number


def chinese_numeral(number: int) -> str:
    """28 → 二十八, 105 → 一百零五, 10 → 十."""
    if number <= 0 or number >= 10000:
        raise ValueError(number)
    digits = "零一二三四五六七八九"
    parts, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // value % 10
        if digit:
            if zero:
                parts.append("零")
                zero = False
            parts.append(("" if digit == 1 and unit == "十" and not parts else digits[digit]) + unit)
        elif parts:
            zero = True
    return "".join(parts)


def ordinal(number: int, unit: str) -> str:
    """(28, "条") → 第二十八条: how regulations number their articles, sections and chapters."""
    return f"第{chinese_numeral(number)}{unit}"


@dataclass
class Article:
    number: int
    # The first paragraph without its number, then further paragraphs of the same article.
    paragraphs: list[str]
    line: int
    chapter: Chapter | None = None
    section: Section | None = None

    @property
    def label(self) -> str:
        return ordinal(self.number, "条")

    @property
    def anchor(self) -> str:
        return self.label

    def opening(self, length: int = 40) -> str:
        text = "".join(self.paragraphs)
        return text if len(text) <= length else text[:length] + "……"


@dataclass
class Section:
    number: int
    title: str
    line: int

    @property
    def label(self) -> str:
        return ordinal(self.number, "节")


@dataclass
class Chapter:
    number: int
    title: str
    line: int
    sections: list[Section] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)

    @property
    def label(self) -> str:
        return ordinal(self.number, "章")

    @property
    def anchor(self) -> str:
        return self.label


@dataclass(frozen=True)
class StructureProblem:
    line: int
    expected: str
    found: str


@dataclass
class RegulationText:
    """A regulation body: a preamble, then chapters holding sections and articles."""

    preamble: list[str] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    problems: list[StructureProblem] = field(default_factory=list)

    def article(self, anchor: str) -> Article | None:
        return next((a for a in self.articles if a.anchor == normalise_anchor(anchor)), None)

    def chapter(self, anchor: str) -> Chapter | None:
        return next((c for c in self.chapters if c.anchor == normalise_anchor(anchor)), None)

    def nearest_article(self, anchor: str) -> Article | None:
        """The existing article closest in number to ``anchor``, for a suggestion."""
        try:
            wanted = chinese_number(normalise_anchor(anchor)[1:-1])
        except (ValueError, IndexError):
            return None
        return min(self.articles, key=lambda a: abs(a.number - wanted), default=None)


def normalise_anchor(anchor: str) -> str:
    """Editors may write 第28条 or 第二十八条; both mean the article's anchor 第二十八条."""
    match = re.fullmatch(r"第(\d+)([条章节])", anchor.strip())
    if match and 1 <= int(match[1]) <= MAX_NUMBER:
        return ordinal(int(match[1]), match[2])
    return anchor.strip()


def _label(number: int, unit: str) -> str:
    # The article after 第九千九百九十九条 has no numeral here; it is named by its digits.
    return ordinal(number, unit) if number <= MAX_NUMBER else f"第{number}{unit}（超过了{ordinal(MAX_NUMBER, unit)}）"


def parse_regulation(body: str, first_line: int = 1) -> RegulationText:
    """The structure of ``body``; ``first_line`` is the file line on which it starts."""
    result = RegulationText()
    chapter: Chapter | None = None
    section: Section | None = None
    article: Article | None = None
    fenced = False
    for index, raw in enumerate(body.splitlines()):
        line_number = first_line + index
        if _FENCE.match(raw):
            fenced = not fenced
        text = raw.strip()
        if fenced or not text:
            continue
        heading = _HEADING.match(raw)
        opening = None if heading else _ARTICLE.match(raw)
        numeral = heading[1] if heading else opening[1] if opening else ""
        if numeral:
            try:
                number = chinese_number(numeral)
            except ValueError:
                unit = heading[2] if heading else "条"
                result.problems.append(StructureProblem(
                    line_number, f"规范的中文编号，从{ordinal(1, unit)}到{ordinal(MAX_NUMBER, unit)}", f"第{numeral}{unit}"
                ))
                article = None
                continue
        if heading:
            title = (heading[3] or "").strip()
            if heading[2] == "章":
                expected = len(result.chapters) + 1
                if number != expected:
                    result.problems.append(StructureProblem(line_number, f"{_label(expected, '章')}（章按顺序编号）", f"第{heading[1]}章"))
                chapter = Chapter(number, title, line_number)
                result.chapters.append(chapter)
                section = None
            else:
                expected = len(chapter.sections) + 1 if chapter else 1
                if chapter is None:
                    result.problems.append(StructureProblem(line_number, "写在某一章之下的节", f"第{heading[1]}节，前面没有章"))
                elif number != expected:
                    result.problems.append(StructureProblem(line_number, f"{_label(expected, '节')}（节在每章内按顺序编号）", f"第{heading[1]}节"))
                section = Section(number, title, line_number)
                if chapter is not None:
                    chapter.sections.append(section)
            article = None
            continue
        if opening:
            expected = len(result.articles) + 1
            if number != expected:
                previous = result.articles[-1].label if result.articles else "（无）"
                kind = "重复" if any(a.number == number for a in result.articles) else "跳号或顺序颠倒"
                result.problems.append(StructureProblem(
                    line_number, f"{_label(expected, '条')}（条在全文中连续编号）", f"第{opening[1]}条，{kind}；上一条是{previous}"
                ))
            article = Article(number, [opening[2].strip()], line_number, chapter, section)
            result.articles.append(article)
            if chapter is not None:
                chapter.articles.append(article)
            continue
        if article is not None:
            article.paragraphs.append(text)
        elif not result.chapters:
            result.preamble.append(text)
        else:
            result.problems.append(StructureProblem(line_number, "以“第X条”开头的条文，或“第X章”“第X节”标题", f"“{text[:20]}”"))
    if not result.articles:
        result.problems.append(StructureProblem(first_line, "至少一条以“第一条”开头的条文", "没有条文"))
    return result
