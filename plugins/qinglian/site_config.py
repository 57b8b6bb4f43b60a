"""mkdocs.yml as the command-line tools read it: data only, nothing it names is run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def plugin_options(config: Path) -> dict[str, Any]:
    """The qinglian plugin's options in mkdocs.yml, read without running anything it names."""
    return qinglian_options(read_site_config(config))


def qinglian_options(data: dict[str, Any] | None) -> dict[str, Any]:
    """The qinglian plugin's options in mkdocs.yml's data (from :func:`read_site_config`)."""
    for plugin in (data.get("plugins") or []) if data else []:
        if isinstance(plugin, dict) and isinstance(plugin.get("qinglian"), dict):
            return dict(plugin["qinglian"])
    return {}


def read_site_config(config: Path) -> dict[str, Any] | None:
    if not config.is_file():
        return None

    class _Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml may name Python objects (!!python/name:…); a check has no use for them.
    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        data = yaml.load(config.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - constructors are disabled
    except (yaml.YAMLError, UnicodeDecodeError, OSError):
        return None
    return data if isinstance(data, dict) else None
