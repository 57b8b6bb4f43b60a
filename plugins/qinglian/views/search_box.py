"""The search box every page carries in its header, and the script that serves it."""

from __future__ import annotations

from markupsafe import escape

SEARCH_SCRIPT = "assets/qinglian/search.js"


def search_box(root: str) -> str:
    """The header's search form; ``root`` leads from the page to the site root ("../", "/")."""
    root = escape(root)
    return (
        f'<form class="ql-search" role="search" method="get" action="{root}search/" data-root="{root}">'
        '<input class="ql-search__input" type="search" name="q" autocomplete="off" '
        'placeholder="搜索" aria-label="搜索全站文章" aria-describedby="ql-search-help">'
        '<span class="ql-visually-hidden" id="ql-search-help">输入后按向下方向键进入结果列表，按 Esc 关闭。</span>'
        '<span class="ql-visually-hidden ql-search__live" aria-live="polite"></span>'
        '<div class="ql-search__panel" hidden></div></form>'
    )


def with_search_box(page_html: str, root: str) -> str:
    """``page_html`` with the search form at the end of the header bar, if it has one."""
    header = page_html.find('<nav class="md-header__inner')
    if header < 0:
        return page_html
    end = page_html.find("</nav>", header)
    if end < 0:
        return page_html
    return page_html[:end] + search_box(root) + page_html[end:]
