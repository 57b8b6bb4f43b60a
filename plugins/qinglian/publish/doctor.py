"""``qinglian doctor``: a server's set-up checked the way an operator would, each finding with what to do about it.

The settings file, the repository and its branch, the destination and its permissions, the caches,
nginx, the nightly timer or cron line and the workspace beside it. Nothing is changed; the exit
code is 1 when something must be fixed before publishing works.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..cache_guard import problem
from ..incremental.folders import CacheFolders
from ..site_config import plugin_options, read_site_config
from ..workspace.git_store import GitError, GitStore
from .settings import ServerSettings, SettingsError, local_site_url, read_settings

NGINX_FOLDERS = (Path("/etc/nginx/conf.d"), Path("/etc/nginx/sites-enabled"))
TIMER_FILES = (Path("/etc/systemd/system/qinglian-publish.service"), Path("/etc/cron.d/qinglian"))
WORKSPACE_UNIT = Path("/etc/systemd/system/qinglian-edit.service")


@dataclass
class Findings:
    lines: list[str] = field(default_factory=list)
    failed: int = 0

    def ok(self, text: str) -> None:
        self.lines.append(f"  ✓ {text}")

    def fix(self, text: str) -> None:
        self.failed += 1
        self.lines.append(f"  ✗ {text}")

    def note(self, text: str) -> None:
        self.lines.append(f"  ! {text}")


def doctor(config_file: Path, say: Callable[[str], None] = print) -> int:
    findings = Findings()
    say("检查本服务器的发布设置：")
    try:
        settings = read_settings()
    except SettingsError as exc:
        findings.fix(str(exc))
        settings = None
    if settings is not None:
        _settings(settings, config_file, findings)
    _repository(config_file, findings)
    dest = settings.dest if settings is not None else None
    if dest is not None:
        _destination(dest, findings)
        _nginx(dest, findings)
    _caches(config_file, dest, findings)
    _schedule(findings)
    for line in findings.lines:
        say(line)
    say("全部检查通过。" if not findings.failed else f"有 {findings.failed} 项需要处理（标 ✗ 的各行），处理后再运行 qinglian doctor。")
    return 1 if findings.failed else 0


def _settings(settings: ServerSettings, config_file: Path, findings: Findings) -> None:
    if not settings.found:
        findings.fix(f"没有发布设置文件 {settings.path}。请参照 scripts/deploy/publish.toml 建立它（写明 site_url 和 dest），"
                     "或用环境变量 QINGLIAN_SERVER_SETTINGS 指向它；定时任务、systemd 和手工发布都从这里读取同一份设置。")
        return
    findings.ok(f"发布设置文件：{settings.path}")
    site_url = settings.site_url or os.environ.get("QINGLIAN_SITE_URL") or str((read_site_config(config_file) or {}).get("site_url") or "")
    if local_site_url(site_url):
        findings.fix(f"site_url 是“{site_url or '（空）'}”，只有本机能打开。请在 {settings.path} 中写 site_url = \"http://读者使用的地址/\"。")
    else:
        findings.ok(f"读者访问的地址：{site_url}")
    if settings.dest is None:
        findings.fix(f"{settings.path} 中没有 dest（发布目录），例如 dest = \"/srv/qinglian/www\"。")


def _repository(config_file: Path, findings: Findings) -> None:
    root = config_file.parent
    if not config_file.is_file():
        findings.fix(f"找不到网站配置文件 {config_file}：请在内容仓库中运行 qinglian doctor，或用 --config 指定。")
        return
    try:
        store = GitStore(root)
    except GitError:
        findings.note(f"{root} 不是 git 仓库：发布将按文件夹的现状生成，不能保证只发布签发过的内容。")
        return
    branch = store.current_branch()
    if branch is None:
        findings.fix(f"仓库 {store.root} 处于游离 HEAD：发布会被拒绝，编辑工作台也不能启动。请运行 git checkout main（发布所用的分支）。")
        return
    findings.ok(f"仓库 {store.root}，发布分支 {branch}")
    try:
        differing = store.differing_files()
    except GitError:
        differing = []
    if differing:
        shown = "、".join(differing[:5]) + (f" 等 {len(differing)} 个" if len(differing) > 5 else "")
        findings.note(f"工作区有未提交的文件（{shown}）：它们不会发布，编辑工作台也不会覆盖它们。请提交或用 git status 查看后撤销。")


def _destination(dest: Path, findings: Findings) -> None:
    parent = dest if dest.exists() else dest.parent
    if not parent.exists():
        findings.fix(f"发布目录 {dest} 和它的上级目录都不存在。请建立 {dest.parent} 并交给运行发布的用户。")
        return
    if not os.access(parent, os.W_OK):
        findings.fix(f"当前用户不能写入 {parent}：请用 chown 把发布目录交给运行发布的用户（如 qinglian）。")
        return
    current = dest / "current"
    if current.exists() and not current.is_symlink():
        findings.fix(f"{current} 是真实的文件夹，不是指向某个版本的链接：请把它移走，发布会建立链接。")
    elif (dest / ".lock").is_symlink():
        findings.fix(f"{dest / '.lock'} 是符号链接：请删除它。")
    else:
        findings.ok(f"发布目录 {dest}" + ("，正在使用 " + os.readlink(current) if current.is_symlink() else "（还没有发布过）"))


def _nginx(dest: Path, findings: Findings) -> None:
    configs = [f for folder in NGINX_FOLDERS if folder.is_dir() for f in sorted(folder.iterdir()) if f.is_file()]
    if not configs:
        findings.note("没有找到 nginx 的站点配置（/etc/nginx/conf.d、sites-enabled）：请参照 scripts/deploy/nginx/qinglian.conf 安装。")
        return
    wanted = re.compile(rf"^\s*root\s+{re.escape(str(dest / 'current'))}/?\s*;", re.M)
    serving = [f for f in configs if wanted.search(f.read_text(encoding="utf-8", errors="replace"))]
    if serving:
        findings.ok(f"nginx 配置 {serving[0]} 指向 {dest / 'current'}")
    else:
        findings.fix(f"nginx 的站点配置中没有“root {dest / 'current'};”：读者看不到发布的版本。请修改 scripts/deploy/nginx/qinglian.conf 中的 root 后安装。")


def _caches(config_file: Path, dest: Path | None, findings: Findings) -> None:
    if not config_file.is_file():
        return
    root = config_file.parent.resolve()
    content = root / str(plugin_options(config_file).get("content_dir") or "content")
    caches = CacheFolders.configured(config_file, (root / "docs", content, *((dest,) if dest else ())))
    folders, protected = caches.by_kind(), caches.protected
    found = [text for kind, folder in folders.items() if (text := problem(folder, kind, protected))]
    for text in found:
        findings.fix(text)
    if not found:
        findings.ok(f"缓存目录 {folders['project']}")


def _schedule(findings: Findings) -> None:
    installed = [f for f in TIMER_FILES if f.is_file()]
    enabled = subprocess.run(["systemctl", "is-enabled", "qinglian-publish.timer"], capture_output=True, text=True).stdout.strip() \
        if _has("systemctl") else ""
    if not installed and enabled != "enabled":
        findings.note("没有找到每晚发布的定时任务（qinglian-publish.timer 或 /etc/cron.d/qinglian）：请参照 scripts/deploy/ 安装其一。")
        return
    for unit in installed:
        text = unit.read_text(encoding="utf-8", errors="replace")
        if "--pull" in text and WORKSPACE_UNIT.is_file():
            findings.fix(f"{unit} 中的发布命令带 --pull，而本服务器运行编辑工作台（仓库就是内容的正本）：请删去 --pull。")
        else:
            findings.ok(f"定时任务：{unit}")


def _has(command: str) -> bool:
    return any((Path(folder) / command).is_file() for folder in os.environ.get("PATH", "").split(os.pathsep) if folder)
