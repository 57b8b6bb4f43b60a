"""Documents' bodies in one Markdown dialect (CommonMark, CJK-friendly), wherever a body becomes HTML.

``render_body`` is the dialect; ``CommonMarkBodies`` lets the engine's Python-Markdown use it for
pages that start with ``MARKER``; ``migration`` finds where the old dialect read a body otherwise.
No engine imports here.
"""

from .dialect import render_body
from .extension import MARKER, CommonMarkBodies

__all__ = ["MARKER", "CommonMarkBodies", "render_body"]
