"""The review workflow (审核、签发) of the workspace, as Decap's git backends keep it.

An entry under review lives on its own branch ``cms/<collection>/<slug>``, its status (草稿,
待审核, 待签发) in that branch's git description, who began it and the commit a reviewer approved
in the branch's configuration beside it. Only a reviewer who did not write the entry moves it to
待签发, which approves the exact commit; a later save puts it back to 待审核. Signing off merges
that commit only, checked against the published branch as it is now, with the editor as author
and the reviewer as committer, and is refused when the published branch changed the same file
since the draft began (naming the field or paragraph), so nothing is overwritten silently.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from ..content.collections import COLLECTIONS
from .git_store import Author, BranchMoved, GitStore
from .pending import CMS_PREFIX, STATUSES, PendingDocument, cited, citing_pending, pending_documents
from .paths import document_path, media_path
from .changes import document_changes, named
from .requests import Editor, Refused, content_id, text_param, title_of
from .roundtrip import merged

if TYPE_CHECKING:
    from .checks import SaveChecker

LABEL_PREFIX = "decap-cms/"
# Kept in the entry branch's git configuration, beside its status.
AUTHOR_KEY, APPROVED_KEY = "qinglianAuthor", "qinglianApproved"


def _labels(path: str) -> dict[str, str]:
    """The form's labels of the fields of the collection ``path`` (content/<collection>/…) is in."""
    parts = path.split("/")
    collection = parts[1] if len(parts) > 2 else ""
    return {name: spec.label for name, spec in COLLECTIONS[collection][1].fields.items()} if collection in COLLECTIONS else {}


class ReviewActions:
    """The review actions of :class:`~qinglian.workspace.protocol.Workspace`."""

    store: GitStore
    branch: str
    checker: SaveChecker
    content: str
    review_self: bool
    _lock: threading.Lock

    if TYPE_CHECKING:  # provided by Workspace
        def _head(self) -> str: ...
        def _refuse_stale(self, editor: Editor, commit: str | None, path: str, base: str | None) -> bytes | None: ...
        def _check(
            self, changes: dict[str, bytes | None], collection: str, refusing: str, pending: dict[str, PendingDocument] | None = None
        ) -> None: ...
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
        self, editor: Editor, collection: str, path: str, raw: str, assets: dict[str, bytes], head: str, options: dict[str, Any],
        base: str | None,
    ) -> dict[str, Any]:
        _, branch = self._branch(collection, PurePosixPath(path).stem)
        under_review = self.store.head(branch)
        original = self._refuse_stale(editor, under_review or head, path, base)
        data = merged(original, raw, PurePosixPath(path).stem)
        if data == original and not assets:
            return {"message": "没有改动", "id": content_id(data)}
        pending = pending_documents(self.store, head, skip=branch)
        self._check({path: data, **assets}, collection, "没有保存", pending)
        label = COLLECTIONS[collection][0].label
        status = self._status(branch) if under_review else (options.get("status") if options.get("status") in STATUSES else "draft")
        demoted = status == "pending_publish"
        status = "pending_review" if demoted else status
        # A second save of a new entry changes what its first save made.
        existed = self.store.blob_id(head, path) is not None or original is not None
        message = f"{'修改' if existed else '新增'}{label}《{title_of(data, path)}》（{STATUSES[status]}）"
        self._commit(branch, under_review, {path: data, **assets}, message, editor, start=head)
        if under_review is None:
            self.store.set_config(f"branch.{branch}.{AUTHOR_KEY}", editor.account.name)
        self.store.set_config(f"branch.{branch}.description", LABEL_PREFIX + status)
        # Whatever was approved, this text was not: the reviewer must see it again.
        self.store.unset_config(f"branch.{branch}.{APPROVED_KEY}")
        notice = citing_pending(data, pending)
        if demoted:
            return {"message": "已保存。这篇文档原为“待签发”，审核后又有修改，已退回“待审核”，需审核人重新审核后才能签发。",
                    "status": "pending_review", "id": content_id(data), **notice}
        return {"message": "entry persisted", "id": content_id(data), **notice}

    def _status(self, branch: str) -> str:
        label = (self.store.get_config(f"branch.{branch}.description") or "").removeprefix(LABEL_PREFIX)
        return label if label in STATUSES else "draft"

    def _authors(self, branch: str, tip: str) -> list[str]:
        """Who wrote the entry: who began it and everyone who saved to it."""
        base = self.store.merge_base(self._head(), tip) or tip
        began = self.store.get_config(f"branch.{branch}.{AUTHOR_KEY}")
        return list(dict.fromkeys([*([began] if began else []), *self.store.authors(base, tip)]))

    def _refuse_others(self, editor: Editor, branch: str, tip: str, doing: str) -> None:
        """Only the entry's authors or a reviewer may withdraw or demote an entry under review."""
        authors = self._authors(branch, tip)
        if not editor.account.is_reviewer and editor.account.name not in authors:
            raise Refused(f"只有这篇文档的作者（{'、'.join(authors) or '未知'}）或审核人可以{doing}。", 403)

    def _refuse_own(self, editor: Editor, authors: list[str], doing: str) -> None:
        """A reviewer may not approve or sign off their own text (``authors``), unless the office allows it (review_self)."""
        if not self.review_self and editor.account.name in authors:
            raise Refused(f"不能{doing}自己编写或修改过的文档：请由另一位审核人{doing}。"
                          "（只有一个人的单位可在 mkdocs.yml 的 qinglian 设置中写 review_self: true。）", 403)

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
        updated = dt.datetime.fromtimestamp(self.store.commit_time(tip), dt.timezone.utc)
        return {"collection": collection, "slug": slug, "status": self._status(branch), "diffs": diffs,
                "updatedAt": updated.isoformat()}

    def unpublished_entry_data_file(self, editor: Editor, params: dict[str, Any]) -> dict[str, Any]:
        _, branch, tip, _ = self._under_review(params)
        _, path = document_path(params.get("path"), self.content)
        entry = self._entries(editor, tip, [path], remember=True)[0]
        return {"data": entry["data"], "id": entry["file"]["id"]}

    def entry_changes(self, editor: Editor, params: dict[str, Any]) -> dict[str, Any]:
        """The entry under review against the published version: what a reviewer reads before signing off."""
        collection, branch, tip, slug = self._under_review(params)
        head = self._head()
        base = self.store.merge_base(head, tip) or head
        files = []
        for path in self.store.changed_paths(base, tip):
            published, proposed = self.store.read(head, path), self.store.read(tip, path)
            if not path.endswith(".md"):
                files.append({"path": path, "changes": [{"kind": "file", "what": "附件", "before": "有" if published else "无",
                                                         "after": "有" if proposed else "删除"}]})
                continue
            changes = document_changes(published.data if published else None, proposed.data if proposed else None, _labels(path))
            files.append({"path": path, "new": published is None, "changes": [c.as_json() for c in changes]})
        return {"collection": collection, "slug": slug, "status": self._status(branch),
                "approved": self.store.get_config(f"branch.{branch}.{APPROVED_KEY}") == tip,
                "authors": self._authors(branch, tip), "files": files}

    def unpublished_entry_media_file(self, editor: Editor, params: dict[str, Any]) -> dict[str, Any]:
        _, _, tip, _ = self._under_review(params)
        return self._media_file(tip, media_path(params.get("path"), self.content))

    def update_status(self, editor: Editor, params: dict[str, Any]) -> dict[str, Any]:
        status = params.get("newStatus")
        if status not in STATUSES:
            raise Refused("状态应为草稿、待审核或待签发")
        with self._lock:
            _, branch, tip, _ = self._under_review(params)
            if status == "pending_publish":
                if not editor.account.is_reviewer:
                    raise Refused("只有审核人可以把文档移到“待签发”。", 403)
                self._refuse_own(editor, self._authors(branch, tip), "审核通过")
                # The approval is of this commit: a later save withdraws it.
                self.store.set_config(f"branch.{branch}.{APPROVED_KEY}", tip)
            else:
                self._refuse_others(editor, branch, tip, f"把它移到“{STATUSES[status]}”")
                self.store.unset_config(f"branch.{branch}.{APPROVED_KEY}")
            self.store.set_config(f"branch.{branch}.description", LABEL_PREFIX + status)
        return {"message": f"{branch} 状态改为{STATUSES[status]}"}

    def delete_unpublished(self, editor: Editor, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            _, branch, tip, _ = self._under_review(params)
            self._refuse_others(editor, branch, tip, "撤回（删除）它")
            self.store.delete_branch(branch, tip)
        return {"message": f"deleted branch: {branch}"}

    def _refuse_unapproved(self, branch: str, tip: str, title: str) -> None:
        approved = self.store.get_config(f"branch.{branch}.{APPROVED_KEY}")
        if self._status(branch) != "pending_publish" or not approved:
            raise Refused(f"《{title}》还没有审核通过（不在“待签发”），不能签发。", 409)
        if approved != tip:
            raise Refused(f"《{title}》在审核通过后又有修改，已不是审核人看过的版本。请重新审核后再签发。", 409)

    def _refuse_citing_unsigned(self, branch: str, head: str, documents: list[bytes]) -> None:
        """An entry that cites a document still under review waits for it: its citation would point nowhere."""
        pending = pending_documents(self.store, head, skip=branch)
        waiting = [p for document in documents for p in cited(document, pending)]
        if waiting:
            first = waiting[0]
            raise Refused(f"不能签发：本文引用了尚待签发的{'、'.join(p.shown for p in waiting)}。请先签发《{first.title}》，"
                          "再签发本文。", 409)

    def _refuse_moved_on(self, head: str, base: str, changed: dict[str, str | None]) -> None:
        """Refuse when the published branch changed a file of the entry since its draft began: nothing is overwritten silently."""
        moved = []
        for path in changed:
            then, now = self.store.blob_id(base, path), self.store.blob_id(head, path)
            if then == now:
                continue
            if now is None:
                moved.append(f"{path} 已在发布的分支上被删除")
                continue
            blobs = self.store.read_blobs(oid for oid in (then, now) if oid)
            before = blobs[then] if then else None
            what = named(document_changes(before, blobs[now], _labels(path))) if path.endswith(".md") else ""
            who, when = self.store.last_author(head, path)
            moved.append(f"{path} 在草稿开始后已被 {who} 于 {when} 修改" + (f"（{what}）" if what else ""))
        if moved:
            raise Refused("不能签发：" + "；".join(moved) + "。为免覆盖这些修改，本次没有签发。请作者在最新版本上重新编辑"
                          "（撤回这份草稿，打开已发布的文档再修改），然后重新送审。", 409)

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
            documents = [data for path, data in changes.items() if path.endswith(".md") and data]
            title = title_of(documents[0], slug) if documents else slug
            authors = self._authors(branch, tip)
            self._refuse_unapproved(branch, tip, title)
            self._refuse_own(editor, authors, "签发")
            self._refuse_moved_on(head, base, changed)
            self._refuse_citing_unsigned(branch, head, documents)
            self._check(changes, collection, "无法签发")
            who = authors[0] if authors else ""
            label = COLLECTIONS[collection][0].label
            message = f"签发{label}《{title}》\n\n编辑：{who}\n审核：{editor.account.name}\n"
            author = Author(who or editor.account.name, f"{who}@qinglian.invalid" if who else editor.account.email)
            reviewer = Author(editor.account.name, editor.account.email)
            try:
                self.store.commit(self.branch, head, changes, message, author, extra_parent=tip, committer=reviewer)
            except BranchMoved as exc:
                raise Refused("签发期间仓库有了新的提交，请刷新页面后重试。", 409) from exc
            self.store.delete_branch(branch, tip)
            self.checker.written()
        return {"message": f"branch {branch} merged to {self.branch}"}
