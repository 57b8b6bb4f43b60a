"""``qinglian publish`` and ``qinglian rollback``, as cron and systemd run them."""

from __future__ import annotations

import datetime as dt
import errno
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from .manifest import changes, manifest_of, read_manifest, write_manifest
from .releases import Busy, ReleaseStore
from .verify import verify_release

# Exit codes, documented for operators in docs/operators/index.md.
OK = 0
CONTENT_ERROR = 1
USAGE_ERROR = 2
VERIFY_FAILED = 3
BUILD_FAILED = 4
NO_PREVIOUS = 5
BUSY = 75  # EX_TEMPFAIL: try again later


def say(message: str) -> None:
    print(message, flush=True)


def complain(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def publish(config_file: Path, dest: Path, keep: int, wait_seconds: float) -> int:
    if not config_file.is_file():
        complain(f"找不到配置文件 {config_file}。")
        return USAGE_ERROR
    if keep < 2:
        complain("--keep 至少为 2，才能回退到上一版本。")
        return USAGE_ERROR
    store = ReleaseStore(dest)
    return _exclusively(store, wait_seconds, lambda: _publish_locked(config_file, store, keep))


def _exclusively(store: ReleaseStore, wait_seconds: float, action: Callable[[], int]) -> int:
    try:
        with store.locked(wait_seconds):
            return action()
    except Busy as busy:
        complain(f"另一次发布或回退正在进行（{busy or '进程信息不可用'}），本次没有执行。请稍后再试。")
        return BUSY


def _publish_locked(config_file: Path, store: ReleaseStore, keep: int) -> int:
    # Imported here so `qinglian rollback` works even when the engine cannot start.
    from ..engine import ContentRejected, build_site, log_to_stderr

    for leftover in store.clean_up():
        say(f"清理了上次中断留下的 releases/{leftover}")
    release_id, build_dir = store.new_build_dir(dt.datetime.now().astimezone())
    say(f"[1/4] 正在生成网站：releases/{build_dir.name}")
    log_to_stderr()
    try:
        report = build_site(config_file, build_dir)
    except ContentRejected as exc:
        shutil.rmtree(build_dir, ignore_errors=True)
        complain(f"发布失败：{exc}")
        complain("正在使用的网站没有改变。")
        return CONTENT_ERROR
    except OSError as exc:
        shutil.rmtree(build_dir, ignore_errors=True)
        reason = "磁盘空间不足" if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) else "写入文件失败"
        complain(f"发布失败：{reason}（{exc}）。正在使用的网站没有改变。")
        return BUILD_FAILED
    except Exception as exc:  # noqa: BLE001 - any crash must leave the live site alone and say so
        shutil.rmtree(build_dir, ignore_errors=True)
        complain(f"发布失败：生成网站时出错（{exc.__class__.__name__}: {exc}）。正在使用的网站没有改变。")
        return BUILD_FAILED

    say("[2/4] 正在校验")
    loaded = report.loaded
    problems = verify_release(
        build_dir,
        report.pages,
        loaded.withheld,
        report.withheld_pages,
        report.search_indexes,
        report.feeds,
        urlsplit(report.site_url).path or "/",
        report.theme_scripts,
    )
    if problems:
        shutil.rmtree(build_dir, ignore_errors=True)
        complain("发布失败：新版本没有通过校验：")
        for problem in problems:
            complain(f"  {problem}")
        complain("正在使用的网站没有改变。")
        return VERIFY_FAILED

    manifest = manifest_of(loaded.corpus.documents, report.pages)
    previous_id = store.current_id()
    previous = read_manifest(store.manifest_path(previous_id)) if previous_id else None
    try:
        write_manifest(store.manifest_path(release_id), manifest)
        store.finish(release_id, build_dir)
        say(f"[3/4] 正在切换到 releases/{release_id}")
        store.switch(release_id)
    except OSError as exc:
        shutil.rmtree(build_dir, ignore_errors=True)
        complain(f"发布失败：切换版本时出错（{exc}）。正在使用的网站没有改变。")
        return BUILD_FAILED

    say("[4/4] 正在清理旧版本")
    for removed in store.prune(keep):
        say(f"  删除了 releases/{removed}")
    say(f"发布完成：releases/{release_id}，共 {len(manifest)} 篇文档，{len(loaded.withheld)} 篇未发布（草稿、定时或已撤下）。")
    if previous is None:
        say("这是首次发布。" if previous_id is None else f"上一版本 releases/{previous_id} 没有清单，无法比较变化。")
    else:
        say(f"与上一版本 releases/{previous_id} 相比：")
        for line in changes(previous, manifest).describe():
            say(f"  {line}")
    return OK


def rollback(dest: Path, wait_seconds: float) -> int:
    store = ReleaseStore(dest)
    return _exclusively(store, wait_seconds, lambda: _rollback_locked(store, dest))


def _rollback_locked(store: ReleaseStore, dest: Path) -> int:
    store.clean_up()
    current, previous = store.current_id(), store.previous_id()
    if previous is None:
        complain(f"无法回退：{dest} 中没有比当前版本（{current or '无'}）更早的版本。")
        return NO_PREVIOUS
    store.switch(previous)
    say(f"已回退：现在使用 releases/{previous}（原为 releases/{current}）。")
    say("下一次发布会生成新的版本；若问题出在内容上，请先修正内容。")
    return OK
