"""``qinglian edit`` and ``qinglian accounts``: the workspace put together from the project folder."""

from __future__ import annotations

import datetime as dt
import getpass
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..site_config import plugin_options
from ..content.collections import COLLECTIONS
from ..content.loader import DEFAULT_VOCABULARY_FILE
from ..content.vocabulary import Vocabulary, load_vocabulary
from ..importer.isolated import convert_isolated
from ..importer.sources import UnreadableSource
from ..publish.status import read as read_publish_status
from ..structure.problems import ProblemLog
from .accounts import ROLE_NAMES, Account, AccountBook, AccountError, accounts_file
from .bundle import BundleMissing, install, verified_folder
from .cached_documents import CachedDocuments
from .checks import SaveChecker
from .cms_config import cms_config
from .git_store import GitError, GitStore
from .pending import pending_documents
from .protocol import Refused, Workspace
from .requests import title_of
from .server import LOOPBACK, Pages, WorkspaceServer

logger = logging.getLogger("qinglian.workspace")
_IMPORT_KINDS = {"speeches": "speech", "cases": "case", "regulations": "regulation"}
_PORTAL_CSS = Path(__file__).resolve().parent.parent / "assets" / "qinglian.css"


def _references(root: Path, store: GitStore, branch: str, content: str) -> dict[str, list[tuple[str, str]]]:
    """Regulations and quizzes by title, for the drop-downs that cite them; those under review marked 待签发."""
    head = store.head(branch)
    found: dict[str, list[tuple[str, str]]] = {}
    for collection in ("regulations", "quizzes"):
        listing = store.list_files(head, f"{content}/{collection}") if head else {}
        blobs = store.read_blobs(listing.values())
        for path, oid in sorted(listing.items()):
            if path.count("/") != 2 or not path.endswith(".md"):
                continue
            stem = Path(path).stem
            title = title_of(blobs[oid], stem, limit=None)
            found.setdefault(collection, []).append((f"{collection}/{stem}", f"《{title}》（{stem}）"))
    for pending in sorted(pending_documents(store, head).values(), key=lambda p: p.path) if head else []:
        collection = pending.key.split("/")[0]
        if collection in ("regulations", "quizzes") and pending.path.count("/") == 2:
            stem = Path(pending.path).stem
            found.setdefault(collection, []).append((pending.key, f"《{title_of(pending.data, stem, limit=None)}》（{stem}，待签发）"))
    return found


class Project:
    """The pieces of the workspace for the project at ``root``."""

    def __init__(self, root: Path, review: bool | None = None) -> None:
        self.root = root
        options = plugin_options(root / "mkdocs.yml")
        self.content = str(options.get("content_dir") or "content")
        self.vocabulary_file = str(options.get("vocabulary") or DEFAULT_VOCABULARY_FILE)
        self.review = bool(options.get("review", True)) if review is None else review
        self.review_self = options.get("review_self") is True
        proxies = options.get("trusted_proxies")
        self.trusted_proxies = tuple(str(p) for p in proxies) if isinstance(proxies, list) else LOOPBACK
        self.store = GitStore(root)
        branch = self.store.current_branch()
        if branch is None:
            raise GitError("仓库没有检出任何分支（HEAD 游离），请先 git checkout 发布所用的分支")
        self.branch = branch
        self.checker = SaveChecker(root, root / self.content, self.vocabulary_file, CachedDocuments(root))
        self.workspace = Workspace(self.store, branch, self.checker, self.review, self.content, self.review_self)
        self.accounts = AccountBook(accounts_file(root))

    def vocabulary(self) -> Vocabulary:
        """Read on every use: a term added to the vocabulary appears without a restart."""
        return load_vocabulary(self.root / self.content / self.vocabulary_file, self.root, ProblemLog())

    def config(self) -> dict[str, Any]:
        return cms_config(
            self.vocabulary(), _references(self.root, self.store, self.branch, self.content), self.root / "docs" / "editors" / "schema.md",
            branch=self.branch, review=self.review, content_folder=self.content,
        )

    def status(self, account: Account) -> dict[str, Any]:
        published = read_publish_status(self.root / "mkdocs.yml")
        publish = None
        if published is not None:
            when: dt.datetime = published["started"]
            publish = {"ok": published["code"] == 0, "code": published["code"],
                       "when": f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}", "messages": published["messages"]}
        return {"user": account.name, "role": ROLE_NAMES[account.role], "review": self.review, "publish": publish,
                "units": list(self.vocabulary().terms("units") or [])}

    def import_file(self, data: bytes, query: dict[str, str]) -> dict[str, Any]:
        collection = query.get("kind", "")
        name = query.get("name", "")
        suffix = Path(name).suffix.lower()
        if collection not in _IMPORT_KINDS:
            raise Refused("文档类型应为领导讲话、案例通报或党纪法规")
        if suffix not in (".docx", ".doc", ".wps", ".txt"):
            raise Refused(f"只能导入 Word（.docx、.doc）、WPS（.wps）或文本（.txt）文件，实际为“{Path(name).name[:80]}”")
        unit = query.get("unit") or None
        vocabulary = self.vocabulary()
        if unit is not None and unit not in (vocabulary.terms("units") or []):
            raise Refused(f"发文单位“{unit[:40]}”不在词表中")
        with tempfile.TemporaryDirectory(prefix="qinglian-import-") as scratch:
            source = Path(scratch) / f"upload{suffix}"
            source.write_bytes(data)
            try:
                converted = convert_isolated(source, _IMPORT_KINDS[collection], unit, list(vocabulary.terms("roles") or []))
            except (OSError, UnreadableSource) as exc:
                raise Refused(f"无法导入 {Path(name).name[:80]}：{exc}。") from exc
        prefill = {"slug": converted.slug, "body": converted.markdown}
        schema = COLLECTIONS[collection][1]
        for key, value in converted.values.items():
            if key in schema.fields and value not in (None, "", []):
                prefill[key] = value.isoformat() if isinstance(value, dt.date) else str(value)
        # The notices name the file as the editor chose it, not the workspace's scratch copy.
        notices = [notice.replace(f"upload{suffix}", Path(name).name[:80]) for notice in converted.notices]
        return {"collection": collection, "prefill": prefill, "notices": notices}


def edit(root: Path, host: str, port: int) -> int:
    try:
        bundle = verified_folder()
        project = Project(root)
    except (BundleMissing, GitError) as exc:
        print(f"编辑工作台没有启动：{exc}", file=sys.stderr)
        return 2
    try:
        if not project.accounts.read():
            print(f"还没有任何账户。请先运行 qinglian accounts add 账户名 建立账户（账户文件：{project.accounts.path}）。", file=sys.stderr)
            return 2
    except AccountError as exc:
        print(f"编辑工作台没有启动：{exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    pages = Pages(bundle, _PORTAL_CSS, project.config, project.status, project.import_file)
    print("正在读取全部文档（只在启动时读一次）……", flush=True)
    documents = project.checker.warm()
    server = WorkspaceServer((host, port), project.workspace, project.accounts, pages, project.trusted_proxies)
    print(f"编辑工作台已启动：http://{host}:{server.server_address[1]}/admin/ （{documents} 篇文档，分支 {project.branch}，"
          f"{'发布前须审核签发' if project.review else '不经审核'}）。按 Ctrl+C 停止。", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("编辑工作台已停止。")
    finally:
        server.server_close()
    return 0


def install_cms(archive: Path | None) -> int:
    try:
        folder = install(archive)
    except (BundleMissing, OSError) as exc:
        print(f"没有安装 Decap CMS：{exc}", file=sys.stderr)
        return 4
    print(f"已安装 Decap CMS 到 {folder}")
    return 0


def accounts_command(root: Path, action: str, name: str | None, role: str, password_stdin: bool) -> int:
    book = AccountBook(accounts_file(root))
    try:
        if action == "list":
            accounts = book.read()
            for account in accounts.values():
                print(f"{account.name}\t{ROLE_NAMES[account.role]}")
            print(f"共 {len(accounts)} 个账户（{book.path}）。")
        elif action == "remove":
            book.remove(name or "")
            print(f"已删除账户“{name}”。正在运行的工作台中，该账户立即失效。")
        else:
            if password_stdin:
                password = sys.stdin.readline().rstrip("\r\n")
            else:
                password = getpass.getpass("密码（至少 8 个字符）：")
                if getpass.getpass("再输入一次：") != password:
                    print("两次输入的密码不一致，没有建立账户。", file=sys.stderr)
                    return 1
            account = book.add(name or "", password, role)
            print(f"已建立账户“{account.name}”（{ROLE_NAMES[account.role]}），保存在 {book.path}。")
    except AccountError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0
