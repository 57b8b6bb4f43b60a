"""``qinglian publish`` and ``qinglian rollback``, as cron and systemd run them."""

from __future__ import annotations

import datetime as dt
import filecmp
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from ..atomic import disk_message
from ..site_config import read_site_config
from ..cache_store import CacheError
from ..engines import EngineError, activate, default, named
from .carried import carry_index_versions
from .committed import CommittedTreeError, committed_tree
from .manifest import changes, manifest_of, read_manifest, write_manifest
from .settings import SettingsError, local_site_url, read_settings, settings_path
from .status import record as record_status
from .releases import Busy, ReleaseStore, UnsafeDestination, check_destination
from ..incremental.linked_release import LinkedRelease, page_files
from .page_record import ReleaseRecord, read_record, write_record
from .verify import PageLinks, probes, verify_release

# Exit codes, documented for operators in docs/operators/troubleshooting.md.
OK = 0
CONTENT_ERROR = 1  # the editors fix the content
USAGE_ERROR = 2  # the operator fixes the command or the destination
VERIFY_FAILED = 3
INFRASTRUCTURE = 4  # the operator fixes the machine: disk, cache, permissions
NO_PREVIOUS = 5
GIT_FAILED = 6  # git pull failed, or the branch to publish could not be read; nothing was built
INTERNAL_ERROR = 70  # EX_SOFTWARE: a fault in qinglian itself, to be reported
BUSY = 75  # EX_TEMPFAIL: another publish, or a build holding the caches; try again later


# What this run said that the editors' workspace shows (problems, in the order said).
_said: list[str] = []


def say(message: str) -> None:
    print(message, flush=True)


def complain(message: str) -> None:
    _said.append(message)
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class PublishOptions:
    keep: int = 5
    wait_seconds: float = 0
    # The address readers use, when it is not the one in mkdocs.yml (per server: command line or environment).
    site_url: str | None = None
    # Run ``git pull --ff-only`` in the repository first.
    pull: bool = False
    # "properdocs" or "mkdocs"; empty: ProperDocs where it is installed (engines.default()).
    engine: str = ""
    # Write and read every file, ignoring what the live release recorded (``page_record``).
    full: bool = False


def publish_as_configured(config_file: Path, dest: Path | None, options: PublishOptions) -> int:
    """``qinglian publish``: the command line, then the environment, then this server's settings file, then mkdocs.yml."""
    try:
        settings = read_settings()
    except SettingsError as exc:
        complain(f"发布没有执行：{exc}")
        return USAGE_ERROR
    dest = dest if dest is not None else settings.dest
    if dest is None:
        complain(f"发布没有执行：不知道发布到哪里。请用 --dest 指定发布目录，或在本服务器的发布设置文件 {settings.path} 中写 dest = \"/srv/qinglian/www\"。")
        return USAGE_ERROR
    options = replace(
        options,
        keep=options.keep or settings.keep or 5,
        site_url=options.site_url or settings.site_url,
        engine=options.engine or settings.engine or "",
    )
    return publish(config_file, dest.absolute(), options, settings.path)


def publish(config_file: Path, dest: Path, options: PublishOptions, settings: Path | None = None) -> int:
    """``dest`` as the operator gave it: a link there is checked before it is followed."""
    started = dt.datetime.now().astimezone()
    _said.clear()
    # The build's own errors and warnings name the files; the workspace shows them to editors.
    try:
        engine = named(options.engine) if options.engine else default()
        activate(engine)
    except EngineError as exc:
        complain(f"发布没有执行：{exc}。")
        return USAGE_ERROR
    heard = _Heard()
    engine.logger().addHandler(heard)
    try:
        code = _refuse_local_site_url(config_file, options, settings or settings_path())
        code = code if code is not None else _publish(config_file, dest, options)
    finally:
        engine.logger().removeHandler(heard)
    if config_file.is_file():
        record_status(config_file, code, list(_said), started)
    return code


def _refuse_local_site_url(config_file: Path, options: PublishOptions, settings: Path) -> int | None:
    """A release whose feeds and links point at the development address reaches readers as broken: refuse it."""
    if options.site_url or not config_file.is_file():
        effective, source = options.site_url, "--site-url 或环境变量 QINGLIAN_SITE_URL"
    else:
        try:
            effective = str((read_site_config(config_file) or {}).get("site_url") or "")
        except Exception:  # noqa: BLE001 - mkdocs.yml's own problems are reported by the build
            return None
        source = f"{config_file.name} 中的 site_url"
    if not local_site_url(effective):
        return None
    complain(f"发布没有执行：读者访问的网站地址（site_url）仍是只有本机能打开的“{effective or '（空）'}”（来自{source}），"
             f"发布后日历订阅和页面中的链接都会指向它。请在本服务器的发布设置文件 {settings} 中写 site_url = \"http://读者使用的地址/\"，"
             "或用 --site-url、环境变量 QINGLIAN_SITE_URL 指定。")
    return USAGE_ERROR


class _Heard(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        _said.append(f"{'错误' if record.levelno >= logging.ERROR else '警告'}  {record.getMessage()}"[:1000])


def _publish(config_file: Path, dest: Path, options: PublishOptions) -> int:
    if not config_file.is_file():
        complain(f"找不到配置文件 {config_file}。")
        return USAGE_ERROR
    if options.keep < 2:
        complain("--keep 至少为 2，才能回退到上一版本。")
        return USAGE_ERROR
    if options.pull:
        failed = pull(config_file.parent)
        if failed:
            complain(f"发布没有执行：git pull 失败。{failed}")
            return GIT_FAILED
    return _exclusively(dest, options.wait_seconds, lambda store: _publish_locked(config_file, store, options))


def pull(repository: Path) -> str | None:
    """``git pull --ff-only`` in ``repository``; None when it worked, else what to do about it."""
    try:
        result = subprocess.run(
            ["git", "-C", str(repository), "pull", "--ff-only", "-q"], capture_output=True, text=True, timeout=600,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"无法运行 git（{exc.__class__.__name__}）。"
    if result.returncode == 0:
        return None
    said = " ".join(line.strip() for line in (result.stderr or result.stdout).splitlines() if line.strip())[:300]
    if "local changes" in said or "would be overwritten" in said:
        advice = ("服务器上的仓库有本地修改（常见的是改了 mkdocs.yml 中的 site_url）。请用 git status 查看，"
                  "用 git checkout -- <文件> 撤销修改；每台服务器不同的设置请用 qinglian publish --site-url 或环境变量 QINGLIAN_SITE_URL。")
    elif "Not possible to fast-forward" in said or "diverge" in said:
        advice = "服务器上的仓库有本地提交，与编辑提交的内容分叉了。请用 git log 查看并处理后再发布。"
    else:
        advice = "请检查网络和仓库地址，或手工运行 git pull 查看原因。"
    return f"{advice}（git 的原始输出：{said}）"


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


def _publish_locked(config_file: Path, store: ReleaseStore, options: PublishOptions) -> int:
    # Imported here so `qinglian rollback` works even when the engine cannot start.
    from ..engine import CachesBusy, ContentRejected, InfrastructureProblem, build_site, log_to_stderr

    for leftover in store.clean_up():
        say(f"清理了上次中断留下的 releases/{leftover}")
    release_id, build_dir = store.new_build_dir(dt.datetime.now().astimezone())
    previous_id = store.current_id()
    live = None if options.full or previous_id is None else read_record(store.record_path(previous_id))
    linked = LinkedRelease(store.releases / previous_id, live.pages) if live is not None and previous_id else LinkedRelease()
    say(f"[1/4] 正在生成网站：releases/{build_dir.name}")
    try:
        # Only what was committed (signed off) is built, never the working tree as it is.
        source = committed_tree(config_file, say)
        log_to_stderr()
        report = build_site(source.config_file, build_dir, options.site_url, linked, full=options.full, dest=store.dest)
    except CommittedTreeError as exc:
        shutil.rmtree(build_dir, ignore_errors=True)
        complain(f"发布没有执行：{str(exc).rstrip('。')}。正在使用的网站没有改变。")
        return GIT_FAILED
    except ContentRejected as exc:
        shutil.rmtree(build_dir, ignore_errors=True)
        complain(f"发布失败：{exc}")
        complain("正在使用的网站没有改变。")
        return CONTENT_ERROR
    except CachesBusy as exc:
        shutil.rmtree(build_dir, ignore_errors=True)
        complain(f"发布没有执行：{exc}")
        return BUSY
    except (InfrastructureProblem, CacheError) as exc:
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

    if report.linked:
        say(f"  {len(report.linked)} 个页面与正在使用的版本相同，直接共用其文件；其余 {len(report.made_by) - len(report.linked)} 个页面重新写入。")
    say("[2/4] 正在校验")
    loaded = report.loaded
    read: dict[str, PageLinks] = {}
    known = {page: live.links[page] for page in report.linked if page in live.links} if live is not None else {}
    problems = verify_release(
        build_dir,
        report.pages,
        loaded.withheld,
        report.withheld_pages,
        report.search_indexes,
        report.feeds,
        urlsplit(report.site_url).path or "/",
        report.theme_scripts,
        known=known,
        checked=live.checked if live is not None else set(),
        read=read,
        live=store.releases / previous_id if live is not None and previous_id else None,
    )
    if problems:
        shutil.rmtree(build_dir, ignore_errors=True)
        complain("发布失败：新版本没有通过校验：")
        for problem in problems:
            complain(f"  {problem}")
        complain("正在使用的网站没有改变。")
        return VERIFY_FAILED

    # A page made otherwise than the live one differs from it: the releases cannot be the same.
    if previous_id is not None and not report.differing and same_files(store.releases / previous_id, build_dir):
        shutil.rmtree(build_dir, ignore_errors=True)
        say(f"内容没有变化：新生成的网站与正在使用的 releases/{previous_id} 逐字节相同，没有生成新版本。")
        return OK
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
    record = ReleaseRecord(page_files(build_dir, report.made_by), read, {p for d in loaded.withheld for p in probes(d)})
    try:
        write_manifest(store.manifest_path(release_id), manifest)
        write_record(store.record_path(release_id), record)
        store.finish(release_id, build_dir)
        say(f"[3/4] 正在切换到 releases/{release_id}")
        store.switch(release_id)
    except OSError as exc:
        shutil.rmtree(build_dir, ignore_errors=True)
        complain(f"发布失败：切换版本时出错（{disk_message(exc)}）。正在使用的网站没有改变。")
        return INFRASTRUCTURE

    say("[4/4] 正在清理旧版本")
    for removed in store.prune(options.keep):
        say(f"  删除了 releases/{removed}")
    say(f"发布完成：releases/{release_id}，共 {len(manifest)} 篇文档，{len(loaded.withheld)} 篇未发布（草稿、定时或已撤下）。")
    if previous is None:
        say("这是首次发布。" if previous_id is None else f"上一版本 releases/{previous_id} 没有清单，无法比较变化。")
    else:
        say(f"与上一版本 releases/{previous_id} 相比：")
        for line in changes(previous, manifest).describe():
            say(f"  {line}")
    return OK


def rollback(dest: Path, wait_seconds: float, to: str | None = None) -> int:
    return _exclusively(dest, wait_seconds, lambda store: _rollback_locked(store, to))


def _rollback_locked(store: ReleaseStore, to: str | None) -> int:
    store.clean_up()
    current, previous = store.current_id(), store.previous_id()
    if to is not None:
        if to not in store.release_ids():
            complain(f"无法回退：{store.dest} 中没有版本 {to}。现有版本：{'、'.join(store.release_ids()) or '无'}（qinglian releases 可列出）。")
            return NO_PREVIOUS
        if to == current:
            say(f"releases/{to} 已经是正在使用的版本，没有改变。")
            return OK
        previous = to
    if previous is None:
        complain(f"无法回退：{store.dest} 中没有在当前版本（{current or '无'}）之前上线、且未被回退过的版本。")
        return NO_PREVIOUS
    store.switch(previous, "rollback")
    say(f"已回退：现在使用 releases/{previous}（原为 releases/{current}）。")
    say("下一次发布会生成新的版本；若问题出在内容上，请先修正内容。")
    return OK


def list_releases(dest: Path) -> int:
    """Every release with what it holds and when it went live; the one in use marked."""
    try:
        check_destination(dest)
    except UnsafeDestination as exc:
        complain(f"没有执行：{exc}")
        return USAGE_ERROR
    store = ReleaseStore(dest.resolve())
    ids = store.release_ids()
    if not ids:
        say(f"{dest} 中还没有任何版本。")
        return OK
    current, previous = store.current_id(), store.previous_id()
    live = store.live_stack()
    events = store.events()
    say(f"{dest} 中的版本（共 {len(ids)} 个，新的在前）：")
    for release_id in sorted(ids, key=lambda r: (events.get(r, ""), r), reverse=True):
        manifest = read_manifest(store.manifest_path(release_id))
        marks = []
        if release_id == current:
            marks.append("正在使用")
        elif release_id == previous:
            marks.append("rollback 会切换到这里")
        elif release_id not in live and release_id in events:
            marks.append("已被回退")
        documents = f"{len(manifest)} 篇文档" if manifest is not None else "没有清单"
        when = f"，{events[release_id]} 上线" if release_id in events else ""
        say(f"  {release_id}  {documents}{when}{'  【' + '，'.join(marks) + '】' if marks else ''}")
    say("切换到指定版本：qinglian rollback --dest … --to <版本>")
    return OK


def same_files(live: Path, built: Path) -> bool:
    """Whether ``built`` holds exactly the files of ``live``, byte for byte.

    The search index versions the live release kept from earlier releases do not count.
    """
    try:
        own = json.loads((live / "search-index" / "meta.json").read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        own = None

    def listing(root: Path, skip_kept: bool) -> dict[str, int]:
        found = {}
        for current, folders, names in os.walk(root):
            relative = Path(current).relative_to(root).as_posix()
            if skip_kept and relative == "search-index":
                folders[:] = [f for f in folders if not f.startswith("v-") or f == f"v-{own}"]
            for name in names:
                path = Path(current) / name
                found[path.relative_to(root).as_posix()] = path.stat().st_size
        return found

    built_files = listing(built, False)
    if built_files != listing(live, True):
        return False
    return all(_same_file(live / name, built / name) for name in built_files)


def _same_file(one: Path, other: Path) -> bool:
    # A page the new release links from the live one is the same file.
    return os.path.samefile(one, other) or filecmp.cmp(one, other, shallow=False)
