"""What an editor most likely meant, for messages that name a wrong value."""

from __future__ import annotations

import difflib


def closest(value: str, candidates: list[str]) -> str | None:
    """The candidate an editor most likely meant, or ``None`` if nothing is close."""

    def score(candidate: str) -> float:
        ratio = difflib.SequenceMatcher(None, value, candidate).ratio()
        # Chinese terms of one family share most characters (廉洁纪律/政治纪律), so
        # characters in the same position break the tie towards the intended one.
        aligned = sum(a == b for a, b in zip(value, candidate)) / max(len(value), len(candidate), 1)
        return ratio + 0.1 * aligned

    scored = [(score(candidate), candidate) for candidate in candidates]
    best = max(scored, default=(0.0, None))
    return best[1] if best[0] >= 0.45 else None


def suggestion(value: str, candidates: list[str]) -> str:
    match = closest(value, candidates)
    return f"是否应为“{match}”？" if match else ""
