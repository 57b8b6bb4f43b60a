"""Documents' body rendering, renderer by renderer, on the generated corpus, and each one's conformance.

    .venv/bin/python scripts/bench.py --docs 1000 --renderers

For every document body of the corpus (about 8 KB of Chinese each), the time to HTML with:
Python-Markdown and the portal's extensions (what bodies had before), comrak as the site uses it
(``render_body``: CommonMark, CJK-friendly emphasis, CJK line breaks joined), comrak inside the
engine's Python-Markdown tree (what a build pays: heading ids, link rewriting), cmark-gfm
(``cmarkgfm``) and markdown-it-py with ``mdit-py-cjk-friendly``. Reported: median milliseconds a
document over --runs passes (CPU time of this process), and how many of the CommonMark
specification's examples and of the portal's CJK constructs each gets right.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def renderers() -> dict[str, Callable[[str], str]]:
    import cmarkgfm
    import markdown
    from markdown.extensions.toc import slugify_unicode
    from markdown_it import MarkdownIt
    from mdit_py_cjk_friendly import cjk_friendly

    from qinglian.markdown import MARKER, CommonMarkBodies, render_body

    old = markdown.Markdown(extensions=["toc", "tables", "admonition", "attr_list", "md_in_html"],
                            extension_configs={"toc": {"slugify": slugify_unicode, "permalink": True}})
    bridged = markdown.Markdown(extensions=["toc", "tables", "admonition", "attr_list", "md_in_html", CommonMarkBodies()],
                                extension_configs={"toc": {"slugify": slugify_unicode, "permalink": True}})
    it = MarkdownIt("commonmark").enable("table").enable("strikethrough").use(cjk_friendly)
    options = cmarkgfm.Options.CMARK_OPT_UNSAFE
    return {
        "Python-Markdown（原来的）": lambda text: old.reset().convert(text),
        "comrak（render_body）": render_body,
        "comrak，经 Python-Markdown 树（生成时）": lambda text: bridged.reset().convert(MARKER + "\n" + text),
        "cmark-gfm（cmarkgfm）": lambda text: cmarkgfm.github_flavored_markdown_to_html(text, options=options),
        "markdown-it-py + mdit-py-cjk-friendly": it.render,
    }


def conformance(render: Callable[[str], str]) -> tuple[int, int, int, int]:
    """(CommonMark examples right, examples, portal CJK constructs right, constructs)."""
    from commonmark_spec import install

    from test_markdown_dialect import CJK_FRIENDLY, CONSTRUCTS, NOT_APPLYING

    examples = [e for e in json.loads(install().read_text(encoding="utf-8")) if e["example"] not in NOT_APPLYING]
    right = sum(1 for e in examples if _same(render(e["markdown"]), e["html"]))
    cases = [(m, h) for _, m, h in CONSTRUCTS] + CJK_FRIENDLY
    cjk = sum(1 for markdown, html in cases if _same(render(markdown), html))
    return right, len(examples), cjk, len(cases)


def _same(actual: str, expected: str) -> bool:
    return actual.strip() == expected.strip()


def renderer_report(bodies: list[str], runs: int) -> list[str]:
    lines = ["| 渲染器 | 每篇正文（毫秒，中位数） | 相对 Python-Markdown | CommonMark 规范示例 | 中文写法（CJK） |", "| --- | ---: | ---: | ---: | ---: |"]
    baseline = None
    for name, render in renderers().items():
        per_document = []
        for _ in range(runs):
            started = time.process_time()
            for body in bodies:
                render(body)
            per_document.append((time.process_time() - started) * 1000 / len(bodies))
        median = statistics.median(per_document)
        baseline = baseline or median
        right, examples, cjk, cases = conformance(render) if "经 Python-Markdown" not in name else (0, 0, 0, 0)
        spec = f"{right}/{examples}" if examples else "（同 render_body）"
        lines.append(f"| {name} | {median:.3f} | {median / baseline:.3f} | {spec} | {f'{cjk}/{cases}' if cases else '（同上）'} |")
    return lines
