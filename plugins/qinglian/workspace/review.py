"""The review workflow (审核、签发) of the workspace, as Decap's git backends keep it.

An entry under review lives on its own branch ``cms/<collection>/<slug>``, its status (草稿,
待审核, 待发布) in that branch's git description. Only a reviewer moves an entry to 待发布 or signs
it off; signing off checks it against the published branch as it is now and merges it there,
with the editor as author and the reviewer as committer.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from ..content.collections import COLLECTIONS
from .git_store import Author, BranchMoved, GitStore
from .paths import document_path, media_path
from .requests import Editor, Refused, text_param, title_of
from .roundtrip import merged

if TYPE_CHECKING:
    from .checks import SaveChecker

CMS_PREFIX = "cms"
LABEL_PREFIX = "decap-cms/"
STATUSES = {"draft": "草稿", "pending_review": "待审核", "pending_publish": "待发布"}


class ReviewActions:
    """The review actions of :class:`~qinglian.workspace.protocol.Workspace`."""

    store: GitStore
    branch: str
    checker: SaveChecker
    content: str
    _lock: threading.Lock

    if TYPE_CHECKING:  # provided by Workspace
        def _head(self) -> str: ...
        def _refuse_stale(self, editor: Editor, commit: str | None, path: str) -> bytes | None: ...
        def _check(self, changes: dict[str, bytes | None], collection: str, refusing: str) -> None: ...
        def _commit(self, branch: str, base: str | None, changes: dict[str, bytes | None], message: str, editor: Editor, **kwargs: Any) -> str: ...
        def _entries(self, editor: Editor, commit: str, paths: list[str]) -> list[dict[str, Any]]: ...
        def _media_file(self, commit: str, path: str) -> dict[str, Any]: ...

    def _branch(self, collection: object, slug: object) -> tuple[str, str]:
        collection = text_param(collection, "collection", 40)
        slug = text_param(slug, "slug", 200)
        if collection not in COLLECTIONS or not slug or "/" in slug or ".." in slug or not slug.replace("-", "").isalnum():
            raise Refused("参数 collection 或 slug 不正确")
        return collection, f"{CMS_PREFIX}/{collection}/{slug}"

    def _persist_for_review(
        self, editor: Editor, collection: str, path: str, raw: str, assets: dict[str, bytes], head: str, options: dict[str, Any]
    ) -> dict[str, Any]:
        _, branch = self._branch(collection, PurePosixPath(path).stem)
        under_review = self.store.head(branch)
        original = self._refuse_stale(editor, under_review or head, path)
        data = merged(original, raw, PurePosixPath(path).stem)
        if data == original and not assets:
            return {"message": "没有改动"}
        self._check({path: data, **assets}, collection, "没有保存")
        label = COLLECTIONS[collection][0].label
        published = self.store.blob_id(head, path) is not None
        message = f"{'修改' if published else '新增'}{label}《{title_of(data, path)}》（待审核）"
        commit = self._commit(branch, under_review, {path: data, **assets}, message, editor, start=head)
        if under_review is None:
            status = options.get("status") if options.get("status") in STATUSES else "draft"
            self.store.set_config(f"branch.{branch}.description", LABEL_PREFIX + status)
        editor.seen[path] = self.store.blob_id(commit, path) or ""
        return {"message": "entry persisted"}

    def unpublished_entries(self, editor: Editor, params: dict[str, Any]) -> list[str]:
        return [b[len(CMS_PREFIX) + 1:] for b in self.store.branches(CMS_PREFIX + "/")]

    def _under_review(self, params: dict[str, Any]) -> tuple[str, str, str, str]:
        collection, slug = params.get("collection"), params.get("slug")
        if collection is None and isinstance(params.get("id"), str):
            # unpublishedEntry may name the entry by its content key, "collection/slug".
            collection, _, slug = params["id"].partition("/")
        collection, branch = self._branch(collection, slug)
        tip = self.store.head(branch)
        if tip is None:
            raise Refused("Not Found", 404)
        return collection, branch, tip, branch.rsplit("/", 1)[1]

    def unpublished_entry(self, editor: Editor, params: dict[str, Any]) -> dict[str, Any]:
        collection, branch, tip, slug = self._under_review(params)
        head = self._head()
        base = self.store.merge_base(head, tip) or head
        diffs = []
        for path, oid in self.store.changed_paths(base, tip).items():
            diffs.append({"oldPath": path, "newPath": path, "status": "deleted" if oid is None else "added",
                          "newFile": self.store.blob_id(head, path) is None, "path": path, "id": path,
                          "binary": not path.endswith(".md")})
        label = self.store.get_config(f"branch.{branch}.description") or LABEL_PREFIX + "draft"
        updated = dt.datetime.fromtimestamp(self.store.commit_time(tip), dt.timezone.utc)
        return {"collection": collection, "slug": slug, "status": label.removeprefix(LABEL_PREFIX), "diffs": diffs,
                "updatedAt": updated.isoformat()}

    def unpublished_entry_data_file(self, editor: Editor, params: dict[str, Any]) -> dict[str, Any]:
        _, branch, tip, _ = self._under_review(params)
        _, path = document_path(params.get("path"), self.content)
        return {"data": self._entries(editor, tip, [path])[0]["data"]}

    def unpublished_entry_media_file(self, editor: Editor, params: dict[str, Any]) -> dict[str, Any]:
        _, _, tip, _ = self._under_review(params)
        return self._media_file(tip, media_path(params.get("path"), self.content))

    def update_status(self, editor: Editor, params: dict[str, Any]) -> dict[str, Any]:
        _, branch, _, _ = self._under_review(params)
        status = params.get("newStatus")
        if status not in STATUSES:
            raise Refused("状态应为草稿、待审核或待发布")
        if status == "pending_publish" and not editor.account.is_reviewer:
            raise Refused("只有审核人可以把文档移到“待发布”。", 403)
        self.store.set_config(f"branch.{branch}.description", LABEL_PREFIX + status)
        return {"message": f"{branch} 状态改为{STATUSES[status]}"}

    def delete_unpublished(self, editor: Editor, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            _, branch, tip, _ = self._under_review(params)
            self.store.delete_branch(branch, tip)
        return {"message": f"deleted branch: {branch}"}

    def publish_unpublished(self, editor: Editor, params: dict[str, Any]) -> dict[str, Any]:
        if not editor.account.is_reviewer:
            raise Refused("只有审核人可以签发（发布）文档。", 403)
        with self._lock:
            collection, branch, tip, slug = self._under_review(params)
            head = self._head()
            base = self.store.merge_base(head, tip) or head
            changed = self.store.changed_paths(base, tip)
            blobs = self.store.read_blobs(oid for oid in changed.values() if oid)
            changes: dict[str, bytes | None] = {}
            for path, oid in changed.items():
                if path.endswith(".md"):
                    document_path(path, self.content)
                else:
                    media_path(path, self.content)
                changes[path] = blobs[oid] if oid else None
            self._check(changes, collection, "无法签发")
            document = next((d for p, d in changes.items() if p.endswith(".md") and d), b"")
            who, _ = self.store.last_author(tip, f"{self.content}/{collection}")
            label = COLLECTIONS[collection][0].label
            message = f"签发{label}《{title_of(document, slug)}》\n\n编辑：{who}\n审核：{editor.account.name}\n"
            author = Author(who or editor.account.name, f"{who}@qinglian.invalid" if who else editor.account.email)
            reviewer = Author(editor.account.name, editor.account.email)
            try:
                self.store.commit(self.branch, head, changes, message, author, extra_parent=tip, committer=reviewer)
            except BranchMoved as exc:
                raise Refused("签发期间仓库有了新的提交，请刷新页面后重试。", 409) from exc
            self.store.delete_branch(branch, tip)
            self.checker.written()
        return {"message": f"branch {branch} merged to {self.branch}"}
