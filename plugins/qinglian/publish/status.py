"""The outcome of the last ``qinglian publish``, kept beside the project's caches for the editors' workspace."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ..atomic import write_atomically
from ..cache_store import project_cache
from ..site_config import plugin_options

STATUS_NAME = "last-publish.json"
MAX_LINES = 200
MAX_STATUS_BYTES = 1 << 20


def status_file(config_file: Path) -> Path:
    """In the project's cache folder: the one ``cache_dir`` names in the site's configuration, or the default."""
    configured = plugin_options(config_file).get("cache_dir")
    return project_cache(config_file.parent, configured if isinstance(configured, str) else "") / STATUS_NAME


def record(config_file: Path, code: int, lines: list[str], started: dt.datetime) -> None:
    """Best effort: a publish never fails because its status could not be written."""
    data = {"format": 1, "started": started.isoformat(timespec="seconds"), "code": code, "messages": lines[:MAX_LINES]}
    try:
        write_atomically(status_file(config_file), json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
    except OSError:
        pass


def read(config_file: Path) -> dict[str, Any] | None:
    path = status_file(config_file)
    try:
        if path.is_symlink() or path.stat().st_size > MAX_STATUS_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        started = dt.datetime.fromisoformat(str(data["started"]))
        return {"started": started, "code": int(data["code"]), "messages": [str(m) for m in data["messages"]][:MAX_LINES]}
    except (OSError, ValueError, KeyError, TypeError):
        return None
