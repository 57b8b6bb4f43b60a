"""Decap CMS's local-backend protocol (the actions ``decap-server`` handles) over the project's git repository.

Reads come from the branch the portal publishes (or an entry's review branch), never from the
working tree, so an uncommitted file or a symbolic link is never served. Every save runs the
content checks first and is committed with the signed-in editor as its author.
"""

from __future__ import annotations

import base64
import binascii
import threading
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from ..content.collections import COLLECTIONS
from ..content.tree import MAX_PAGE_BYTES
from .checks import SaveChecker
from .git_store import Author, BranchMoved, GitError, GitStore, UncommittedChange
from .labels import problem_message
from .requests import Editor, Refused, content_id, title_of
from .paths import PathRefused, collection_folder, document_path, media_folder, media_path
from .pending import CMS_PREFIX, PendingDocument, citing_pending, pending_documents
from .review import ReviewActions
from .roundtrip import merged, with_implied_slug
from .uploads import DailyUploads, check_content

# Attachments arrive base64-encoded in JSON; the server's request bound (server.py) is set from this.
MAX_MEDIA_BYTES = 45 * 1024 * 1024


# Front matters kept for listing (about 1 KB each): a portal of 50,000 documents fits; beyond, the memory is let go.
MAX_SUMMARIES = 100_000


def front_matter_of(data: bytes) -> bytes:
    """A file's front matter block with its delimiters, without the body; a file without one is kept whole."""
    if not data.startswith(b"---\n"):
        return data
    end = data.find(b"\n---\n", 3)
    if end == -1:
        return data
    return data[: end + 5]


class Workspace(ReviewActions):
    def __init__(
        self, store: GitStore, branch: str, checker: SaveChecker, review: bool, content: str = "content", review_self: bool = False
    ) -> None:
        self.store = store
        self.branch = branch
        self.checker = checker
        self.review = review
        self.review_self = review_self
        self.content = content
        # One change at a time: a save reads, checks and commits against one state of the branch.
        self._lock = threading.Lock()
        self.uploads = DailyUploads()
        # What the list shows of a file (its front matter, the implied slug filled in) and its version id, by its git
        # object id and file name: a blob never changes.
        self._summaries: dict[tuple[str, str], tuple[str, str]] = {}

    # ---- reading -------------------------------------------------------------------------
    def _head(self) -> str:
        head = self.store.head(self.branch)
        if head is None:
            raise Refused(f"仓库中没有分支 {self.branch}", 500)
        return head

    def _entries(self, editor: Editor, commit: str, paths: list[str], remember: bool = False) -> list[dict[str, Any]]:
        """The files' data and version ids; ``remember``: a form is opened from them (the editor's base for a save without one)."""
        listing: dict[str, str] = {}
        for folder in {p.rsplit("/", 1)[0] for p in paths}:
            listing.update(self.store.list_files(commit, folder))
        blobs = self.store.read_blobs(listing[p] for p in paths if p in listing)
        entries = []
        for path in paths:
            oid = listing.get(path)
            if oid is None:
                entries.append({"data": None, "file": {"path": path, "id": None}})
                continue
            if remember:
                editor.seen[path] = content_id(blobs[oid])
            data = with_implied_slug(blobs[oid], PurePosixPath(path).stem)
            entries.append({"data": data.decode("utf-8", "replace"), "file": {"path": path, "id": content_id(blobs[oid])}})
        return entries

    def entries_by_folder(self, editor: Editor, params: dict[str, Any]) -> list[dict[str, Any]]:
        """A collection's list: each file's front matter only. Decap shows and sorts the list by it, and fetches
        the whole entry (``getEntry``) when one is opened, so 5,000 bodies are neither read nor sent to list them."""
        folder = collection_folder(params.get("folder"), self.content)
        head = self._head()
        listing = {p: oid for p, oid in self.store.list_files(head, folder).items() if p.count("/") == 2 and p.endswith(".md")}
        # Requests are served in threads: this one keeps the dictionary it filled, even if another lets it go.
        known = self._summaries
        wanted = {path: (oid, PurePosixPath(path).stem) for path, oid in listing.items()}
        unknown = {key for key in wanted.values() if key not in known}
        if len(known) + len(unknown) > MAX_SUMMARIES:
            known = self._summaries = {}
            unknown = set(wanted.values())
        blobs = self.store.read_blobs(sorted({oid for oid, _ in unknown}))
        for oid, stem in unknown:
            if oid in blobs:
                data = with_implied_slug(front_matter_of(blobs[oid]), stem)
                known[(oid, stem)] = (data.decode("utf-8", "replace"), content_id(blobs[oid]))
        entries = []
        for path in sorted(wanted):
            if wanted[path] in known:
                data, version = known[wanted[path]]
                entries.append({"data": data, "file": {"path": path, "id": version}})
        return entries

    def entries_by_files(self, editor: Editor, params: dict[str, Any]) -> list[dict[str, Any]]:
        files = params.get("files")
        if not isinstance(files, list) or len(files) > 10000:
            raise Refused("参数 files 应为文件列表")
        paths = [document_path(f.get("path") if isinstance(f, dict) else None, self.content)[1] for f in files]
        return self._entries(editor, self._head(), paths, remember=True)

    def get_entry(self, editor: Editor, params: dict[str, Any]) -> dict[str, Any]:
        _, path = document_path(params.get("path"), self.content)
        return self._entries(editor, self._head(), [path], remember=True)[0]

    def _media_file(self, commit: str, path: str) -> dict[str, Any]:
        blob = self.store.read(commit, path)
        if blob is None:
            raise Refused(f"找不到附件 {path}", 404)
        return {"id": content_id(blob.data), "content": base64.b64encode(blob.data).decode(), "encoding": "base64",
                "path": path, "name": PurePosixPath(path).name}

    def get_media(self, editor: Editor, params: dict[str, Any]) -> list[dict[str, Any]]:
        folder = media_folder(params.get("mediaFolder"), self.content)
        head = self._head()
        return [self._media_file(head, p) for p in sorted(self.store.list_files(head, folder)) if p.count("/") == 3]

    def get_media_file(self, editor: Editor, params: dict[str, Any]) -> dict[str, Any]:
        return self._media_file(self._head(), media_path(params.get("path"), self.content))

    # ---- saving --------------------------------------------------------------------------
    def _refuse_stale(self, editor: Editor, commit: str | None, path: str, base: str | None) -> bytes | None:
        """The file as it stands, refused unless it is the version the form was opened from.

        ``base`` is that version's id, sent with the save by the workspace's page (each form its
        own); without it, the version this editor last opened. A listing read does not count, and
        a save does not move the base: a second save from the same form must say what it saved over.
        """
        current = self.store.read(commit, path) if commit else None
        expected = base if base is not None else editor.seen.get(path)
        if current is None:
            if expected:
                raise Refused(f"{path} 已被他人删除。为免丢失，本次没有保存；请复制您的修改，刷新页面后重新操作。", 409)
            return None
        if expected != content_id(current.data):
            who, when = self.store.last_author(commit or "", path)
            if not expected:
                raise Refused(f"已有同名文件 {path}（{who} 于 {when} 保存）。请换一个网址名。", 409)
            raise Refused(
                f"《{title_of(current.data, path)}》已被 {who} 于 {when} 修改并保存。为免覆盖对方的修改，本次没有保存。"
                "请复制您的修改，刷新页面后在最新版本上重新编辑。", 409,
            )
        return current.data

    def _assets(self, params: dict[str, Any], collection: str) -> dict[str, bytes]:
        assets = params.get("assets") or []
        if not isinstance(assets, list):
            raise Refused("参数 assets 应为列表")
        decoded = {}
        for asset in assets:
            if not isinstance(asset, dict):
                raise Refused("附件格式不正确")
            path = media_path(asset.get("path"), self.content)
            if path.split("/")[1] != collection:
                raise Refused(f"附件 {path} 应放在本栏目的附件文件夹中")
            decoded[path] = _base64(asset.get("content"), path)
            check_content(path, decoded[path])
        return decoded

    def _check(
        self, changes: dict[str, bytes | None], collection: str, refusing: str, pending: dict[str, PendingDocument] | None = None
    ) -> None:
        """Refuse ``changes`` that break a rule; ``pending`` documents under review count as present, so they may be cited."""
        documents = {p: d for p, d in changes.items() if p.endswith(".md")}
        extra = {p: d.data for p, d in (pending or {}).items() if p not in documents}
        verdict = self.checker.check({**extra, **documents}, frozenset(extra))
        if not verdict.accepted:
            lines = [problem_message(p, collection) for p in verdict.errors[:30]]
            more = f"\n……另有 {len(verdict.errors) - 30} 个问题" if len(verdict.errors) > 30 else ""
            raise Refused(f"{refusing}，请改正以下问题后再保存：\n" + "\n".join(lines) + more)

    def persist_entry(self, editor: Editor, params: dict[str, Any]) -> dict[str, Any]:
        options = params.get("options") if isinstance(params.get("options"), dict) else {}
        files = params.get("dataFiles") or ([params["entry"]] if isinstance(params.get("entry"), dict) else [])
        if not isinstance(files, list) or len(files) != 1 or not isinstance(files[0], dict):
            raise Refused("每次保存一篇文档")
        entry = files[0]
        collection, path = document_path(entry.get("path"), self.content)
        if entry.get("newPath") not in (None, entry.get("path")):
            raise Refused("网址名（文件名）保存后不能修改：其他文档和读者的收藏都按它链接。确需改名请联系管理员。")
        raw = entry.get("raw")
        if not isinstance(raw, str) or len(raw.encode("utf-8", "surrogatepass")) > MAX_PAGE_BYTES:
            raise Refused(f"文档应为不超过 {MAX_PAGE_BYTES // 1024 // 1024} MB 的文本")
        stem = PurePosixPath(path).stem
        if not stem or stem.startswith("-"):
            raise Refused("请填写“网址名（文件名）”：小写英文字母、数字和连字符，如 2025-private-club。")
        assets = self._assets(params, collection)
        label = COLLECTIONS[collection][0].label
        base = _base_of(params, path)
        with self._lock:
            head = self._head()
            if options.get("useWorkflow") and self.review:
                return self._persist_for_review(editor, collection, path, raw, assets, head, options, base)
            if self.review and not editor.account.is_reviewer:
                raise Refused("本网站的文档须经审核后发布：请从“工作流”保存，由审核人签发。", 403)
            original = self._refuse_stale(editor, head, path, base)
            data = merged(original, raw, stem)
            if data == original and not assets:
                return {"message": "没有改动", "id": content_id(data)}
            pending = pending_documents(self.store, head)
            self._check({path: data, **assets}, collection, "没有保存", pending)
            title = title_of(data, stem)
            message = f"{'修改' if original is not None else '新增'}{label}《{title}》"
            self._commit(self.branch, head, {path: data, **assets}, message, editor)
            self.checker.written()
        return {"message": "entry persisted", "id": content_id(data), **citing_pending(data, pending)}

    def _commit(self, branch: str, base: str | None, changes: dict[str, bytes | None], message: str, editor: Editor, **kwargs: Any) -> str:
        # Counted when they are about to be committed, so a refused save costs the editor nothing.
        self.uploads.take(editor.account.name, {p: d for p, d in changes.items() if d is not None and not p.endswith(".md")})
        author = Author(editor.account.name, editor.account.email)
        try:
            return self.store.commit(branch, base, changes, message, author, **kwargs)
        except BranchMoved as exc:
            raise Refused("保存期间仓库有了新的提交，本次没有保存。请刷新页面后重试。", 409) from exc

    # ---- media and deletion --------------------------------------------------------------
    def persist_media(self, editor: Editor, params: dict[str, Any]) -> dict[str, Any]:
        asset = params.get("asset")
        if not isinstance(asset, dict):
            raise Refused("缺少附件")
        path = media_path(asset.get("path"), self.content)
        if self.review:
            raise Refused("本网站的附件须随文档送审：请在文档的编辑页中插入图片或附件，随文档一起保存，由审核人签发。", 403)
        data = _base64(asset.get("content"), path)
        check_content(path, data)
        with self._lock:
            head = self._head()
            if self.store.blob_id(head, path) is not None:
                raise Refused(f"已有同名附件 {path}，请改名后再上传。", 409)
            self._commit(self.branch, head, {path: data}, f"上传附件 {PurePosixPath(path).name}", editor)
            return self._media_file(self._head(), path)

    def delete_files(self, editor: Editor, params: dict[str, Any]) -> dict[str, Any]:
        raw = params.get("paths") if "paths" in params else [params.get("path")]
        if not isinstance(raw, list) or not raw or len(raw) > 100:
            raise Refused("参数 paths 应为文件列表")
        paths = [document_path(p, self.content)[1] if str(p).endswith(".md") else media_path(p, self.content) for p in raw]
        if self.review and not editor.account.is_reviewer:
            raise Refused("删除已发布的文档或附件须由审核人操作。", 403)
        with self._lock:
            head = self._head()
            present = {p: self.store.read(head, p) for p in paths}
            missing = [p for p, blob in present.items() if blob is None]
            if missing:
                raise Refused(f"找不到 {'、'.join(missing)}，可能已被他人删除。请刷新页面。", 404)
            collection = paths[0].split("/")[1]
            self._check_citations(paths, collection)
            self._check_shown(head, [p for p in paths if not p.endswith(".md")], set(paths))
            titles = "、".join(f"《{title_of(b.data, p)}》" if p.endswith(".md") else PurePosixPath(p).name for p, b in present.items() if b)
            self._commit(self.branch, head, {p: None for p in paths}, f"删除{COLLECTIONS[collection][0].label if any(p.endswith('.md') for p in paths) else '附件'}{titles}", editor)
            self.checker.written()
        return {"message": f"deleted files {', '.join(paths)}"}

    def _check_citations(self, paths: list[str], collection: str) -> None:
        verdict = self.checker.check({p: None for p in paths if p.endswith(".md")})
        citing = sorted({p.path for p in verdict.errors})
        if citing:
            lines = [problem_message(p, p.path.split("/")[1] if p.path.count("/") >= 2 else collection) for p in verdict.errors[:20]]
            raise Refused("不能删除：以下文件引用了它（" + "、".join(citing) + "）。请先修改这些文件：\n" + "\n".join(lines))

    def _check_shown(self, head: str, media: list[str], deleted: set[str]) -> None:
        """Refuse to delete an attachment a published document, or one waiting for review, shows."""
        if not media:
            return
        tips = {"已发布": head, **{f"待审核（{b.split('/', 1)[1]}）": self.store.head(b) or head for b in self.store.branches(CMS_PREFIX + "/")}}
        showing = []
        for path in media:
            needle = "/".join(path.split("/")[-2:])
            for state, commit in tips.items():
                for document in self.store.files_containing(commit, needle, self.content):
                    if document.endswith(".md") and document not in deleted:
                        showing.append(f"{path} 被{state}的 {document} 使用")
        if showing:
            raise Refused("不能删除：" + "；".join(dict.fromkeys(showing)) + "。请先从这些文档中去掉它，签发后再删除。", 409)

    def handlers(self) -> dict[str, Callable[[Editor, dict[str, Any]], Any]]:
        return {
            "entriesByFolder": self.entries_by_folder,
            "entriesByFiles": self.entries_by_files,
            "getEntry": self.get_entry,
            "unpublishedEntries": self.unpublished_entries,
            "unpublishedEntry": self.unpublished_entry,
            "unpublishedEntryDataFile": self.unpublished_entry_data_file,
            "unpublishedEntryMediaFile": self.unpublished_entry_media_file,
            "deleteUnpublishedEntry": self.delete_unpublished,
            "persistEntry": self.persist_entry,
            "updateUnpublishedEntryStatus": self.update_status,
            "publishUnpublishedEntry": self.publish_unpublished,
            "getMedia": self.get_media,
            "getMediaFile": self.get_media_file,
            "persistMedia": self.persist_media,
            "deleteFile": self.delete_files,
            "deleteFiles": self.delete_files,
            "getDeployPreview": lambda editor, params: None,
            "qinglianEntryChanges": self.entry_changes,
        }

    def handle(self, editor: Editor, body: object) -> Any:
        if not isinstance(body, dict) or not isinstance(body.get("action"), str):
            raise Refused("请求应为含有 action 的 JSON 对象", 400)
        action = body["action"]
        if action == "info":
            return {"repo": self.store.root.name, "publish_modes": ["simple", "editorial_workflow"], "type": "local_git"}
        params = body.get("params")
        if not isinstance(params, dict):
            raise Refused("参数 params 应为 JSON 对象", 400)
        if params.get("branch", self.branch) != self.branch:
            raise Refused(f"工作台只编辑分支 {self.branch}", 422)
        handler = self.handlers().get(action)
        if handler is None:
            raise Refused(f"不支持的操作 {action[:40]}", 422)
        try:
            return handler(editor, params)
        except PathRefused as exc:
            raise Refused(str(exc)) from exc
        except UncommittedChange as exc:
            raise Refused(str(exc), 409) from exc
        except GitError as exc:
            raise Refused(f"仓库操作失败，本次没有执行：{exc}", 500) from exc


def _base_of(params: dict[str, Any], path: str) -> str | None:
    """The version of ``path`` the saving form was opened from, as the workspace's page sends it."""
    bases = params.get("qinglianBase")
    if not isinstance(bases, dict):
        return None
    value = bases.get(path)
    return value if isinstance(value, str) and len(value) <= 64 else None


def _base64(value: object, path: str) -> bytes:
    if not isinstance(value, str) or len(value) > MAX_MEDIA_BYTES * 4 // 3 + 4:
        raise Refused(f"附件 {PurePosixPath(path).name} 超过 {MAX_MEDIA_BYTES // 1024 // 1024} MB；更大的文件请交给管理员放入仓库。", 413)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Refused(f"附件 {PurePosixPath(path).name} 的内容不是有效的 base64") from exc
