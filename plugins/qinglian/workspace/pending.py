"""Documents still under review, as other entries see them: they may be cited before they are signed off.

A plan may read, or a case cite, a document that waits on its own review branch. The save is
checked as if the pending document were there (so the citation resolves and nothing misleading
is suggested), and the editor is told the reference shows once both are signed off. Signing off
the citing entry first is refused with the name of what to sign off before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from .git_store import GitStore
from .requests import title_of

# An entry under review lives on the branch cms/<collection>/<slug>, its status in the branch's description.
CMS_PREFIX = "cms"
STATUSES = {"draft": "草稿", "pending_review": "待审核", "pending_publish": "待签发"}


@dataclass(frozen=True)
class PendingDocument:
    path: str
    data: bytes
    branch: str
    status: str

    @property
    def key(self) -> str:
        """How other documents cite it: ``collection/slug``."""
        parts = PurePosixPath(self.path).parts
        return f"{parts[-2]}/{PurePosixPath(self.path).stem}"

    @property
    def title(self) -> str:
        return title_of(self.data, PurePosixPath(self.path).stem)

    @property
    def shown(self) -> str:
        return f"《{self.title}》（{self.key}，{STATUSES.get(self.status, '待审核')}）"


def pending_documents(store: GitStore, head: str, skip: str | None = None) -> dict[str, PendingDocument]:
    """New documents waiting on review branches (not yet on the published branch), by path; ``skip``: a branch left out."""
    found: dict[str, PendingDocument] = {}
    for branch in store.branches(CMS_PREFIX + "/"):
        if branch == skip:
            continue
        tip = store.head(branch)
        if tip is None:
            continue
        base = store.merge_base(head, tip) or head
        added = {p: oid for p, oid in store.changed_paths(base, tip).items() if oid and p.endswith(".md") and store.blob_id(head, p) is None}
        if not added:
            continue
        status = (store.get_config(f"branch.{branch}.description") or "").rsplit("/", 1)[-1]
        blobs = store.read_blobs(added.values())
        for path, oid in added.items():
            found[path] = PendingDocument(path, blobs[oid], branch, status)
    return found


def cited(data: bytes | None, pending: dict[str, PendingDocument]) -> list[PendingDocument]:
    """The pending documents that ``data`` (a document's text) names, as a reading, basis or link."""
    if not data or not pending:
        return []
    text = data.decode("utf-8", "replace")
    return [p for p in pending.values() if re.search(rf"(?<![\w-]){re.escape(p.key)}(?![\w-])", text)]


def citing_pending(data: bytes | None, pending: dict[str, PendingDocument]) -> dict[str, str]:
    """The notice a save answers with when it cites documents still under review (empty when it cites none)."""
    waiting = cited(data, pending)
    if not waiting:
        return {}
    return {"notice": "已保存。本文引用了尚待签发的" + "、".join(p.shown for p in waiting)
            + "：引用在两篇都签发后才会显示在网站上，签发时请先签发被引用的文档。"}
