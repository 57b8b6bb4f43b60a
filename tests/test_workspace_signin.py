"""Sign-in that one person cannot lock for all, failures counted before the hash, and sessions that end when they should."""

from __future__ import annotations

import base64
import json
import threading
from pathlib import Path

import pytest

from test_workspace_protocol import login
from workspace_fixtures import EDITOR, REVIEWER, example_repository, running_workspace


@pytest.fixture
def ws(tmp_path: Path):
    with running_workspace(example_repository(tmp_path / "portal"), review=False) as running:
        yield running


def api_from(ws, user, address: str) -> int:
    auth = base64.b64encode(f"{user[0]}:{user[1]}".encode()).decode()
    body = json.dumps({"action": "info", "params": {}}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Basic {auth}", "X-Forwarded-For": f"6.6.6.6, {address}"}
    try:
        return ws.request("/api/v1", body, headers, user=None)[0]
    except OSError:
        # Over the server's bound on connections: told to come back (503), or cut off while sending.
        return 503


def test_five_wrong_passwords_from_one_reader_lock_only_that_reader_and_name(ws):
    for _ in range(5):
        assert api_from(ws, (EDITOR[0], "wrong-password"), "10.0.0.1") == 401
    # Locked: even the right password from that address, for that name.
    assert api_from(ws, EDITOR, "10.0.0.1") == 401
    # Behind the shipped nginx every request comes from 127.0.0.1: other readers and other names are not locked.
    assert api_from(ws, EDITOR, "10.0.0.2") == 200
    assert api_from(ws, REVIEWER, "10.0.0.1") == 200


def test_one_address_trying_many_names_is_stopped(ws):
    for number in range(20):
        assert api_from(ws, (f"名字{number}", "wrong-password"), "10.0.0.9") == 401
    assert api_from(ws, REVIEWER, "10.0.0.9") == 401
    assert api_from(ws, REVIEWER, "10.0.0.8") == 200


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(ws):
    from qinglian.workspace.server import WorkspaceServer

    server = next(o for o in __import__("gc").get_objects() if isinstance(o, WorkspaceServer) and o.workspace.store.root == ws.root)
    server.trusted_proxies = frozenset()
    for number in range(5):
        assert api_from(ws, (EDITOR[0], "wrong-password"), f"10.0.1.{number}") == 401
    # The forged addresses did not count as five readers: the peer (127.0.0.1) is locked for this name.
    assert api_from(ws, EDITOR, "10.0.2.1") == 401


def test_parallel_guesses_are_counted_before_hashing_and_bounded(ws, monkeypatch):
    from qinglian.workspace import accounts

    hashed, running, peak = [], [0], [0]
    real = accounts.password_matches
    lock = threading.Lock()

    def counting(password: str, stored: str) -> bool:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        try:
            hashed.append(password)
            return real(password, stored)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(accounts, "password_matches", counting)
    results = []
    guesses = [(EDITOR[0], f"guess-{n}") for n in range(99)] + [EDITOR]
    threads = [threading.Thread(target=lambda g=g: results.append((g, api_from(ws, g, "10.0.0.5")))) for g in guesses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(hashed) <= 5, len(hashed)
    assert peak[0] <= 2
    assert dict(results)[EDITOR] in (401, 503)
    assert all(status in (401, 503) for _, status in results)


def test_a_password_reset_or_removal_ends_existing_sessions(ws):
    from qinglian.workspace.accounts import AccountBook, accounts_file

    book = AccountBook(accounts_file(ws.root))
    changes = ((EDITOR, lambda: book.add(EDITOR[0], "a-new-password", "editor")), (REVIEWER, lambda: book.remove(REVIEWER[0])))
    for user, change in changes:
        status, cookie = login(ws, user)
        assert status == 303 and cookie, user
        token = cookie.split(";")[0]
        assert ws.request("/admin/status.json", headers={"Cookie": token}, user=None)[0] == 200
        change()
        assert ws.request("/admin/status.json", headers={"Cookie": token}, user=None)[0] == 401


def test_sessions_have_an_absolute_lifetime(monkeypatch):
    from qinglian.workspace import sessions

    clock = [1000.0]
    monkeypatch.setattr(sessions.time, "monotonic", lambda: clock[0])
    store = sessions.SessionStore()
    token = store.open("张三", "hash")
    for _ in range(5):
        clock[0] += 6 * 3600  # used every six hours: never idle for eight
        if clock[0] - 1000 <= sessions.LIFETIME_SECONDS:
            assert store.session_of(token).name == "张三"
    assert store.session_of(token) is None


def test_the_sign_in_page_shows_only_its_own_messages(ws):
    from urllib.parse import quote

    status, page = ws.request("/login?error=" + quote("请拨打 400-123 领取奖品"), user=None)
    assert status == 200 and "领取奖品" not in page.decode()
    status, page = ws.request("/login?error=failed", user=None)
    assert "账户名或密码不正确" in page.decode()
