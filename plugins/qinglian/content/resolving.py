"""References between documents: plan sessions, quiz sources and readings, resolved once every file is read."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from ..structure.corpus import Corpus
from ..structure.document import Document, Session, Withheld
from ..structure.problems import Problem, ProblemLog, Severity
from ..structure.quiz import Question, QuizBank
from ..structure.references import Reference
from .citations import check_anchor
from .collections import QUIZZES, REGULATIONS
from .quizzes import BLANKS
from .suggestions import suggestion


def resolve_sessions(references: References) -> None:
    corpus, today = references.corpus, references.today
    for plan in references.documents_of("plans"):
        entries: list[list[Session]] = []
        same_day: Counter[dt.date] = Counter()
        for index, raw in enumerate(plan.fields["sessions"]):
            readings = [
                (reference, target)
                for reference in raw["readings"]
                if (target := references.resolve(reference, plan)) is not None
            ]
            quiz = references.quiz(raw["quiz"], plan) if raw["quiz"] else None
            entry = []
            for date in raw["occurrences"]:
                same_day[date] += 1
                entry.append(
                    Session(
                        plan=plan,
                        entry=index,
                        date=date,
                        topic=raw["topic"],
                        form=raw["form"],
                        unit=raw["unit"] or plan.unit,
                        location=raw["location"],
                        start=raw["start"],
                        duration=raw["duration"],
                        repeat=raw["repeat"]["every"] if raw["repeat"] else None,
                        readings=readings,
                        quiz=quiz,
                        same_day=same_day[date],
                    )
                )
            entries.append(entry)
        plan.fields["session_entries"] = entries
        if plan.withheld(today) is None:
            corpus.sessions.extend(plan.sessions)
    corpus.sessions.sort(key=session_order)


def build_banks(references: References) -> None:
    """Turn each quiz's validated questions into a ``QuizBank`` with resolved sources."""
    for document in references.documents_of(QUIZZES.name):
        questions = []
        for number, raw in enumerate(document.fields["questions"], start=1):
            source = None
            if raw["source"] is not None:
                target = references.resolve(raw["source"], document)
                source = (raw["source"], target) if target is not None else None
            questions.append(
                Question(
                    number=number,
                    kind=raw["type"],
                    text=raw["question"],
                    points=raw["points"],
                    explanation=raw["explanation"],
                    options=tuple(raw["options"]),
                    correct=tuple(raw.get("correct", ())),
                    truth=raw.get("truth"),
                    blanks=tuple(tuple(b) for b in raw["blanks"]) if raw["type"] == BLANKS else (),
                    source=source,
                )
            )
        fields = document.fields
        fields["bank"] = QuizBank(document, tuple(questions), fields["pass_mark"], fields["total"], fields["draw"], fields["multiple_scoring"], fields["time_limit"])


def session_order(session: Session) -> tuple[dt.date, dt.time, str, int]:
    return (session.date, session.start or dt.time(0), session.plan.key, session.entry)


@dataclass
class References:
    """Resolves references between documents and reports those that cannot be used."""

    corpus: Corpus
    withheld: dict[str, Document]
    # Keys of documents whose own file failed, so references to them are not reported again.
    failed: set[str]
    log: ProblemLog
    today: dt.date

    def __post_init__(self) -> None:
        self.known = list(self.corpus.by_key) + list(self.withheld)

    def documents_of(self, collection: str) -> list[Document]:
        """Published and withheld documents of a collection: withheld ones are still previewed."""
        return self.corpus.by_collection[collection] + [d for d in self.withheld.values() if d.collection.name == collection]

    def quiz(self, reference: Reference, plan: Document) -> Document | None:
        if reference.collection != QUIZZES.name:
            self.log.add(
                Problem(reference.source_path, reference.line, reference.field, "在线测试的引用，如 quizzes/2024-eight-rules", f"“{reference}”", "quiz 只能指向 quizzes 栏目中的题库。")
            )
            return None
        return self.resolve(reference, plan)

    def resolve(self, reference: Reference, owner: Document) -> Document | None:
        """The document a reference points to, or ``None`` after reporting why it cannot be used."""
        target = self.corpus.resolve(reference)
        hidden = self.withheld.get(reference.key)
        if target is None and hidden is not None and owner.withheld(self.today) is None:
            # A draft is a mistake to point to; a dated release is not, so it only warns until then.
            reason = hidden.withheld(self.today)
            when = {
                Withheld.SCHEDULED: f"定时于 {hidden.publish_date} 发布，届时自动列入",
                Withheld.EXPIRED: f"已于 {hidden.expire_date} 到期撤下",
            }.get(reason, "")  # type: ignore[arg-type]
            self.log.add(
                Problem(
                    reference.source_path,
                    reference.line,
                    reference.field,
                    "已发布的文档",
                    f"“{reference}”，该文档是草稿（draft: true）" if reason is Withheld.DRAFT else f"“{reference}”，该文档{when}",
                    "请等该文档发布后再引用，或先删去这一项。" if reason is Withheld.DRAFT else "在此之前，这一项不会显示。",
                    Severity.ERROR if reason is Withheld.DRAFT else Severity.WARNING,
                )
            )
            return None
        target = target or hidden
        if target is None and reference.key not in self.failed:
            self.log.add(
                Problem(
                    reference.source_path,
                    reference.line,
                    reference.field,
                    "指向已有文档的引用（栏目/网址名）",
                    f"“{reference}”，没有这个文档",
                    suggestion(reference.key, self.known),
                )
            )
        if target is not None and reference.anchor and target.collection is REGULATIONS:
            return target if check_anchor(reference, target, self.log) else None
        if target is not None and reference.anchor and not has_heading(target, reference.anchor):
            headings = heading_texts(target.body)
            self.log.add(
                Problem(
                    reference.source_path,
                    reference.line,
                    reference.field,
                    f"{target.key} 中已有的小标题（# 之后写小标题文字）",
                    f"“#{reference.anchor}”，该文档没有这个小标题",
                    suggestion(reference.anchor, headings) + ("现有小标题：" + "；".join(headings) if headings else "该文档没有小标题。"),
                )
            )
            return None
        return target


_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")


def heading_texts(body: str) -> list[str]:
    """The Markdown headings of a document body, outside code blocks."""
    headings: list[str] = []
    fenced = False
    for line in body.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := _HEADING.match(line)):
            headings.append(re.sub(r"\s*\{[^}]*\}$", "", match[1]))
    return headings


def _comparable(text: str) -> str:
    # Editors write an anchor either as the heading itself or as its id; both drop punctuation.
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text)).lower()


def has_heading(document: Document, anchor: str) -> bool:
    wanted = _comparable(anchor)
    return any(_comparable(heading) == wanted for heading in heading_texts(document.body))
