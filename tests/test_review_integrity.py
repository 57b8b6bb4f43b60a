"""Review that holds, through the protocol: what a reviewer signs off is what readers get, and no one overwrites anyone."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from test_workspace_protocol import CASE, decap_style, read_entry, save
from workspace_fixtures import EDITOR, REVIEWER, example_repository, git, running_workspace

SLUG = dict(collection="cases", slug="2025-private-club")
SECOND_REVIEWER = ("王五", "password-ww")


@pytest.fixture
def reviewed(tmp_path: Path):
    with running_workspace(example_repository(tmp_path / "portal"), review=True) as running:
        from qinglian.workspace.accounts import AccountBook, accounts_file

        AccountBook(accounts_file(running.root)).add(*SECOND_REVIEWER, "reviewer")
        yield running


@pytest.fixture
def simple(tmp_path: Path):
    with running_workspace(example_repository(tmp_path / "portal"), review=False) as running:
        yield running


def _draft(ws, outcome: str, user=EDITOR) -> None:
    status, answer = save(ws, CASE, decap_style(read_entry(ws, CASE, user), outcome=outcome), user, useWorkflow=True, status="pending_review")
    assert status == 200, answer


def _branch_text(ws) -> str:
    status, data = ws.api("unpublishedEntryDataFile", path=CASE, id=CASE, **SLUG)
    assert status == 200, data
    return data["data"]


def test_an_edit_after_approval_returns_the_entry_to_review_and_cannot_be_signed_off(reviewed):
    ws = reviewed
    before = ws.head()
    _draft(ws, "审核人看过的处理结果")
    assert ws.api("updateUnpublishedEntryStatus", REVIEWER, newStatus="pending_publish", **SLUG)[0] == 200
    # The editor saves new text to the approved entry, from the form opened on the branch.
    status, data = ws.api("unpublishedEntryDataFile", path=CASE, id=CASE, **SLUG)
    changed = decap_style(data["data"], outcome="审核后偷偷改的处理结果")
    status, answer = ws.api(
        "persistEntry", EDITOR, dataFiles=[{"path": CASE, "slug": SLUG["slug"], "raw": changed}], assets=[],
        qinglianBase={CASE: data["id"]}, options={"collectionName": "cases", "useWorkflow": True})
    assert status == 200 and "已退回“待审核”" in answer["message"], answer
    assert ws.api("unpublishedEntry", id="cases/2025-private-club")[1]["status"] == "pending_review"
    status, answer = ws.api("publishUnpublishedEntry", REVIEWER, **SLUG)
    assert status == 409 and "还没有审核通过" in answer["error"]
    assert ws.head() == before and "偷偷改" not in ws.read(CASE).decode()
    # Approved again, the reviewer signs off exactly what they saw.
    assert ws.api("updateUnpublishedEntryStatus", REVIEWER, newStatus="pending_publish", **SLUG)[0] == 200
    assert ws.api("publishUnpublishedEntry", REVIEWER, **SLUG)[0] == 200
    assert "审核后偷偷改的处理结果" in ws.read(CASE).decode()


def test_a_sign_off_merges_only_the_approved_commit(reviewed):
    """A save that lands between approval and sign-off (status kept by hand) is refused, naming it."""
    ws = reviewed
    _draft(ws, "第一版")
    assert ws.api("updateUnpublishedEntryStatus", REVIEWER, newStatus="pending_publish", **SLUG)[0] == 200
    approved = git(ws.root, "rev-parse", "cms/cases/2025-private-club").strip()
    # Someone with shell access commits to the branch without the workspace.
    git(ws.root, "branch", "-f", "cms/cases/2025-private-club", approved)
    tree = git(ws.root, "rev-parse", f"{approved}^{{tree}}").strip()
    sneaked = git(ws.root, "-c", "user.name=x", "-c", "user.email=x@x", "commit-tree", tree, "-p", approved, "-m", "x").strip()
    git(ws.root, "update-ref", "refs/heads/cms/cases/2025-private-club", sneaked)
    status, answer = ws.api("publishUnpublishedEntry", REVIEWER, **SLUG)
    assert status == 409 and "审核通过后又有修改" in answer["error"]


def test_a_reviewer_cannot_approve_or_sign_off_their_own_draft(reviewed):
    ws = reviewed
    before = ws.head()
    _draft(ws, "审核人自己写的", REVIEWER)
    status, answer = ws.api("updateUnpublishedEntryStatus", REVIEWER, newStatus="pending_publish", **SLUG)
    assert status == 403 and "自己编写" in answer["error"]
    status, answer = ws.api("publishUnpublishedEntry", REVIEWER, **SLUG)
    assert status == 409 and ws.head() == before
    # Another reviewer approves; the author still cannot sign it off alone.
    assert ws.api("updateUnpublishedEntryStatus", SECOND_REVIEWER, newStatus="pending_publish", **SLUG)[0] == 200
    status, answer = ws.api("publishUnpublishedEntry", REVIEWER, **SLUG)
    assert status == 403 and "自己编写" in answer["error"] and ws.head() == before
    assert ws.api("publishUnpublishedEntry", SECOND_REVIEWER, **SLUG)[0] == 200


def test_a_sign_off_does_not_undo_a_correction_made_on_the_published_branch(reviewed):
    ws = reviewed
    _draft(ws, "草稿里的处理结果")
    # A reviewer corrects the published case directly (as an operator's commit would).
    text = ws.read(CASE).decode().replace("## ", "## （更正）", 1)
    (ws.root / CASE).write_text(text, encoding="utf-8")
    git(ws.root, "-c", "user.name=李四", "-c", "user.email=l@x", "commit", "-qam", "更正")
    corrected = ws.head()
    assert ws.api("updateUnpublishedEntryStatus", REVIEWER, newStatus="pending_publish", **SLUG)[0] == 200
    status, answer = ws.api("publishUnpublishedEntry", REVIEWER, **SLUG)
    assert status == 409, answer
    assert "在草稿开始后已被 李四" in answer["error"] and "正文第" in answer["error"] and "（更正）" in answer["error"]
    assert ws.head() == corrected and "（更正）" in ws.read(CASE).decode()


def test_a_document_deleted_meanwhile_does_not_come_back(reviewed):
    ws = reviewed
    _draft(ws, "草稿里的处理结果")
    git(ws.root, "-c", "user.name=李四", "-c", "user.email=l@x", "rm", "-q", CASE)
    git(ws.root, "-c", "user.name=李四", "-c", "user.email=l@x", "commit", "-qm", "删除")
    assert ws.api("updateUnpublishedEntryStatus", REVIEWER, newStatus="pending_publish", **SLUG)[0] == 200
    status, answer = ws.api("publishUnpublishedEntry", REVIEWER, **SLUG)
    assert status == 409 and "已在发布的分支上被删除" in answer["error"]
    assert not (ws.root / CASE).exists()


def test_the_reviewer_sees_the_change_field_by_field_and_paragraph_by_paragraph(reviewed):
    ws = reviewed
    raw = decap_style(read_entry(ws, CASE), outcome="新的处理结果")
    head, body = raw.split("\n---\n", 1)
    save(ws, CASE, head + "\n---\n" + body.replace("\n\n", "\n\n新增的一段说明。\n\n", 1), useWorkflow=True)
    status, changes = ws.api("qinglianEntryChanges", REVIEWER, **SLUG)
    assert status == 200, changes
    found = changes["files"][0]["changes"]
    assert {"kind": "field", "what": "“处理结果”（outcome）"}.items() <= found[0].items() and found[0]["after"] == "新的处理结果"
    assert any(c["kind"] == "paragraph" and c["after"] == "新增的一段说明。" and c["before"] == "" for c in found)
    assert changes["authors"] == ["张三"] and changes["approved"] is False


def test_only_the_author_or_a_reviewer_may_withdraw_or_demote(reviewed, tmp_path: Path):
    from qinglian.workspace.accounts import AccountBook, accounts_file

    other = ("赵六", "password-zl")
    AccountBook(accounts_file(reviewed.root)).add(*other, "editor")
    _draft(reviewed, "张三的草稿")
    for action, params in (("deleteUnpublishedEntry", {}), ("updateUnpublishedEntryStatus", {"newStatus": "draft"})):
        status, answer = reviewed.api(action, other, **SLUG, **params)
        assert status == 403 and "只有这篇文档的作者（张三）或审核人" in answer["error"], answer
    assert git(reviewed.root, "branch", "--list", "cms/*").strip() == "cms/cases/2025-private-club"
    assert reviewed.api("updateUnpublishedEntryStatus", EDITOR, newStatus="draft", **SLUG)[0] == 200
    assert reviewed.api("deleteUnpublishedEntry", REVIEWER, **SLUG)[0] == 200


def test_a_stale_form_stays_stale_after_reading_the_list(simple):
    """The audit: a refused stale save went through after the editor opened the collection list in another tab."""
    mine = read_entry(simple, CASE, EDITOR)
    theirs = read_entry(simple, CASE, REVIEWER)
    assert save(simple, CASE, decap_style(theirs, outcome="李四改的结果"), REVIEWER)[0] == 200
    assert save(simple, CASE, decap_style(mine, outcome="张三改的结果"))[0] == 409
    assert simple.api("entriesByFolder", folder="content/cases", extension="md", depth=1)[0] == 200
    status, answer = save(simple, CASE, decap_style(mine, outcome="张三改的结果"))
    assert status == 409 and "李四" in answer["error"]
    assert "李四改的结果" in simple.read(CASE).decode()


def test_concurrent_saves_from_one_form_are_serialised_and_only_the_first_lands(simple):
    status, entry = simple.api("getEntry", path=CASE)
    base = entry["file"]["id"]
    results = []

    def run(number: int) -> None:
        raw = decap_style(entry["data"], outcome=f"并发第{number}次")
        results.append(simple.api("persistEntry", EDITOR, dataFiles=[{"path": CASE, "slug": SLUG["slug"], "raw": raw}], assets=[],
                                  qinglianBase={CASE: base}, options={"collectionName": "cases"})[0])

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409, 409, 409]
    # The form learns the new version from the answer, and its next save goes through.
    assert len(git(simple.root, "log", "--format=%h").split()) == 2


def test_a_title_with_line_breaks_adds_no_lines_to_commit_messages(simple):
    raw = decap_style(read_entry(simple, CASE), title="伪造的标题\n\n编辑：别人\n审核：别人")
    status, answer = save(simple, CASE, raw)
    assert status == 200, answer
    message = git(simple.root, "log", "-1", "--format=%B").strip()
    assert message == "修改案例通报《伪造的标题 编辑：别人 审核：别人》"


def test_a_save_never_overwrites_an_uncommitted_edit_in_the_servers_working_tree(simple):
    raw = decap_style(read_entry(simple, CASE), outcome="工作台保存的结果")
    (simple.root / CASE).write_text(simple.read(CASE).decode() + "\n管理员在服务器上手工加的一段。\n", encoding="utf-8")
    before = simple.head()
    status, answer = save(simple, CASE, raw)
    assert status == 409 and "未提交的修改" in answer["error"], answer
    assert simple.head() == before and "手工加的一段" in simple.read(CASE).decode()


def test_commit_messages_say_what_happened_and_the_status_it_is_in(reviewed):
    ws = reviewed
    path = "content/cases/2026-second-save.md"
    raw = read_entry(ws, CASE).replace("slug: 2025-private-club", "slug: 2026-second-save").replace("\ntitle: ", "\ntitle: 新案例", 1)
    first = ws.api("persistEntry", EDITOR, dataFiles=[{"path": path, "slug": "2026-second-save", "raw": raw}], assets=[],
                   options={"collectionName": "cases", "useWorkflow": True, "status": "draft"})
    assert first[0] == 200, first
    second = ws.api("persistEntry", EDITOR, dataFiles=[{"path": path, "slug": "2026-second-save", "raw": decap_style(raw, outcome="改过")}],
                    assets=[], qinglianBase={path: first[1]["id"]}, options={"collectionName": "cases", "useWorkflow": True})
    assert second[0] == 200, second
    log = git(ws.root, "log", "--format=%s", "-2", "cms/cases/2026-second-save").splitlines()
    assert log[1].startswith("新增案例通报《新案例") and log[1].endswith("（草稿）")
    assert log[0].startswith("修改案例通报《新案例") and log[0].endswith("（草稿）")
