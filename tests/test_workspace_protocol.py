"""``qinglian edit``'s /api/v1 at the protocol level: every action, hostile requests, review and sign-off.

Each test runs a real workspace server over a git copy of the example portal and looks at the
repository afterwards: what was committed, by whom, and that a refused request left it as it was.
"""

from __future__ import annotations

import base64
import io
import json
import socket
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from conftest import REPO
from workspace_fixtures import EDITOR, REVIEWER, example_repository, git, running_workspace

CASE = "content/cases/2025-private-club.md"
REGULATION = "content/regulations/2023-organ-staff-integrity.md"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return example_repository(tmp_path / "portal")


@pytest.fixture
def simple(repo: Path):
    with running_workspace(repo, review=False) as running:
        yield running


@pytest.fixture
def reviewed(repo: Path):
    with running_workspace(repo, review=True) as running:
        yield running


def read_entry(ws, path: str, user=EDITOR) -> str:
    status, entry = ws.api("getEntry", user, path=path)
    assert status == 200, entry
    return entry["data"]


def save(ws, path: str, raw: str, user=EDITOR, **options) -> tuple[int, dict]:
    slug = Path(path).stem
    return ws.api("persistEntry", user, dataFiles=[{"path": path, "slug": slug, "raw": raw}], assets=[],
                  options={"collectionName": path.split("/")[1], "commitMessage": "ignored", "useWorkflow": False, **options})


def decap_style(raw: str, **changes) -> str:
    """The front matter as Decap writes it: keys reordered, block lists, empty fields present, dates quoted."""
    head, body = raw.split("\n---\n", 1)
    data = yaml.safe_load(head.removeprefix("---\n"))
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    data.update(changes)
    data = dict(sorted(data.items())) | {"publish_date": data.get("publish_date", ""), "doc_number": data.get("doc_number", "")}
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False) + "---\n" + body.lstrip("\n")


def test_listing_and_reading(simple):
    status, info = simple.api("info")
    assert status == 200 and "editorial_workflow" in info["publish_modes"]
    status, entries = simple.api("entriesByFolder", folder="content/cases", extension="md", depth=1)
    assert status == 200
    assert sorted(e["file"]["path"] for e in entries) == sorted(f"content/cases/{p.name}" for p in (REPO / "content/cases").glob("*.md"))
    club = next(e for e in entries if e["file"]["path"] == CASE)
    # The form's 网址名 field is filled from the file name where the file has no slug.
    assert club["data"].startswith("---\nslug: 2025-private-club\n")
    # The list carries each file's front matter, not its body; the whole file comes when the entry is opened.
    text = (REPO / CASE).read_text(encoding="utf-8")
    front = text[: text.index("\n---\n", 3) + 5]
    assert club["data"].split("\n", 2)[2] == front[4:] and "## " not in club["data"]
    status, opened = simple.api("getEntry", path=CASE)
    assert status == 200 and opened["data"].split("\n", 2)[2] == text[4:]
    assert opened["file"]["id"] == club["file"]["id"]
    status, files = simple.api("entriesByFiles", files=[{"path": CASE}, {"path": "content/cases/missing.md"}])
    assert status == 200 and files[1]["data"] is None
    status, media = simple.api("getMedia", mediaFolder="content/speeches/images")
    assert status == 200 and media == []


def test_round_trip_of_every_example_document_is_byte_identical(simple):
    before = simple.head()
    documents = sorted(p.relative_to(simple.root).as_posix() for p in (simple.root / "content").glob("*/*.md"))
    assert len(documents) >= 20
    for path in documents:
        original = simple.read(path)
        for raw in (read_entry(simple, path), decap_style(read_entry(simple, path))):
            status, answer = save(simple, path, raw)
            assert status == 200, (path, answer)
            assert simple.read(path) == original, path
    assert simple.head() == before, "an unchanged save made a commit"


def test_a_save_is_committed_by_the_editor_and_changes_only_its_line(simple):
    raw = read_entry(simple, CASE)
    status, answer = save(simple, CASE, decap_style(raw, outcome="党内严重警告，并调整职务"))
    assert status == 200, answer
    log = git(simple.root, "log", "-1", "--format=%an|%s")
    assert log.strip() == "张三|修改案例通报《XX市某局原四级调研员XX违规出入私人会所问题的通报》"
    diff = git(simple.root, "diff", "HEAD~1", "--numstat").split()
    assert diff[:3] == ["1", "1", CASE]
    assert "outcome: 党内严重警告，并调整职务" in simple.read(CASE).decode()
    assert git(simple.root, "status", "--porcelain") == ""


def test_a_save_breaking_a_rule_is_refused_in_chinese_and_nothing_changes(simple):
    before, original = simple.head(), simple.read(REGULATION)
    raw = read_entry(simple, REGULATION)
    status, answer = save(simple, REGULATION, decap_style(raw, effective="2020-01-01"))
    assert status == 422
    assert "施行日期" in answer["error"] and "不早于通过日期" in answer["error"] and REGULATION in answer["error"]
    status, answer = save(simple, CASE, decap_style(read_entry(simple, CASE), basis=[{"regulation": "regulations/2023-organ-staff-integrity", "articles": ["第九十九条"]}]))
    assert status == 422 and "处理依据 › 第 1 项 › 条款" in answer["error"] and "第九十九条" in answer["error"]
    status, answer = save(simple, CASE, read_entry(simple, CASE).replace("## 基本案情", "<script>alert(1)</script>\n\n## 基本案情"))
    assert status == 422 and "script" in answer["error"]
    assert simple.head() == before and simple.read(REGULATION) == original
    assert git(simple.root, "status", "--porcelain") == ""


def test_new_entries_need_a_valid_file_name(simple):
    raw = read_entry(simple, CASE).replace("slug: 2025-private-club\n", "")
    for path in ("content/cases/.md", "content/cases/-x.md", "content/cases/A B.md"):
        status, answer = save(simple, path, raw)
        assert status == 422, path
    status, answer = save(simple, "content/cases/2026-new-case.md", raw.replace("---\n", "---\nslug: 2026-new-case\n", 1))
    assert status == 200, answer
    written = simple.read("content/cases/2026-new-case.md").decode()
    assert "slug:" not in written, "a slug equal to the file name is implied"
    assert git(simple.root, "log", "-1", "--format=%s").startswith("新增案例通报《")


def test_deleting_a_cited_document_is_refused_with_the_citing_files(simple):
    before = simple.head()
    status, answer = simple.api("deleteFiles", paths=[REGULATION], options={"commitMessage": "x"})
    assert status == 422
    assert "不能删除" in answer["error"] and "content/cases/2025-private-club.md" in answer["error"]
    assert simple.head() == before and (simple.root / REGULATION).exists()



def test_an_uncited_document_is_deleted_and_committed_by_the_editor(simple):
    path = "content/speeches/2026-to-be-deleted.md"
    raw = read_entry(simple, "content/speeches/2025-transport-top-leader.md").replace(
        "slug: 2025-transport-top-leader", "slug: 2026-to-be-deleted").replace("\ntitle: ", "\ntitle: 将被删除的", 1)
    assert save(simple, path, raw)[0] == 200
    status, answer = simple.api("deleteFile", path=path, options={"commitMessage": "x"})
    assert status == 200, answer
    assert not (simple.root / path).exists() and git(simple.root, "status", "--porcelain") == ""
    assert git(simple.root, "log", "-1", "--format=%an|%s").strip().startswith("张三|删除领导讲话《将被删除的")
    assert git(simple.root, "show", "--stat", "--format=", "HEAD").strip().startswith(path)


def test_media_upload_follows_the_build_rules(simple):
    status, answer = simple.api("persistMedia", asset={"path": "content/cases/images/scene.png", "content": base64.b64encode(PNG).decode(), "encoding": "base64"}, options={"commitMessage": "x"})
    assert status == 200 and answer["name"] == "scene.png"
    assert simple.read("content/cases/images/scene.png") == PNG
    assert git(simple.root, "log", "-1", "--format=%an %s").strip() == "张三 上传附件 scene.png"
    before = simple.head()
    for name, reason in (("page.html", "不能发布"), ("logo.svg", "不能发布"), ("run.js", "不能发布"), ("noext", "不能发布")):
        status, answer = simple.api("persistMedia", asset={"path": f"content/cases/images/{name}", "content": "PHN2Zz4=", "encoding": "base64"}, options={})
        assert status == 422 and reason in answer["error"], (name, answer)
    status, answer = simple.api("persistMedia", asset={"path": "content/cases/images/bad.png", "content": "not base64!", "encoding": "base64"}, options={})
    assert status == 422 and "base64" in answer["error"]
    status, answer = simple.api("persistMedia", asset={"path": "content/cases/images/scene.png", "content": base64.b64encode(PNG).decode()}, options={})
    assert status == 409
    assert simple.head() == before
    status, answer = simple.api("getMediaFile", path="content/cases/images/scene.png")
    assert status == 200 and base64.b64decode(answer["content"]) == PNG


@pytest.mark.parametrize("path", [
    "content/cases/../../etc/passwd.md", "/etc/passwd", "content/cases/images/../../../mkdocs.yml", ".git/config",
    "content/../mkdocs.yml", "content/cases//x.md", "content\\cases\\x.md", "docs/index.md", "content/vocabulary.yml",
    "content/cases/.hidden.md", "content/cases/sub/x.md", "content/cases/x.md\u0000.png", 5, None, "x" * 400,
])
def test_paths_outside_the_content_are_refused(simple, path):
    before = simple.head()
    for action, params in (
        ("getEntry", {"path": path}),
        ("persistEntry", {"dataFiles": [{"path": path, "slug": "x", "raw": "---\ntitle: x\n---\n"}], "assets": [], "options": {}}),
        ("persistMedia", {"asset": {"path": path, "content": "eA=="}, "options": {}}),
        ("deleteFile", {"path": path, "options": {}}),
        ("getMediaFile", {"path": path}),
        ("entriesByFolder", {"folder": path, "extension": "md", "depth": 1}),
    ):
        status, answer = simple.api(action, **params)
        assert status in (400, 404, 422), (action, path, status, answer)
        assert "error" in answer
    assert simple.head() == before and git(simple.root, "status", "--porcelain") == ""


def test_symlinks_are_not_followed(simple, tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("---\ntitle: 机密\n---\n", encoding="utf-8")
    (simple.root / "content/cases/linked.md").symlink_to(outside / "secret.md")
    git(simple.root, "add", "content/cases/linked.md")
    git(simple.root, "-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qm", "link")
    status, entry = simple.api("getEntry", path="content/cases/linked.md")
    assert status == 200 and entry["data"] is None
    status, entries = simple.api("entriesByFolder", folder="content/cases", extension="md", depth=1)
    assert "content/cases/linked.md" not in [e["file"]["path"] for e in entries]
    # An uncommitted link in the working tree: nothing is written through it.
    (simple.root / "content/speeches/images").symlink_to(outside, target_is_directory=True)
    before = simple.head()
    status, answer = simple.api("persistMedia", asset={"path": "content/speeches/images/a.png", "content": base64.b64encode(PNG).decode()}, options={})
    assert status == 500 and "符号链接" in answer["error"]
    assert simple.head() == before and not (outside / "a.png").exists()


def test_requests_without_a_valid_login_are_refused(simple):
    assert simple.api("entriesByFolder", None, folder="content/cases")[0] == 401
    assert simple.api("entriesByFolder", ("张三", "wrong-password"), folder="content/cases")[0] == 401
    assert simple.api("entriesByFolder", ("王五", "password-xx"), folder="content/cases")[0] == 401
    for path in ("/admin/config.json", "/admin/status.json", "/admin/decap-cms.js", "/admin/workspace.js"):
        assert simple.request(path, user=None)[0] == 401, path
    status, _ = simple.request("/admin/", user=None, headers={"Accept": "text/html"})
    assert status == 200  # urllib follows the redirect to the sign-in page
    status, page = simple.request("/login", user=None)
    assert "登录编辑工作台" in page.decode()
    from qinglian.workspace.accounts import AccountBook, accounts_file

    AccountBook(accounts_file(simple.root)).remove("张三")
    assert simple.api("info", EDITOR)[0] == 401


def login(ws, user=EDITOR, origin: str | None = None) -> str:
    import http.client
    from urllib.parse import urlsplit, urlencode

    netloc = urlsplit(ws.url).netloc
    connection = http.client.HTTPConnection(netloc, timeout=30)
    body = urlencode({"name": user[0], "password": user[1]})
    connection.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin or ws.url})
    response = connection.getresponse()
    response.read()
    return response.status, response.getheader("Set-Cookie") or ""


def test_sessions_and_other_origins(simple):
    status, cookie = login(simple)
    assert status == 303 and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    token = cookie.split(";")[0]
    body = json.dumps({"action": "entriesByFolder", "params": {"branch": "main", "folder": "content/cases", "extension": "md", "depth": 1}}).encode()
    ok = simple.request("/api/v1", body, {"Content-Type": "application/json", "Cookie": token, "Origin": simple.url}, user=None)
    assert ok[0] == 200
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site", "Origin": simple.url}, {}):
        status, answer = simple.request("/api/v1", body, {"Content-Type": "application/json", "Cookie": token, **headers}, user=None)
        assert status == 403 and "其他网站" in answer["error"], headers
    assert login(simple, origin="http://evil.example")[0] == 403
    # Basic credentials from another origin are refused too.
    status, _ = simple.request("/api/v1", body, {"Content-Type": "application/json", "Origin": "http://evil.example"})
    assert status == 403
    assert simple.request("/api/v1", body, {"Content-Type": "application/json"}, method="OPTIONS")[0] == 405


def test_the_second_of_two_saves_to_one_file_is_refused(simple):
    mine = read_entry(simple, CASE, EDITOR)
    theirs = read_entry(simple, CASE, REVIEWER)
    status, _ = save(simple, CASE, decap_style(theirs, outcome="李四改的结果"), REVIEWER)
    assert status == 200
    status, answer = save(simple, CASE, decap_style(mine, outcome="张三改的结果"), EDITOR)
    assert status == 409 and "李四" in answer["error"] and "刷新" in answer["error"]
    assert "李四改的结果" in simple.read(CASE).decode()
    # After reading again, the save goes through.
    status, _ = save(simple, CASE, decap_style(read_entry(simple, CASE, EDITOR), outcome="张三改的结果"), EDITOR)
    assert status == 200


def test_saves_at_the_same_moment_all_land(simple):
    paths = sorted(p.relative_to(simple.root).as_posix() for p in (simple.root / "content/speeches").glob("*.md"))[:4]
    raws = {p: read_entry(simple, p) for p in paths}
    results = {}

    def run(path: str) -> None:
        results[path] = save(simple, path, decap_style(raws[path], summary=f"并发保存 {Path(path).stem}"))

    threads = [threading.Thread(target=run, args=(p,)) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(status == 200 for status, _ in results.values()), results
    for path in paths:
        assert f"并发保存 {Path(path).stem}" in simple.read(path).decode()
    assert len(git(simple.root, "log", "--format=%h").split()) == 1 + len(paths)


def test_junk_gets_an_answer_and_the_server_goes_on(simple):
    before = simple.head()
    cases = [
        (b"{not json", {"Content-Type": "application/json"}, 400),
        (b"\xff\xfe\x00", {"Content-Type": "application/json"}, 400),
        (b"[1, 2]", {"Content-Type": "application/json"}, 400),
        (b'{"action": "nope", "params": {}}', {"Content-Type": "application/json"}, 422),
        (b'{"action": "getEntry", "params": []}', {"Content-Type": "application/json"}, 400),
        (b'{"action": "getEntry", "params": {"branch": "other", "path": "content/cases/x.md"}}', {"Content-Type": "application/json"}, 422),
        (b'{"action": "persistEntry", "params": {"dataFiles": "x"}}', {"Content-Type": "application/json"}, 422),
        (b'{"action": "persistEntry", "params": {"dataFiles": [{"path": "content/cases/x.md", "raw": 5}]}}', {"Content-Type": "application/json"}, 422),
        (b"action=info", {"Content-Type": "application/x-www-form-urlencoded"}, 415),
    ]
    for body, headers, expected in cases:
        status, answer = simple.request("/api/v1", body, headers)
        assert status == expected, (body, answer)
        assert isinstance(answer, dict) and "error" in answer and "Traceback" not in answer["error"]
    host, port = simple.url.removeprefix("http://").split(":")
    # A body over the bound is refused from its length, before it is read.
    with socket.create_connection((host, int(port))) as huge:
        auth = base64.b64encode(f"{EDITOR[0]}:{EDITOR[1]}".encode()).decode()
        huge.sendall(f"POST /api/v1 HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {70 * 1024 * 1024}\r\n\r\n{{\"action\": \"info\", \"pad\": \"xxxx".encode())
        received = b""
        while chunk := huge.recv(4096):
            received += chunk
        answer = received.decode("utf-8", "replace")
        assert answer.startswith("HTTP/1.0 413") and "上限" in answer
    # A request that never sends its body, and one with no length: the server still answers others.
    with socket.create_connection((host, int(port))) as stalled:
        stalled.sendall(b"POST /api/v1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
        with socket.create_connection((host, int(port))) as lengthless:
            lengthless.sendall(f"POST /api/v1 HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\nContent-Type: application/json\r\n\r\n".encode())
            assert b"411" in lengthless.recv(200)
        assert simple.api("info")[0] == 200
    assert simple.head() == before and git(simple.root, "status", "--porcelain") == ""


def test_review_and_sign_off(reviewed):
    ws = reviewed
    before = ws.head()
    raw = decap_style(read_entry(ws, CASE), outcome="党内严重警告（审核版）")
    # In a site with review, a save goes to the entry's own branch, never straight to main.
    assert save(ws, CASE, raw)[0] == 403
    status, answer = save(ws, CASE, raw, useWorkflow=True, status="draft")
    assert status == 200, answer
    assert ws.head() == before and "审核版" not in ws.read(CASE).decode()
    assert git(ws.root, "log", "-1", "--format=%an %s", "cms/cases/2025-private-club").startswith("张三 修改案例通报《")
    assert ws.api("unpublishedEntries")[1] == ["cases/2025-private-club"]
    status, entry = ws.api("unpublishedEntry", id="cases/2025-private-club")
    assert entry["status"] == "draft" and [d["path"] for d in entry["diffs"]] == [CASE]
    status, data = ws.api("unpublishedEntryDataFile", collection="cases", slug="2025-private-club", path=CASE, id=CASE)
    assert "审核版" in data["data"]
    assert ws.api("updateUnpublishedEntryStatus", collection="cases", slug="2025-private-club", newStatus="pending_review")[0] == 200
    status, answer = ws.api("updateUnpublishedEntryStatus", collection="cases", slug="2025-private-club", newStatus="pending_publish")
    assert status == 403 and "审核人" in answer["error"]
    status, answer = ws.api("publishUnpublishedEntry", collection="cases", slug="2025-private-club")
    assert status == 403 and ws.head() == before
    assert ws.api("updateUnpublishedEntryStatus", REVIEWER, collection="cases", slug="2025-private-club", newStatus="pending_publish")[0] == 200
    status, answer = ws.api("publishUnpublishedEntry", REVIEWER, collection="cases", slug="2025-private-club")
    assert status == 200, answer
    merge = git(ws.root, "log", "-1", "--format=%P|%an|%cn|%B").strip()
    parents, author, committer, message = merge.split("|", 3)
    assert len(parents.split()) == 2 and author == "张三" and committer == "李四"
    assert message.startswith("签发案例通报《") and "审核：李四" in message
    assert "审核版" in ws.read(CASE).decode() and git(ws.root, "status", "--porcelain") == ""
    assert ws.api("unpublishedEntries")[1] == []
    # Deleting a published document is the reviewer's decision in a reviewed site.
    assert ws.api("deleteFile", path="content/speeches/2025-transport-top-leader.md", options={})[0] == 403


def test_a_new_entry_under_review_is_checked_and_can_be_withdrawn(reviewed):
    ws = reviewed
    raw = read_entry(ws, CASE).replace("slug: 2025-private-club", "slug: 2026-draft-case").replace("lessons:", "lessons: []\nx_lessons:")
    status, answer = save(ws, "content/cases/2026-draft-case.md", raw, useWorkflow=True)
    assert status == 422 and "警示要点" in answer["error"]
    assert git(ws.root, "branch", "--list", "cms/*").strip() == ""
    good = read_entry(ws, CASE).replace("slug: 2025-private-club", "slug: 2026-draft-case")
    assert save(ws, "content/cases/2026-draft-case.md", good, useWorkflow=True)[0] == 200
    assert ws.api("deleteUnpublishedEntry", collection="cases", slug="2026-draft-case")[0] == 200
    assert git(ws.root, "branch", "--list", "cms/*").strip() == ""


def test_word_upload_becomes_a_prefilled_case(simple):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("XX县某局原副局长XX违规收受购物卡问题的通报", style="Title")
    document.add_heading("基本案情", level=2)
    document.add_paragraph("20XX年X月，XX收受管理服务对象所送购物卡。")
    document.add_heading("处理情况", level=2)
    document.add_paragraph("给予XX党内警告处分。")
    document.add_paragraph("XX区纪委监委")
    document.add_paragraph("2026年11月2日")
    buffer = io.BytesIO()
    document.save(buffer)
    status, result = simple.request("/admin/import?kind=cases&unit=" + quote("XX区纪委监委") + "&name=" + quote("通报.docx"), buffer.getvalue(), {"Content-Type": "application/octet-stream"})
    assert status == 200, result
    assert result["collection"] == "cases"
    prefill = result["prefill"]
    assert prefill["title"] == "XX县某局原副局长XX违规收受购物卡问题的通报"
    assert "## 基本案情" in prefill["body"] and "## 处理情况" in prefill["body"]
    assert prefill["unit"] == "XX区纪委监委" and prefill["date"] == "2026-11-02"
    assert prefill["slug"].startswith("2026-")
    status, answer = simple.request("/admin/import?kind=cases&name=x.exe", b"MZ", {"Content-Type": "application/octet-stream"})
    assert status == 422 and ".docx" in answer["error"]
    status, answer = simple.request("/admin/import?kind=cases&name=x.docx", b"not a zip", {"Content-Type": "application/octet-stream"})
    assert status == 422 and "无法导入" in answer["error"]


def test_config_follows_the_schema_and_the_live_vocabulary(simple):
    from qinglian.content.collections import COLLECTIONS
    from qinglian.content.schema import ListOf, Nested
    from qinglian.workspace.cms_config import form_field_names

    def schema_names(schema, prefix=""):
        names = set()
        for name, spec in schema.fields.items():
            names.add(prefix + name)
            inner = spec.item if isinstance(spec, ListOf) else spec
            if isinstance(inner, Nested):
                names |= schema_names(inner.schema, f"{prefix}{name}.")
        return names

    status, config = simple.request("/admin/config.json")
    assert status == 200 and config["locale"] == "zh_Hans" and config["backend"]["name"] == "proxy"
    for collection in config["collections"]:
        schema = COLLECTIONS[collection["name"]][1]
        expected = schema_names(schema) | {"body"}
        if collection["name"] == "quizzes":
            expected |= {f"questions.{n}" for n in ("question", "options", "answer", "blanks", "points", "explanation", "source")}
        if collection["name"] == "regulations":
            expected |= {"article_map.old", "article_map.new"}
        assert form_field_names(collection["fields"]) == expected, collection["name"]
        for field in collection["fields"]:
            assert field["label"] and not field["label"].isascii(), field
    cases = next(c for c in config["collections"] if c["name"] == "cases")
    topics = next(f for f in cases["fields"] if f["name"] == "topics")
    assert topics["widget"] == "select" and topics["multiple"] and "警示教育" in topics["options"]
    date = next(f for f in cases["fields"] if f["name"] == "date")
    # The workspace's own date widget (workspace.js): 2026年12月6日 on screen, 2026-12-06 in the file, no time zone.
    assert date["widget"] == "qinglian-date" and "picker_utc" not in date
    vocabulary = simple.root / "content/vocabulary.yml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace("topics:\n", "topics:\n  新增专题: new-topic\n", 1), encoding="utf-8")
    topics = next(f for f in next(c for c in simple.request("/admin/config.json")[1]["collections"] if c["name"] == "cases")["fields"] if f["name"] == "topics")
    assert "新增专题" in topics["options"]


def test_the_last_publish_is_shown(simple):
    import datetime as dt

    from qinglian.publish.status import record

    assert simple.request("/admin/status.json")[1]["publish"] is None
    config = simple.root / "mkdocs.yml"
    record(config, 1, ["错误  content/cases/x.md:3: 字段“unit”应为词表中的单位"], dt.datetime(2026, 12, 1, 2, 0).astimezone())
    status = simple.request("/admin/status.json")[1]
    assert status["publish"]["ok"] is False and status["publish"]["when"].startswith("2026年12月1日")
    assert "content/cases/x.md:3" in status["publish"]["messages"][0]
    assert status["user"] == "张三" and status["role"] == "编辑"
    # A site that keeps its caches elsewhere (cache_dir) finds its publish's status there.
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("- qinglian:\n", "- qinglian:\n      cache_dir: .qinglian-cache\n", 1), encoding="utf-8")
    assert "cache_dir: .qinglian-cache" in config.read_text(encoding="utf-8")
    assert simple.request("/admin/status.json")[1]["publish"] is None
    record(config, 0, ["发布完成"], dt.datetime(2026, 12, 2, 2, 0).astimezone())
    assert (simple.root / ".qinglian-cache/last-publish.json").is_file()
    assert simple.request("/admin/status.json")[1]["publish"]["ok"] is True


def test_behind_the_shipped_nginx(simple, tmp_path: Path):
    """scripts/deploy/nginx/qinglian-edit.conf, changed only in port and certificate: sign-in and saves work through it,
    and the origin check still tells the portal's address from another."""
    import http.client
    import subprocess
    import time
    from urllib.parse import urlencode

    from conftest import DEPLOY, NGINX, NGINX_MAIN, free_port

    if not NGINX.exists():
        pytest.skip("nginx is missing: run `apt-get install nginx`.")
    run, port = tmp_path / "nginx", free_port()
    (run / "conf.d").mkdir(parents=True)
    server = (DEPLOY / "nginx/qinglian-edit.conf").read_text(encoding="utf-8")
    server = server.replace("listen 8443 ssl;", f"listen 127.0.0.1:{port};").replace("127.0.0.1:8081", simple.url.removeprefix("http://"))
    server = "\n".join(line for line in server.splitlines() if "ssl_certificate" not in line)
    (run / "conf.d/qinglian.conf").write_text(server, encoding="utf-8")
    (run / "nginx.conf").write_text(NGINX_MAIN.format(run=run), encoding="utf-8")
    process = subprocess.Popen([str(NGINX), "-p", str(run), "-c", str(run / "nginx.conf"), "-e", str(run / "error.log")])
    try:
        origin = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        connection = http.client.HTTPConnection(f"127.0.0.1:{port}", timeout=30)
        connection.request("POST", "/login", urlencode({"name": EDITOR[0], "password": EDITOR[1]}),
                           {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin})
        response = connection.getresponse()
        response.read()
        assert response.status == 303, response.status
        token = response.getheader("Set-Cookie").split(";")[0]
        body = json.dumps({"action": "getEntry", "params": {"branch": "main", "path": CASE}})
        for sender, expected in ((origin, 200), (simple.url, 403), ("http://evil.example", 403)):
            connection.request("POST", "/api/v1", body, {"Content-Type": "application/json", "Cookie": token, "Origin": sender})
            response = connection.getresponse()
            response.read()
            assert response.status == expected, (sender, response.status)
    finally:
        process.kill()
        process.wait()


def run_cli(root: Path, *args: str, stdin: str = "", **env: str):
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "qinglian.cli", *args], cwd=root, input=stdin, capture_output=True, text=True,
                          timeout=120, env={**os.environ, **env})


def test_accounts_and_start_up_messages(repo: Path, tmp_path: Path):
    accounts = {"QINGLIAN_ACCOUNTS_FILE": str(tmp_path / "accounts.json")}
    added = run_cli(repo, "accounts", "add", "赵六", "--role", "reviewer", "--password-stdin", stdin="a-long-password\n", **accounts)
    assert added.returncode == 0 and "赵六" in added.stdout and "审核" in added.stdout
    assert (tmp_path / "accounts.json").stat().st_mode & 0o077 == 0
    assert "a-long-password" not in (tmp_path / "accounts.json").read_text(encoding="utf-8")
    short = run_cli(repo, "accounts", "add", "钱七", "--password-stdin", stdin="short\n", **accounts)
    assert short.returncode == 1 and "至少" not in short.stdout and "8" in short.stderr
    assert run_cli(repo, "accounts", "add", "bad name!", "--password-stdin", stdin="a-long-password\n", **accounts).returncode == 1
    listed = run_cli(repo, "accounts", "list", **accounts)
    assert "赵六\t审核" in listed.stdout
    assert run_cli(repo, "accounts", "remove", "无此人", **accounts).returncode == 1
    assert run_cli(repo, "accounts", "remove", "赵六", **accounts).returncode == 0
    # With no accounts, or without Decap CMS, or outside a git repository, the workspace says what to do and does not start.
    empty = run_cli(repo, "edit", "--port", "0", **accounts)
    assert empty.returncode == 2 and "qinglian accounts add" in empty.stderr
    missing = run_cli(repo, "edit", "--port", "0", QINGLIAN_DECAP_DIR=str(tmp_path / "nowhere"), **accounts)
    assert missing.returncode == 2 and "--install-cms" in missing.stderr
    tampered = tmp_path / "tampered"
    tampered.mkdir()
    (tampered / "decap-cms.js").write_text("alert(1)", encoding="utf-8")
    changed = run_cli(repo, "edit", "--port", "0", QINGLIAN_DECAP_DIR=str(tampered), **accounts)
    assert changed.returncode == 2 and "不一致" in changed.stderr
    plain = tmp_path / "plain"
    plain.mkdir()
    outside = run_cli(plain, "edit", "--port", "0", **accounts)
    assert outside.returncode == 2 and "git" in outside.stderr and "Traceback" not in outside.stderr


def test_a_new_plan_session_is_written_in_the_files_own_style():
    """Issue 37: sessions added in the form came out as [..] flow lists with '15:00', unlike the file."""
    from qinglian.content.frontmatter import split_front_matter
    from qinglian.workspace.roundtrip import merged

    path = REPO / "content/plans/2026-city-commission-study-plan.md"
    original = path.read_bytes()
    front = split_front_matter(original.decode("utf-8"))
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in front.data.items()}
    data["sessions"] = [*data["sessions"], {"date": "2026-12-20", "start": "15:00", "topic": "新的学习", "form": "集中学习",
                                            "readings": ["cases/2025-private-club", "speeches/2025-transport-top-leader"]}]
    raw = "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + front.body
    written = merged(original, raw, path.stem).decode("utf-8")
    added = written[len(original.decode("utf-8").split("\n---\n")[0]):].split("\n---\n")[0]
    assert added == ('\n  - date: 2026-12-20\n    start: "15:00"\n    topic: 新的学习\n    form: 集中学习\n'
                     '    readings:\n      - cases/2025-private-club\n      - speeches/2025-transport-top-leader')


def test_the_preview_endpoint_renders_like_the_site_and_refuses_what_it_must(simple):
    """/admin/render: the body as the site renders it, behind the same login, origin and size checks as /api/v1."""
    body = json.dumps({"markdown": "**要求：**严格执行\n中文换行\n\n<script>alert(1)</script>"}).encode()
    headers = {"Content-Type": "application/json"}
    status, answer = simple.request("/admin/render", json.dumps({"markdown": "**要求：**严格执行\n中文换行"}).encode(), headers)
    assert status == 200 and answer["html"] == "<p><strong>要求：</strong>严格执行中文换行</p>\n"
    status, answer = simple.request("/admin/render", body, headers)
    assert status == 200 and answer["html"] == "" and "script" in answer["problems"][0]
    assert simple.request("/admin/render", body, headers, user=None)[0] == 401
    assert simple.request("/admin/render", body, {**headers, "Origin": "http://evil.example"})[0] == 403
    assert simple.request("/admin/render", b"{not json", headers)[0] == 400
    # A body over the bound is refused from its length, before it is read.
    host, port = simple.url.removeprefix("http://").split(":")
    auth = base64.b64encode(f"{EDITOR[0]}:{EDITOR[1]}".encode()).decode()
    with socket.create_connection((host, int(port))) as huge:
        huge.sendall(f"POST /admin/render HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {20 * 1024 * 1024}\r\n\r\n{{\"markdown\": \"".encode())
        received = b""
        while chunk := huge.recv(4096):
            received += chunk
        assert received.startswith(b"HTTP/1.0 413")
    assert simple.api("info")[0] == 200
