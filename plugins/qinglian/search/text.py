"""Plain text for the search index, and the bigram encoding that makes Chinese phrases findable.

Pagefind splits words on white space. Chinese has none, and any word segmenter disagrees with
itself between a whole document and a three-character query. So every run of Han characters
is indexed as its overlapping character pairs, each followed by the run's next pair:
八项规定 becomes 八项 项规 规定 定. A query is cut into pairs the same way, and Pagefind's
all-terms matching then finds every document that contains each pair of the phrase — every
document containing the phrase, whatever the context. The trailing single character keeps
one-character queries (腐) finding characters at the end of a run.

The encoded text is also what Pagefind stores for excerpts; ``decode_index_text`` (and its
twin in search.js) recovers the sentences, so the browser shows and checks real text.
"""

from __future__ import annotations

import re

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_RUN = re.compile(f"[{HAN}]+")
# Joins the pairs of one run; Pagefind and browsers both treat it as white space.
PAIR_SEPARATOR = "\u3000"
# Surrounds the text between runs, so punctuation never sticks to a word; dropped on decoding.
SEGMENT_MARK = "\u2002"
_LOOSE_PUNCTUATION = re.compile(r"([^\w\s])")
_SPACES = re.compile(r"[^\S\n]+")

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_HTML_TAG = re.compile(r"<[^>\n]+>")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_REFERENCE_LINK = re.compile(r"\[([^\]]*)\]\[[^\]]*\]")
_LINK_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:\s+\S.*$", re.M)
_ATTRIBUTES = re.compile(r"\{:?\s*[#.][^}]*\}")
_LINE_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+|!!!\s*\w+|\?\?\?\+?\s*\w+)", re.M)
_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3}|`+|~~)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}.*$", re.M)


def markdown_to_text(markdown: str) -> str:
    """The words a reader sees in a Markdown body, without its markup."""
    text = _FENCE.sub(lambda m: m.group(0).split("\n", 1)[-1].rsplit("\n", 1)[0], markdown)
    text = _LINK_DEFINITION.sub("", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REFERENCE_LINK.sub(r"\1", text)
    text = _HTML_TAG.sub(" ", text)
    text = _ATTRIBUTES.sub("", text)
    text = _TABLE_RULE.sub("", text)
    text = _LINE_MARKUP.sub("", text)
    text = _EMPHASIS.sub("", text).replace("|", " ")
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def encode_for_index(text: str) -> str:
    """``text`` with each Han run written as its character pairs (see the module docstring)."""
    parts: list[str] = []
    position = 0
    for run in _HAN_RUN.finditer(text):
        if run.start() > position:
            parts.append(_loose(text[position:run.start()]))
        word = run.group()
        parts.append(PAIR_SEPARATOR.join(word[i:i + 2] for i in range(len(word))))
        position = run.end()
    if position < len(text):
        parts.append(_loose(text[position:]))
    return "".join(parts)


def _loose(segment: str) -> str:
    segment = _SPACES.sub(" ", segment.replace(PAIR_SEPARATOR, " ").replace(SEGMENT_MARK, " "))
    return SEGMENT_MARK + _LOOSE_PUNCTUATION.sub(SEGMENT_MARK + r"\1" + SEGMENT_MARK, segment) + SEGMENT_MARK


_LONE_HAN = re.compile(f"[{HAN}]")
_HAN_PAIR = re.compile(f"[{HAN}]{{2}}")
_ASCII_EDGE = re.compile(r"[A-Za-z0-9]")


def decode_index_text(encoded: str) -> str:
    """The page text from its encoded form, as written or as Pagefind stores it (spaces made plain).

    Spaces only survive between two Latin letters or digits; Chinese text needs none.
    """
    pieces: list[str] = []
    run: str | None = None
    for token in encoded.split():
        if _HAN_PAIR.fullmatch(token):
            run = (run or "") + token[0]
        elif run is not None and _LONE_HAN.fullmatch(token):
            pieces.append(run + token)
            run = None
        else:
            if run is not None:
                pieces.append(run)
            run = None
            pieces.append(token)
    if run is not None:
        pieces.append(run)
    text = ""
    for piece in pieces:
        spaced = text and _ASCII_EDGE.match(text[-1]) and _ASCII_EDGE.match(piece[0])
        text += (" " if spaced else "") + piece
    return text
