"""A server's own publish settings, in one file outside the repository: where readers find the site, where it is
published, with which engine. ``qinglian publish`` reads it, so cron, systemd and a manual run agree.

    # /etc/qinglian/publish.toml (or the file QINGLIAN_SERVER_SETTINGS names)
    site_url = "http://lianzheng.example.internal/"
    dest = "/srv/qinglian/www"
    engine = "properdocs"
    keep = 7

The command line and the environment (QINGLIAN_SITE_URL, QINGLIAN_ENGINE) still win over the file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

SETTINGS_VARIABLE = "QINGLIAN_SERVER_SETTINGS"
DEFAULT_SETTINGS = Path("/etc/qinglian/publish.toml")
MAX_SETTINGS_BYTES = 64 * 1024
# Addresses that only the server itself can open: what `mkdocs serve` and the example use.
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0", ""}


class SettingsError(Exception):
    """The settings file cannot be used; the message names it and what is wrong, in Chinese."""


@dataclass(frozen=True)
class ServerSettings:
    path: Path
    found: bool = False
    site_url: str | None = None
    dest: Path | None = None
    engine: str | None = None
    keep: int | None = None


def settings_path() -> Path:
    configured = os.environ.get(SETTINGS_VARIABLE)
    return Path(configured).expanduser() if configured else DEFAULT_SETTINGS


def read_settings() -> ServerSettings:
    path = settings_path()
    try:
        if path.is_symlink() and not path.resolve().is_file():
            raise SettingsError(f"发布设置文件 {path} 是指向不存在文件的符号链接。")
        data = path.read_bytes()
    except FileNotFoundError:
        return ServerSettings(path)
    except OSError as exc:
        raise SettingsError(f"无法读取发布设置文件 {path}：{exc.strerror or exc}。") from None
    if len(data) > MAX_SETTINGS_BYTES:
        raise SettingsError(f"发布设置文件 {path} 超过 64 KB，不像是设置文件。")
    try:
        values = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"发布设置文件 {path} 的格式不正确（应为 TOML，如 site_url = \"http://…/\"）：{exc}。") from None
    known = {"site_url": str, "dest": str, "engine": str, "keep": int}
    for key, value in values.items():
        if key not in known:
            raise SettingsError(f"发布设置文件 {path} 中的“{key}”不是可用的设置；可用的有：{'、'.join(known)}。")
        if not isinstance(value, known[key]) or isinstance(value, bool):
            raise SettingsError(f"发布设置文件 {path} 中的 {key} 应为{'文字（加引号）' if known[key] is str else '整数'}，实际为 {value!r}。")
    if values.get("engine") not in (None, "properdocs", "mkdocs"):
        raise SettingsError(f"发布设置文件 {path} 中的 engine 应为 properdocs 或 mkdocs，实际为“{values['engine']}”。")
    dest = values.get("dest")
    return ServerSettings(path, True, values.get("site_url"), Path(dest) if dest else None, values.get("engine"), values.get("keep"))


def local_site_url(site_url: str | None) -> bool:
    """Whether ``site_url`` is one only the server itself can open (or none): feeds and links would point there."""
    if not site_url:
        return True
    return (urlsplit(site_url).hostname or "") in _LOCAL_HOSTS
