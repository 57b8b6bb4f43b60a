"""`qinglian publish` and `qinglian rollback` behind real nginx: failures never touch the live site."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import resource
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import EXAMPLE_BUILD_DATE, Project
from qinglian.publish.releases import ReleaseStore

# Pages whose bytes are compared through nginx before and after a failed publish.
PROBED = ["", "speeches/", "calendar/2026-11/", "calendar/feeds/all.ics", "search-index/meta.json", "sitemap.xml"]


def publish(portal: Project, dest: Path, *extra: str, build_date: str = EXAMPLE_BUILD_DATE, **popen: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qinglian.cli", "publish", "--dest", str(dest), *extra],
        cwd=portal.root,
        env=publish_env(build_date),
        capture_output=True,
        text=True,
        timeout=300,
        **popen,  # type: ignore[call-overload]
    )


def publish_env(build_date: str) -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_BUILD_DATE": build_date}


def rollback(dest: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qinglian.cli", "rollback", "--dest", str(dest)], capture_output=True, text=True, timeout=60)


def served(url: str) -> dict[str, str]:
    """SHA-256 of what nginx serves for each probed address."""
    digests = {}
    for path in PROBED:
        with urllib.request.urlopen(url + path, timeout=10) as response:
            digests[path] = hashlib.sha256(response.read()).hexdigest()
    return digests


def tree(dest: Path) -> dict[str, str]:
    """SHA-256 of every file of the live release, by path."""
    root = (dest / "current").resolve()
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def live(portal: Project, tmp_path: Path, nginx_factory):
    """The example portal published once and served by nginx."""
    dest = tmp_path / "www"
    first = publish(portal, dest)
    assert first.returncode == 0, first.stderr
    assert "这是首次发布。" in first.stdout
    server = nginx_factory(dest)
    return dest, server.url


def assert_untouched(dest: Path, url: str, before_tree: dict[str, str], before_served: dict[str, str], current: str) -> None:
    assert os.readlink(dest / "current") == current
    assert tree(dest) == before_tree
    assert served(url) == before_served


def test_publish_again_prints_what_changed(portal: Project, live):
    dest, url = live
    speech = portal.root / "content/speeches/2024-eight-rules-deployment.md"
    speech.write_text(speech.read_text(encoding="utf-8").replace("同志们：", "同志们：\n\n（根据会议录音整理）"), encoding="utf-8")
    # Withdrawn by date rather than deleted: plans still name it, which only warns.
    withdrawn = portal.root / "content/cases/2024-banquet-in-canteen.md"
    withdrawn.write_text(withdrawn.read_text(encoding="utf-8").replace("\ndate:", "\nexpire_date: 2026-11-01\ndate:", 1), encoding="utf-8")
    new_case = (portal.root / "content/cases/2025-private-club.md").read_text(encoding="utf-8")
    portal.write("content/cases/2025-new-case.md", new_case.replace("违规出入私人会所", "违规收受购物卡"))
    result = publish(portal, dest)
    assert result.returncode == 0, result.stderr
    assert "新增 1 篇：\n    cases/2025-new-case" in result.stdout
    assert "撤下 1 篇：\n    cases/2024-banquet-in-canteen" in result.stdout
    assert "更新 1 篇：\n    speeches/2024-eight-rules-deployment" in result.stdout
    assert "违规收受购物卡" in urllib.request.urlopen(url + "cases/", timeout=10).read().decode("utf-8")
    assert len(ReleaseStore(dest).release_ids()) == 2


def test_broken_content_fails_and_the_site_stays(portal: Project, live):
    dest, url = live
    before_tree, before_served, current = tree(dest), served(url), os.readlink(dest / "current")
    case = portal.root / "content/cases/2025-private-club.md"
    case.write_text(case.read_text(encoding="utf-8").replace("discipline: 生活纪律", "discipline: 生活记律"), encoding="utf-8")
    result = publish(portal, dest)
    assert result.returncode == 1
    assert "content/cases/2025-private-club.md:" in result.stderr and "生活记律" in result.stderr
    assert "正在使用的网站没有改变" in result.stderr and "Traceback" not in result.stderr
    assert_untouched(dest, url, before_tree, before_served, current)
    assert ReleaseStore(dest).release_ids() == [Path(current).name]
    assert not list((dest / "releases").glob("*.building"))


def test_full_disk_during_build_fails_and_the_site_stays(portal: Project, live):
    dest, url = live
    before_tree, before_served, current = tree(dest), served(url), os.readlink(dest / "current")

    def small_disk() -> None:
        # Writing past 64 KB fails as a full disk would (EFBIG instead of ENOSPC).
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    result = publish(portal, dest, preexec_fn=small_disk)
    assert result.returncode == 4, result.stderr
    assert "磁盘空间不足" in result.stderr and "Traceback" not in result.stderr
    assert_untouched(dest, url, before_tree, before_served, current)
    assert not list((dest / "releases").glob("*.building"))


@pytest.mark.parametrize("stage", ["[1/4]", "building", "[2/4]", "[3/4]"])
def test_kill_9_midway_leaves_the_site_and_the_next_publish_succeeds(portal: Project, live, stage: str):
    dest, url = live
    before_tree, before_served, current = tree(dest), served(url), os.readlink(dest / "current")
    speech = portal.root / "content/speeches/2024-eight-rules-deployment.md"
    speech.write_text(speech.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "qinglian.cli", "publish", "--dest", str(dest)],
        cwd=portal.root,
        env=publish_env(EXAMPLE_BUILD_DATE),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    marker = "[1/4]" if stage == "building" else stage
    for line in process.stdout:
        if marker in line:
            break
    if stage == "building":
        # Well into the build: the release directory is being written.
        building = list((dest / "releases").glob("*.building"))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(b.joinpath("assets").exists() for b in building):
            time.sleep(0.05)
            building = list((dest / "releases").glob("*.building"))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    if stage == "[3/4]":
        # Killed around the switch: readers get the old release or the new one, whole.
        switched = os.readlink(dest / "current") != current
        if not switched:
            assert_untouched(dest, url, before_tree, before_served, current)
    else:
        assert_untouched(dest, url, before_tree, before_served, current)
    if stage in ("[1/4]", "building", "[2/4]"):
        assert list((dest / "releases").glob("*.building")), "the killed run left its half-built release"

    again = publish(portal, dest)
    assert again.returncode == 0, again.stderr
    assert not list((dest / "releases").glob("*.building"))
    assert "补充说明" in urllib.request.urlopen(url + "speeches/2024-eight-rules-deployment/", timeout=10).read().decode("utf-8")


def test_rollback_switches_to_the_previous_release(portal: Project, live):
    dest, url = live
    first_tree, first_served, first = tree(dest), served(url), os.readlink(dest / "current")
    speech = portal.root / "content/speeches/2024-eight-rules-deployment.md"
    speech.write_text(speech.read_text(encoding="utf-8") + "\n第二版新增的一段。\n", encoding="utf-8")
    assert publish(portal, dest).returncode == 0
    assert os.readlink(dest / "current") != first
    result = rollback(dest)
    assert result.returncode == 0, result.stderr
    assert f"现在使用 {first}" in result.stdout
    assert os.readlink(dest / "current") == first
    assert tree(dest) == first_tree and served(url) == first_served
    # Nothing older is left to go back to.
    assert rollback(dest).returncode == 5


def test_second_publish_waits_or_says_why_not(portal: Project, live):
    dest, _ = live
    with ReleaseStore(dest).locked():
        result = publish(portal, dest)
    assert result.returncode == 75
    assert "另一次发布或回退正在进行" in result.stderr and f"进程 {os.getpid()}" in result.stderr


def test_old_releases_are_pruned(portal: Project, live):
    dest, _ = live
    speech = portal.root / "content/speeches/2024-eight-rules-deployment.md"
    for number in range(2):
        # A change each time: a publish without one makes no release at all.
        speech.write_text(speech.read_text(encoding="utf-8") + f"\n第{number + 2}版补充的一段。\n", encoding="utf-8")
        assert publish(portal, dest, "--keep", "2").returncode == 0
    store = ReleaseStore(dest)
    assert len(store.release_ids()) == 2
    assert store.current_id() == store.release_ids()[-1]
    assert sorted(p.stem for p in (dest / "manifests").glob("*.json")) == store.release_ids()


def test_verification_finds_leaks_broken_links_and_bad_indexes(project: Project, tmp_path: Path):
    from conftest import speech
    from qinglian.content.loader import load_content
    from qinglian.publish.verify import verify_release

    project.write("content/speeches/2024-draft.md", speech(title="尚未定稿的“讲话”", draft="true").replace("讲话正文。", "这一句只在草稿里出现过的很长的句子。"))
    loaded = load_content(project.root / "content", project.root, today=dt.date(2024, 6, 1))
    site = tmp_path / "site"
    pages = site / "search-index/v-0123456789abcdef/p"
    pages.mkdir(parents=True)
    (site / "index.html").write_text('<a href="speeches/">列表</a><p>尚未定稿的&ldquo;讲话&rdquo;</p>', encoding="utf-8")
    # The index keeps each page's text in JSON, Chinese escaped or not.
    shown = {"url": "x/", "title": "x", "collection": "", "date": "", "text": "这一句只在草稿里出现过的很长的句子"}
    (pages / "0.json").write_text(json.dumps(shown), encoding="utf-8")
    (site / "calendar").mkdir()
    (site / "calendar/all.ics").write_text("not a calendar", encoding="utf-8")
    problems = verify_release(
        site,
        {"speeches/2024-warning": "speeches/2024-warning/index.html"},
        loaded.withheld,
        {"speeches/2024-draft": "speeches/2024-draft/index.html"},
        ["search-index/meta.json"],
        ["calendar/all.ics"],
    )
    assert "speeches/2024-warning/index.html：文档 speeches/2024-warning 的页面缺失" in problems
    assert "站内链接无法打开：index.html: speeches/" in problems
    assert any(p.startswith("index.html：含有未发布文档 speeches/2024-draft 的“尚未定稿的“讲话”") for p in problems)
    assert any(p.startswith("search-index/v-0123456789abcdef/p/0.json：含有未发布文档 speeches/2024-draft") for p in problems)
    assert any(p.startswith("search-index/meta.json：搜索索引缺失或无法解析") for p in problems)
    assert any(p.startswith("calendar/all.ics：日历订阅缺失或无法解析") for p in problems)


def git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-c", "user.name=编辑", "-c", "user.email=editor@example.invalid", *args], cwd=root, capture_output=True, text=True, check=True)


def test_a_publish_with_no_change_makes_no_new_release(portal: Project, live):
    dest, _ = live
    before = ReleaseStore(dest).release_ids()
    result = publish(portal, dest)
    assert result.returncode == 0, result.stderr
    assert "内容没有变化" in result.stdout and "没有生成新版本" in result.stdout
    assert ReleaseStore(dest).release_ids() == before


def test_the_readers_address_comes_from_the_command_line_or_the_environment(portal: Project, tmp_path: Path):
    dest = tmp_path / "www"
    config_before = (portal.root / "mkdocs.yml").read_bytes()
    result = publish(portal, dest, "--site-url", "http://lianzheng.example.internal/xx/")
    assert result.returncode == 0, result.stderr
    feed = (dest / "current/calendar/feeds/all.ics").read_text(encoding="utf-8")
    assert "http://lianzheng.example.internal/xx/" in feed.replace("\r\n ", "")
    assert (portal.root / "mkdocs.yml").read_bytes() == config_before
    env = {**publish_env(EXAMPLE_BUILD_DATE), "QINGLIAN_SITE_URL": "http://other.example.internal/"}
    again = subprocess.run([sys.executable, "-m", "qinglian.cli", "publish", "--dest", str(dest)], cwd=portal.root, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "http://other.example.internal/" in (dest / "current/calendar/feeds/all.ics").read_text(encoding="utf-8").replace("\r\n ", "")


def test_a_failed_git_pull_has_its_own_exit_code_and_publishes_nothing(portal: Project, tmp_path: Path):
    upstream = portal.root
    git(upstream, "init", "-q")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-qm", "内容")
    server = tmp_path / "server"
    git(tmp_path, "clone", "-q", str(upstream), str(server))
    # The operator edited mkdocs.yml on the server; an editor then changed it in the repository.
    config = server / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("site_url: http://127.0.0.1:8000/", "site_url: http://lz.example.internal/"), encoding="utf-8")
    upstream_config = upstream / "mkdocs.yml"
    upstream_config.write_text(upstream_config.read_text(encoding="utf-8").replace("site_name: ", "site_name: 新"), encoding="utf-8")
    git(upstream, "commit", "-qam", "改站名")
    dest = tmp_path / "www"
    result = subprocess.run(
        [sys.executable, "-m", "qinglian.cli", "publish", "--pull", "--dest", str(dest)],
        cwd=server, env=publish_env(EXAMPLE_BUILD_DATE), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 6, result.stderr
    assert "git pull 失败" in result.stderr and "--site-url" in result.stderr and "Traceback" not in result.stderr
    assert not dest.exists() or not ReleaseStore(dest).release_ids()


def test_the_cron_line_creates_its_log_folder_and_publishes(portal: Project, tmp_path: Path):
    cron = (Path(__file__).resolve().parent.parent / "scripts/deploy/cron/qinglian").read_text(encoding="utf-8")
    line = next(line for line in cron.splitlines() if line.startswith("0 2 * * *"))
    command = line.split(None, 6)[6]
    srv = tmp_path / "srv"
    repo = srv / "repo"
    repo.parent.mkdir(parents=True)
    portal.root.rename(repo)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "内容")
    bare = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    git(repo, "remote", "add", "origin", str(bare))
    git(repo, "fetch", "-q", "origin")
    git(repo, "branch", "-q", "--set-upstream-to", f"origin/{git(repo, 'branch', '--show-current').stdout.strip()}")
    (repo / ".venv").symlink_to(Path(sys.executable).resolve().parent.parent if (Path(sys.executable).parent.parent / "bin/qinglian").exists() else Path(sys.prefix))
    variables = dict(line.split("=", 1) for line in cron.splitlines() if re.match(r"^[A-Z_]+=", line))
    # The server's own settings, as scripts/deploy/publish.toml ships them, installed for this test's /srv.
    settings = tmp_path / "publish.toml"
    shipped = (Path(__file__).resolve().parent.parent / "scripts/deploy/publish.toml").read_text(encoding="utf-8")
    settings.write_text(shipped.replace("/srv/qinglian", str(srv)), encoding="utf-8")
    site_url = re.search(r'^site_url = "(.*)"$', shipped, re.M).group(1)
    env = {**publish_env(EXAMPLE_BUILD_DATE), **variables, "QINGLIAN_SERVER_SETTINGS": str(settings)}
    env.pop("QINGLIAN_SITE_URL", None)
    result = subprocess.run(["sh", "-c", command.replace("/srv/qinglian", str(srv))], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (srv / "log/publish.log").read_text(encoding="utf-8") if (srv / "log/publish.log").exists() else result.stderr
    log = (srv / "log/publish.log").read_text(encoding="utf-8")
    assert "发布完成" in log
    assert site_url in (srv / "www/current/calendar/feeds/all.ics").read_text(encoding="utf-8").replace("\r\n ", "")
    assert "--pull" not in command and "--dest" not in command
    unit = (Path(__file__).resolve().parent.parent / "scripts/deploy/systemd/qinglian-publish.service").read_text(encoding="utf-8")
    start = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    assert "LogsDirectory=qinglian" in unit and "CacheDirectory=qinglian" in unit
    # The workspace commits in this repository: neither the timer nor cron pulls (the workspace's guidance).
    assert "--pull" not in start and "--wait 600" in start and "QINGLIAN_SITE_URL" not in unit
