"""Problems found in editors' content, reported with file, line and field."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import PurePath


class Severity(enum.Enum):
    ERROR = "错误"
    WARNING = "警告"


@dataclass(frozen=True)
class Problem:
    """One thing an editor has to fix, located precisely enough to act on."""

    path: str
    line: int
    field: str
    expected: str
    found: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        subject = f"字段“{self.field}”" if self.field else "文件"
        text = f"{where}: {subject}应为{self.expected}，实际为{self.found}。"
        if self.hint:
            text += self.hint
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "field": self.field,
            "expected": self.expected,
            "found": self.found,
            "hint": self.hint,
            "severity": self.severity.name.lower(),
            "message": str(self),
        }


@dataclass
class ProblemLog:
    """Collects every problem of a run so that all of them are reported together."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def fails(self, strict: bool) -> bool:
        """Errors always fail a run; warnings fail it only in strict mode."""
        return bool(self.errors) or (strict and bool(self.warnings))

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.path, p.line, p.field))


def display_path(path: PurePath, root: PurePath) -> str:
    """The path as an editor sees it in the repository: relative to the project, with slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
