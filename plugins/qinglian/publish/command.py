"""``qinglian publish`` and ``qinglian rollback``, as cron and systemd run them."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from ..atomic import disk_message
from .carried import carry_index_versions
from .manifest import changes, manifest_of, read_manifest, write_manifest
from .releases import Busy, ReleaseStore, UnsafeDestination, check_destination
from .verify import verify_release

# Exit codes, documented for operators in docs/operators/index.md.
OK = 0
CONTENT_ERROR = 1  # the editors fix the content
USAGE_ERROR = 2  # the operator fixes the command or the destination
VERIFY_FAILED = 3
INFRASTRUCTURE = 4  # the operator fixes the machine: disk, cache, permissions
NO_PREVIOUS = 5
INTERNAL_ERROR = 70  # EX_SOFTWARE: a fault in qinglian itself, to be reported
BUSY = 75  # EX_TEMPFAIL: another publish, or a build holding the caches; try again later


def say(message: str) -> None:
    print(message, flush=True)


def complain(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def publish(config_file: Path, dest: Path, keep: int, wait_seconds: float) -> int:
    """``dest`` as the operator gave it: a link there is checked before it is followed."""
    if not config_file.is_file():
        complain(f"找不到配置文件 {config_file}。")
        return USAGE_ERROR
    if keep < 2:
        complain("--keep 至少为 2，才能回退到上一版本。")
        return USAGE_ERROR
    return _exclusively(dest, wait_seconds, lambda store: _publish_locked(config_file, store, keep))


def _exclusively(dest: Path, wait_seconds: float, action: Callable[[ReleaseStore], int]) -> int:
    try:
        check_destination(dest)
        store = ReleaseStore(dest.resolve())
        with store.locked(wait_seconds):
            check_destination(store.dest)
            return action(store)
    except UnsafeDestination as exc:
        complain(f"没有执行：{exc}")
        return USAGE_ERROR
    except Busy as busy:
        complain(f"另一次发布或回退正在进行（{busy or '进程信息不可用'}），本次没有执行。请稍后再试。")
        return BUSY
    except OSError as exc:
        complain(f"没有执行：{disk_message(exc)}。正在使用的网站没有改变。")
        return INFRASTRUCTURE


def _publish_locked(config_file: Path, store: ReleaseStore, keep: int) -> int:
    # Imported here so `qinglian rollback` works even when the engine cannot start.
    from ..engine import CachesBusy, ContentRejected, InfrastructureProblem, build_site, log_to_stderr

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
    except CachesBusy as exc:
        shutil.rmtree(build_dir, ignore_errors=True)
        complain(f"发布没有执行：{exc}")
        return BUSY
    except InfrastructureProblem as exc:
        shutil.rmtree(build_dir, ignore_errors=True)
        complain(f"发布失败（不是内容问题，需要运维人员处理）：{str(exc)[:300]}")
        complain("正在使用的网站没有改变。")
        return INFRASTRUCTURE
    except OSError as exc:
        shutil.rmtree(build_dir, ignore_errors=True)
        complain(f"发布失败：{disk_message(exc)}。正在使用的网站没有改变。")
        return INFRASTRUCTURE
    except Exception as exc:  # noqa: BLE001 - any crash must leave the live site alone and say so
        shutil.rmtree(build_dir, ignore_errors=True)
        complain(f"发布失败：程序内部错误（{exc.__class__.__name__}: {str(exc)[:300]}），请把这条信息报告给开发人员。正在使用的网站没有改变。")
        return INTERNAL_ERROR

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

    previous_id = store.current_id()
    try:
        kept, refused = carry_index_versions(store.releases / previous_id if previous_id else None, build_dir, loaded.withheld)
    except OSError as exc:
        shutil.rmtree(build_dir, ignore_errors=True)
        complain(f"发布失败：{disk_message(exc)}。正在使用的网站没有改变。")
        return INFRASTRUCTURE
    if kept:
        say(f"  保留了上一版本的搜索索引（{'、'.join(kept)}），发布时已打开的页面可以继续搜索。")
    if refused:
        say(f"  没有保留含有已撤下文档的旧搜索索引（{'、'.join(refused)}）。")
    manifest = manifest_of(loaded.corpus.documents, report.pages)
    previous = read_manifest(store.manifest_path(previous_id)) if previous_id else None
    try:
        write_manifest(store.manifest_path(release_id), manifest)
        store.finish(release_id, build_dir)
        say(f"[3/4] 正在切换到 releases/{release_id}")
        store.switch(release_id)
    except OSError as exc:
        shutil.rmtree(build_dir, ignore_errors=True)
        complain(f"发布失败：切换版本时出错（{disk_message(exc)}）。正在使用的网站没有改变。")
        return INFRASTRUCTURE

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
    return _exclusively(dest, wait_seconds, _rollback_locked)


def _rollback_locked(store: ReleaseStore) -> int:
    store.clean_up()
    current, previous = store.current_id(), store.previous_id()
    if previous is None:
        complain(f"无法回退：{store.dest} 中没有在当前版本（{current or '无'}）之前上线、且未被回退过的版本。")
        return NO_PREVIOUS
    store.switch(previous, "rollback")
    say(f"已回退：现在使用 releases/{previous}（原为 releases/{current}）。")
    say("下一次发布会生成新的版本；若问题出在内容上，请先修正内容。")
    return OK
