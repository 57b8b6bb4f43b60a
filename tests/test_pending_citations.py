"""Citing work in progress: a document may read or cite an entry still under review, and is signed off after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_workspace_protocol import read_entry
from workspace_fixtures import EDITOR, REVIEWER, example_repository, running_workspace

NEW_CASE = "content/cases/2026-new-pending-case.md"
PLAN = "content/plans/2026-city-commission-study-plan.md"


@pytest.fixture
def reviewed(tmp_path: Path):
    with running_workspace(example_repository(tmp_path / "portal"), review=True) as running:
        yield running


def _workflow_save(ws, path: str, raw: str, user=EDITOR, base: str | None = None):
    params = {"qinglianBase": {path: base}} if base else {}
    return ws.api("persistEntry", user, dataFiles=[{"path": path, "slug": Path(path).stem, "raw": raw}], assets=[],
                  options={"collectionName": path.split("/")[1], "useWorkflow": True}, **params)


def _new_case(ws) -> None:
    raw = read_entry(ws, "content/cases/2025-private-club.md").replace("slug: 2025-private-club", "slug: 2026-new-pending-case")
    raw = raw.replace("\ntitle: ", "\ntitle: 待签发的新案例", 1)
    status, answer = _workflow_save(ws, NEW_CASE, raw)
    assert status == 200, answer


def test_a_plan_may_read_a_case_under_review_and_waits_for_it_at_sign_off(reviewed):
    ws = reviewed
    _new_case(ws)
    status, entry = ws.api("getEntry", path=PLAN)
    raw = entry["data"].replace("      - cases/2025-private-club\n", "      - cases/2025-private-club\n      - cases/2026-new-pending-case\n", 1)
    assert raw != entry["data"]
    status, answer = _workflow_save(ws, PLAN, raw, base=entry["file"]["id"])
    assert status == 200, answer
    assert "尚待签发的《" in answer["notice"] and "cases/2026-new-pending-case" in answer["notice"]
    assert "是否应为" not in str(answer)
    plan = dict(collection="plans", slug=Path(PLAN).stem)
    case = dict(collection="cases", slug="2026-new-pending-case")
    for entry_id in (plan, case):
        assert ws.api("updateUnpublishedEntryStatus", REVIEWER, newStatus="pending_publish", **entry_id)[0] == 200
    before = ws.head()
    status, answer = ws.api("publishUnpublishedEntry", REVIEWER, **plan)
    assert status == 409 and "请先签发《" in answer["error"] and "cases/2026-new-pending-case" in answer["error"], answer
    assert ws.head() == before
    assert ws.api("publishUnpublishedEntry", REVIEWER, **case)[0] == 200
    status, answer = ws.api("publishUnpublishedEntry", REVIEWER, **plan)
    assert status == 200, answer
    assert "cases/2026-new-pending-case" in ws.read(PLAN).decode()


def test_a_reference_to_nothing_is_still_refused(reviewed):
    status, entry = reviewed.api("getEntry", path=PLAN)
    raw = entry["data"].replace("      - cases/2025-private-club\n", "      - cases/2025-private-club\n      - cases/2026-no-such-case\n", 1)
    status, answer = _workflow_save(reviewed, PLAN, raw, base=entry["file"]["id"])
    assert status == 422 and "2026-no-such-case" in answer["error"]


def test_the_regulation_drop_down_lists_a_regulation_under_review(reviewed):
    regulation = "content/regulations/2023-organ-staff-integrity.md"
    raw = read_entry(reviewed, regulation).replace("slug: 2023-organ-staff-integrity", "slug: 2026-new-rules")
    raw = raw.replace("\ntitle: ", "\ntitle: 新的规定（待审）", 1)
    # A copy is not a second revision of the 2018 version.
    raw = "\n".join(line for line in raw.split("\n") if not line.startswith(("revises:", "article_map:", "  - {old:", "# 这一条改写")))
    status, answer = _workflow_save(reviewed, "content/regulations/2026-new-rules.md", raw)
    assert status == 200, answer
    status, config = reviewed.request("/admin/config.json")
    assert status == 200
    assert "（2026-new-rules，待签发）" in str(config)
