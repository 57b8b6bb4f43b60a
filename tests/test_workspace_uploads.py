"""Attachments and imports that cannot bypass review or hold the server: content checks, bounds, references, child processes."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from test_hostile import crafted_docx, paragraph
from test_review_integrity import SLUG
from test_workspace_protocol import CASE, PNG, decap_style, read_entry
from workspace_fixtures import EDITOR, REVIEWER, example_repository, git, running_workspace

IMAGE = "content/cases/images/scene.png"


@pytest.fixture
def simple(tmp_path: Path):
    with running_workspace(example_repository(tmp_path / "portal"), review=False) as running:
        yield running


@pytest.fixture
def reviewed(tmp_path: Path):
    with running_workspace(example_repository(tmp_path / "portal"), review=True) as running:
        yield running


def upload(ws, path: str, data: bytes, user=EDITOR):
    return ws.api("persistMedia", user, asset={"path": path, "content": base64.b64encode(data).decode(), "encoding": "base64"}, options={})


def test_an_upload_is_checked_by_its_content(simple):
    before = simple.head()
    status, answer = upload(simple, "content/cases/images/notice.pdf", b"<!DOCTYPE html><script>alert(1)</script>")
    assert status == 422 and "扩展名是 .pdf，内容却是网页或 XML 文本" in answer["error"], answer
    status, answer = upload(simple, "content/cases/images/photo.jpg", PNG)
    assert status == 422 and "内容却是PNG 图片" in answer["error"]
    status, answer = upload(simple, "content/cases/images/big.pdf", b"%PDF-1.7\n" + b"0" * (31 * 1024 * 1024))
    assert status == 413 and "30 MB" in answer["error"]
    assert simple.head() == before
    assert upload(simple, "content/cases/images/notice.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n")[0] == 200


def test_each_editor_has_a_daily_bound(simple, monkeypatch):
    from qinglian.workspace import uploads

    monkeypatch.setattr(uploads, "MAX_DAILY_FILES", 2)
    assert upload(simple, "content/cases/images/a.png", PNG)[0] == 200
    assert upload(simple, "content/cases/images/b.png", PNG)[0] == 200
    status, answer = upload(simple, "content/cases/images/c.png", PNG)
    assert status == 429 and "每人每天最多 2 个" in answer["error"]
    # Another editor's bound is their own.
    assert upload(simple, "content/cases/images/c.png", PNG, REVIEWER)[0] == 200


def test_with_review_attachments_travel_with_their_entry(reviewed):
    before = reviewed.head()
    for user in (EDITOR, REVIEWER):
        status, answer = upload(reviewed, IMAGE, PNG, user)
        assert status == 403 and "随文档送审" in answer["error"]
    raw = decap_style(read_entry(reviewed, CASE), outcome="附图说明")
    raw = raw.replace("\n## ", "\n![现场照片](images/scene.png)\n\n## ", 1)
    status, answer = reviewed.api("persistEntry", EDITOR, dataFiles=[{"path": CASE, "slug": SLUG["slug"], "raw": raw}],
                                  assets=[{"path": IMAGE, "content": base64.b64encode(PNG).decode()}],
                                  options={"collectionName": "cases", "useWorkflow": True})
    assert status == 200, answer
    assert reviewed.head() == before and not (reviewed.root / IMAGE).exists()
    assert reviewed.api("updateUnpublishedEntryStatus", REVIEWER, newStatus="pending_publish", **SLUG)[0] == 200
    assert reviewed.api("publishUnpublishedEntry", REVIEWER, **SLUG)[0] == 200
    assert (reviewed.root / IMAGE).read_bytes() == PNG


def test_an_attachment_a_document_shows_cannot_be_deleted_and_an_unused_one_can(simple):
    assert upload(simple, IMAGE, PNG)[0] == 200
    assert upload(simple, "content/cases/images/unused.png", PNG)[0] == 200
    raw = decap_style(read_entry(simple, CASE)).replace("\n## ", "\n![现场照片](images/scene.png)\n\n## ", 1)
    assert simple.api("persistEntry", EDITOR, dataFiles=[{"path": CASE, "slug": SLUG["slug"], "raw": raw}], assets=[],
                      options={"collectionName": "cases"})[0] == 200
    before = simple.head()
    status, answer = simple.api("deleteFile", path=IMAGE, options={})
    assert status == 409 and f"{IMAGE} 被已发布的 {CASE} 使用" in answer["error"], answer
    assert simple.head() == before and (simple.root / IMAGE).is_file()
    status, answer = simple.api("deleteFile", path="content/cases/images/unused.png", options={})
    assert status == 200, answer
    assert not (simple.root / "content/cases/images/unused.png").exists()
    assert git(simple.root, "log", "-1", "--format=%an %s").strip() == "张三 删除附件unused.png"


def test_an_attachment_a_waiting_entry_shows_cannot_be_deleted(reviewed):
    raw = decap_style(read_entry(reviewed, CASE)).replace("\n## ", "\n![示意图](images/flow.png)\n\n## ", 1)
    (reviewed.root / "content/cases/images").mkdir(exist_ok=True)
    (reviewed.root / "content/cases/images/flow.png").write_bytes(PNG)
    git(reviewed.root, "add", "content/cases/images/flow.png")
    git(reviewed.root, "-c", "user.name=管理员", "-c", "user.email=a@x", "commit", "-qm", "附件")
    assert reviewed.api("persistEntry", EDITOR, dataFiles=[{"path": CASE, "slug": SLUG["slug"], "raw": raw}], assets=[],
                        options={"collectionName": "cases", "useWorkflow": True})[0] == 200
    assert reviewed.api("deleteFile", EDITOR, path="content/cases/images/flow.png", options={})[0] == 403
    status, answer = reviewed.api("deleteFile", REVIEWER, path="content/cases/images/flow.png", options={})
    assert status == 409 and "被待审核（cases/2025-private-club）的" in answer["error"], answer


def test_a_word_bomb_through_the_workspace_is_refused_and_the_server_goes_on(simple, tmp_path: Path):
    bomb = crafted_docx(tmp_path / "bomb.docx", paragraph("标题") + "<w:p>" + "<w:r/>" * 8_000_000 + "</w:p>").read_bytes()
    assert len(bomb) < 200_000
    started = time.monotonic()
    status, answer = simple.request("/admin/import?kind=cases&name=" + quote("通报.docx"), bomb, {"Content-Type": "application/octet-stream"})
    assert status == 422 and "XML 元素组成，超过上限" in answer["error"], answer
    assert time.monotonic() - started < 20
    assert simple.api("info")[0] == 200


def test_an_import_runs_in_a_child_bounded_in_time_and_memory(tmp_path: Path):
    import docx

    from qinglian.importer.isolated import convert_isolated
    from qinglian.importer.sources import UnreadableSource

    source = tmp_path / "speech.docx"
    document = docx.Document()
    document.add_paragraph("在全市警示教育大会上的讲话", style="Title")
    document.add_paragraph("同志们：")
    document.save(str(source))
    converted = convert_isolated(source, "speech", None, [])
    assert converted.values["title"] == "在全市警示教育大会上的讲话"
    with pytest.raises(UnreadableSource, match="秒仍未完成"):
        convert_isolated(source, "speech", None, [], seconds=0.05)
    with pytest.raises(UnreadableSource, match="内存超过上限 64 MB"):
        convert_isolated(source, "speech", None, [], memory=64 * 1024 * 1024)
