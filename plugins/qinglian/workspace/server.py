"""``qinglian edit``'s HTTP server: sign-in, the Decap CMS pages, ``/api/v1`` and the Word import.

Every request to ``/admin/`` and ``/api/v1`` needs a session cookie (or HTTP Basic credentials,
for scripts). A request with a session that comes from another origin, or a cross-site form post,
is refused. Bodies have a size bound, and a request that fails in any way gets a Chinese answer
while the server goes on serving.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import logging
import mimetypes
import re
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..content.tree import MAX_PAGE_BYTES
from ..markdown.preview import preview_html
from .accounts import Account, AccountBook, AccountError
from .protocol import MAX_MEDIA_BYTES, Editor, Refused, Workspace
from .sessions import CHECK_WAIT_SECONDS, COOKIE, SessionStore

logger = logging.getLogger("qinglian.workspace")

MAX_API_BODY = MAX_MEDIA_BYTES * 4 // 3 + (1 << 20)
MAX_FORM_BODY = 8 * 1024
MAX_IMPORT_BODY = 30 * 1024 * 1024
STATIC = Path(__file__).parent / "static"
LOOPBACK = ("127.0.0.1", "::1")
MAX_CONNECTIONS = 64
BUSY_ANSWER = ("HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
               "编辑工作台同时处理的请求过多，请稍后再试。").encode("utf-8")
# What the sign-in page may say: a link can name one of these, never write its own text.
LOGIN_ERRORS = {
    "failed": "账户名或密码不正确。",
    "throttled": "登录失败次数过多，请 10 分钟后再试。",
    "busy": "同时登录的人过多，请稍后再试。",
}
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


class Pages:
    """What the server serves besides the protocol; built by the command, replaced in tests."""

    def __init__(
        self,
        bundle: Path,
        portal_css: Path,
        config: Callable[[], dict[str, Any]],
        status: Callable[[Account], dict[str, Any]],
        importer: Callable[[bytes, dict[str, str]], dict[str, Any]],
        preview: Callable[[str], dict[str, Any]] = preview_html,
    ) -> None:
        self.bundle = bundle
        self.portal_css = portal_css
        self.config = config
        self.status = status
        self.importer = importer
        # A body as the site renders it, for the preview pane while the editor types.
        self.preview = preview


class WorkspaceServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], workspace: Workspace, accounts: AccountBook, pages: Pages,
        trusted_proxies: tuple[str, ...] = LOOPBACK,
    ) -> None:
        super().__init__(address, Handler)
        self.workspace = workspace
        self.accounts = accounts
        self.pages = pages
        self.sessions = SessionStore()
        self.editors: dict[str, Editor] = {}
        # Only these may say whose request it is (X-Forwarded-For): the shipped nginx, on this machine.
        self.trusted_proxies = frozenset(trusted_proxies)
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request: Any, client_address: Any) -> None:
        # One thread per connection, but not without bound: the rest are told to come back.
        if not self._slots.acquire(blocking=False):
            try:
                request.sendall(BUSY_ANSWER)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


class Handler(BaseHTTPRequestHandler):
    server: WorkspaceServer
    server_version = "qinglian-edit"
    sys_version = ""
    timeout = 60

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        logger.info("%s %s", self.address_string(), format % args)

    # ---- answers ------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "same-origin")
        self.send_header("X-Frame-Options", "SAMEORIGIN")
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, value: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(value, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8", headers)

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"error": message})

    def _redirect(self, location: str, headers: dict[str, str] | None = None) -> None:
        self._send(HTTPStatus.SEE_OTHER, b"", "text/plain", {"Location": location, **(headers or {})})

    # ---- who is asking ------------------------------------------------------------------
    def _cookie(self) -> str | None:
        try:
            cookie = SimpleCookie(self.headers.get("Cookie", ""))
        except CookieError:
            return None
        morsel = cookie.get(COOKIE)
        return morsel.value if morsel else None

    def _basic(self) -> Account | None:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic ") or len(header) > 600:
            return None
        try:
            name, _, password = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        account = self._sign_in(name, password)
        return account if isinstance(account, Account) else None

    def _client(self) -> str:
        """Who is asking: the address nginx names when the request comes from a trusted proxy, else the peer's."""
        peer = self.client_address[0]
        forwarded = self.headers.get("X-Forwarded-For", "")
        if peer in self.server.trusted_proxies and forwarded:
            return forwarded.split(",")[-1].strip()[:64] or peer
        return peer

    def _sign_in(self, name: str, password: str) -> Account | str | None:
        """The account, None for a wrong password, or "throttled"/"busy"; the attempt counts as failed until it succeeds."""
        address = self._client()
        counted = self.server.sessions.attempt(name, address)
        if counted is None:
            return "throttled"
        if not self.server.sessions.checks.acquire(timeout=CHECK_WAIT_SECONDS):
            self.server.sessions.succeeded(name, address, counted)
            return "busy"
        try:
            account = self.server.accounts.authenticate(name, password)
        finally:
            self.server.sessions.checks.release()
        if account is not None:
            self.server.sessions.succeeded(name, address, counted)
        return account

    def _account(self) -> tuple[Account | None, bool]:
        """The signed-in account, and whether it came from a cookie (then the origin is checked)."""
        session = self.server.sessions.session_of(self._cookie())
        if session is not None:
            account = self.server.accounts.read().get(session.name)
            # A removed account, or a password reset since this session began, ends every session of it.
            if account is None or account.password_hash != session.password_hash:
                self.server.sessions.close_all_of(session.name)
                return None, True
            return account, True
        return self._basic(), False

    def _same_origin(self) -> bool:
        site = self.headers.get("Sec-Fetch-Site")
        if site is not None and site not in ("same-origin", "none"):
            return False
        origin = self.headers.get("Origin")
        if origin is None:
            return site is not None
        # Behind nginx, the Host header is passed on as the browser sent it (proxy_set_header Host $http_host).
        return urlsplit(origin).netloc == (self.headers.get("Host") or "")

    def _editor(self, account: Account) -> Editor:
        editor = self.server.editors.get(account.name)
        if editor is None or editor.account != account:
            editor = self.server.editors[account.name] = Editor(account)
        return editor

    def _body(self, limit: int) -> bytes | None:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._error(HTTPStatus.LENGTH_REQUIRED, "请求缺少 Content-Length")
            return None
        if int(length) > limit:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"请求超过 {limit // 1024 // 1024 or 1} MB 的上限，没有处理")
            self.close_connection = True
            return None
        return self.rfile.read(int(length))

    # ---- routes -------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        self._guarded(self._get)

    def do_HEAD(self) -> None:  # noqa: N802
        self._guarded(self._get)

    def do_POST(self) -> None:  # noqa: N802
        self._guarded(self._post)

    def _refuse_method(self) -> None:
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, "不支持的请求方法")

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse_method  # noqa: N815

    def _guarded(self, action: Callable[[str], None]) -> None:
        try:
            path = urlsplit(self.path).path
            action(path)
        except Refused as exc:
            self._error(exc.status, str(exc))
        except AccountError as exc:
            logger.error("%s", exc)
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, "账户文件无法读取，请联系管理员。")
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception:  # noqa: BLE001 - one bad request must not stop the workspace
            logger.exception("request failed: %s %s", self.command, self.path[:200])
            try:
                self._error(HTTPStatus.INTERNAL_SERVER_ERROR, "服务器内部错误，本次操作没有执行，已记录在工作台日志中。请稍后重试或联系管理员。")
            except OSError:
                self.close_connection = True

    def _get(self, path: str) -> None:
        if path == "/":
            self._redirect("/admin/")
        elif path == "/favicon.ico":
            self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")
        elif path == "/login":
            error = LOGIN_ERRORS.get(parse_qs(urlsplit(self.path).query).get("error", [""])[0], "")
            shown = f'<p class="ql-login__error" role="alert">{html.escape(error)}</p>' if error else ""
            page = (STATIC / "login.html").read_text(encoding="utf-8").replace("{error}", shown)
            self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8", {
                "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'"})
        elif path == "/login.css":
            self._send(HTTPStatus.OK, (STATIC / "workspace.css").read_bytes(), "text/css; charset=utf-8")
        elif path.startswith("/admin"):
            account, _ = self._account()
            if account is None:
                if "text/html" in self.headers.get("Accept", "") and path in ("/admin", "/admin/"):
                    self._redirect("/login")
                else:
                    self._error(HTTPStatus.UNAUTHORIZED, "请先登录编辑工作台")
                return
            self._admin(path, account)
        else:
            self._error(HTTPStatus.NOT_FOUND, "没有这个页面")

    def _admin(self, path: str, account: Account) -> None:
        name = path.removeprefix("/admin/")
        if path in ("/admin", "/admin/"):
            self._send(HTTPStatus.OK, (STATIC / "index.html").read_bytes(), "text/html; charset=utf-8", {
                "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
                "script-src 'self' 'unsafe-eval'; connect-src 'self' blob: data:; frame-ancestors 'self'; form-action 'self'",
            })
        elif name == "config.json":
            self._json(HTTPStatus.OK, self.server.pages.config())
        elif name == "status.json":
            self._json(HTTPStatus.OK, self.server.pages.status(account))
        elif name == "portal.css":
            self._send(HTTPStatus.OK, self.server.pages.portal_css.read_bytes(), "text/css; charset=utf-8")
        elif _SAFE_NAME.match(name) and (STATIC / name).is_file() and name not in ("index.html", "login.html"):
            self._static(STATIC / name)
        elif _SAFE_NAME.match(name) and name.endswith(".js") and (self.server.pages.bundle / name).is_file():
            self._static(self.server.pages.bundle / name)
        else:
            self._error(HTTPStatus.NOT_FOUND, "没有这个文件")

    def _static(self, file: Path) -> None:
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        self._send(HTTPStatus.OK, file.read_bytes(), kind + ("; charset=utf-8" if kind.startswith(("text/", "application/javascript")) else ""))

    def _post(self, path: str) -> None:
        if path == "/login":
            self._login()
            return
        if path == "/logout":
            if not self._same_origin():
                self._error(HTTPStatus.FORBIDDEN, "拒绝来自其他网站的请求")
                return
            self.server.sessions.close(self._cookie())
            self._redirect("/login", {"Set-Cookie": f"{COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"})
            return
        if path not in ("/api/v1", "/admin/import", "/admin/render"):
            self._error(HTTPStatus.NOT_FOUND, "没有这个接口")
            return
        account, by_cookie = self._account()
        if account is None:
            self._error(HTTPStatus.UNAUTHORIZED, "请先登录编辑工作台")
            return
        if (by_cookie or "Origin" in self.headers) and not self._same_origin():
            self._error(HTTPStatus.FORBIDDEN, "拒绝来自其他网站的请求")
            return
        if path == "/admin/import":
            body = self._body(MAX_IMPORT_BODY)
            if body is not None:
                query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                self._json(HTTPStatus.OK, self.server.pages.importer(body, query))
            return
        if path == "/admin/render":
            self._render_preview()
            return
        if not self.headers.get("Content-Type", "").startswith("application/json"):
            self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "请求应为 JSON（Content-Type: application/json）")
            return
        body = self._body(MAX_API_BODY)
        if body is None:
            return
        try:
            request = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            self._error(HTTPStatus.BAD_REQUEST, "请求不是有效的 JSON")
            return
        self._json(HTTPStatus.OK, self.server.workspace.handle(self._editor(account), request))

    def _render_preview(self) -> None:
        body = self._body(MAX_PAGE_BYTES + 1024)
        if body is None:
            return
        try:
            markdown = json.loads(body.decode("utf-8")).get("markdown")
        except (UnicodeDecodeError, ValueError, AttributeError):
            markdown = None
        if not isinstance(markdown, str):
            self._error(HTTPStatus.BAD_REQUEST, "请求应为含有 markdown 的 JSON 对象")
            return
        self._json(HTTPStatus.OK, self.server.pages.preview(markdown))

    def _login(self) -> None:
        if not self._same_origin():
            self._error(HTTPStatus.FORBIDDEN, "拒绝来自其他网站的登录请求")
            return
        body = self._body(MAX_FORM_BODY)
        if body is None:
            return
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        name, password = form.get("name", "").strip()[:64], form.get("password", "")
        account = self._sign_in(name, password)
        if not isinstance(account, Account):
            self._redirect("/login?error=" + (account or "failed"))
            return
        token = self.server.sessions.open(account.name, account.password_hash)
        secure = "; Secure" if self.headers.get("X-Forwarded-Proto") == "https" else ""
        self._redirect("/admin/", {"Set-Cookie": f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}"})
