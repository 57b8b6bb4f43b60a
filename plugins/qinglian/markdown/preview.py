"""A body as the workspace's preview shows it while an editor types: the site's renderer and allow-list."""

from __future__ import annotations

from ..content.comments import without_comments
from ..content.html_policy import check_html
from .dialect import render_body


def preview_html(markdown: str) -> dict[str, object]:
    """``{"html": …}``, or ``{"html": "", "problems": […]}`` when the body holds HTML the site would refuse."""
    html = render_body(without_comments(markdown))
    violations = check_html(html)
    if violations:
        return {"html": "", "problems": [f"正文应只含允许的 HTML，实际含有 {v.found}。{v.hint}" for v in violations[:5]]}
    return {"html": html}
