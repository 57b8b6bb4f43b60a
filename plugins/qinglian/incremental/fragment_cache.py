"""Reusing template output that many pages share (see theme/main.html)."""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable

from markupsafe import Markup


# Set (to any value) to render every fragment every time: the tests compare such a build with the usual one.
EVERY_TIME_VARIABLE = "QINGLIAN_RENDER_SHARED_FRAGMENTS"


class FragmentCache:
    """A Jinja ``{% call %}`` target: renders its body once per key, then repeats the result."""

    def __init__(self) -> None:
        self._rendered: dict[tuple[Hashable, ...], Markup] = {}
        self._every_time = bool(os.environ.get(EVERY_TIME_VARIABLE))

    def __call__(self, *key: Hashable, caller: Callable[[], str]) -> Markup:
        """The body rendered once for ``key``; every time when a part of the key is None (a page with its own)."""
        if self._every_time or None in key:
            return Markup(caller())
        if key not in self._rendered:
            self._rendered[key] = Markup(caller())
        return self._rendered[key]


def shared_navigation_key(url: str, in_navigation: bool) -> str | None:
    """What the navigation of a page outside the navigation depends on: its folder, which its links start from.

    Pages in the navigation mark themselves active in it, so theirs is their own.
    """
    if in_navigation:
        return None
    return url[: url.rstrip("/").rfind("/") + 1]
