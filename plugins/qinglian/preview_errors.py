"""The preview's answer while the content has errors: a Chinese page listing them, not a page that never loads.

MkDocs' preview server holds every request back until a rebuild succeeds, so an editor who
saved a file with an error sees the browser spin and nothing else. Here the rebuild's failure
is taken in: the server goes on, and every page it is asked for is replaced by a list of the
problems (file, line, field), which reloads itself when the next rebuild is done.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Iterable
from typing import Any

from mkdocs.livereload import LiveReloadServer

log = logging.getLogger("mkdocs.plugins.qinglian.preview")

_RELOAD = """<script>
(function () {
  var known = 0;
  function poll() {
    fetch("/livereload/" + known + "/0").then(function (r) { return r.text(); }).then(function (text) {
      var epoch = parseInt(text, 10);
      if (known && epoch > known) { location.reload(); return; }
      known = epoch;
      poll();
    }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>"""


def error_page(problems: list[str]) -> bytes:
    items = "".join(f"<li>{html.escape(problem)}</li>" for problem in problems)
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>内容有错误，预览暂停</title>
<style>body{{font:18px/1.7 sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#1f1f1f}}
h1{{color:#b71c1c;font-size:1.5em}}li{{margin:.6em 0}}p{{color:#444}}</style></head>
<body><main><h1>内容有错误，预览暂停</h1>
<p>下面列出的问题改正并保存后，这个页面会自动刷新，显示改好的网站。每一条都写明了文件、行号和字段。</p>
<ol>{items}</ol>
<p>也可以在终端运行 <code>qinglian check</code> 查看同样的问题。</p></main>
{_RELOAD}</body></html>""".encode("utf-8")


class PreviewErrors:
    """Problems of the last preview build; while there are any, pages are the list of them."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def install(self, server: LiveReloadServer) -> None:
        """Take the server's rebuild failures in, and answer page requests while they last."""
        rebuild: Callable[[], None] = server.builder

        def build() -> None:
            try:
                rebuild()
            except Exception as exc:  # noqa: BLE001 - any failed rebuild is shown to the editor, not a stalled page
                if not self.problems:
                    self.problems = [str(exc) or exc.__class__.__name__]
                log.error(f"预览：内容有 {len(self.problems)} 个问题，浏览器中显示问题列表，改正保存后自动刷新。")
                return
            self.problems = []

        server.builder = build
        pages = server.get_app()

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            path = str(environ.get("PATH_INFO", ""))
            if self.problems and not path.startswith("/livereload/") and (path.endswith("/") or path.endswith(".html")):
                body = error_page(self.problems)
                start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")])
                return [body]
            return pages(environ, start_response)

        server.set_app(app)
