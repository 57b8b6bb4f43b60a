"""The engines Qinglian runs on, MkDocs 1.6 and ProperDocs 1.6 (its maintained continuation): what differs, in one place.

ProperDocs reads mkdocs.yml, loads ``mkdocs.plugins`` entry points and, once ``properdocs.replacement``
is imported, answers every ``import mkdocs.…`` with its own module. What is left to tell apart:
the names of the loggers the engine writes to, its version (part of every cache key), the
command and the temporary folders its preview uses.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
from dataclasses import dataclass
from importlib import metadata

ENGINE_VARIABLE = "QINGLIAN_ENGINE"
# In order of preference: the maintained one first.
NAMES = ("properdocs", "mkdocs")
LABELS = {"properdocs": "ProperDocs", "mkdocs": "MkDocs"}


class EngineError(Exception):
    """An engine that cannot be used here; the message says why, in Chinese."""


@dataclass(frozen=True)
class Engine:
    name: str

    @property
    def label(self) -> str:
        return LABELS[self.name]

    @property
    def version(self) -> str:
        try:
            return metadata.version(self.name)
        except metadata.PackageNotFoundError:
            return "none"

    def logger(self, suffix: str = "") -> logging.Logger:
        """The engine's logger (``suffix`` such as ``structure.pages`` names one of its modules)."""
        return logging.getLogger(f"{self.name}.{suffix}" if suffix else self.name)

    @property
    def temp_prefix(self) -> str:
        """How the folders of its preview server (``serve``) begin, under the system's temporary folder."""
        return f"{self.name}_"


def installed() -> list[Engine]:
    return [Engine(name) for name in NAMES if importlib.util.find_spec(name) is not None]


def named(name: str) -> Engine:
    if name not in NAMES:
        raise EngineError(f"引擎应为 {' 或 '.join(NAMES)}，实际为“{name}”")
    if importlib.util.find_spec(name) is None:
        raise EngineError(f"没有安装 {LABELS[name]}：请运行 .venv/bin/pip install {name}，或选择已安装的引擎")
    return Engine(name)


def default() -> Engine:
    """``QINGLIAN_ENGINE`` when set, else ProperDocs where it is installed, else MkDocs."""
    chosen = os.environ.get(ENGINE_VARIABLE)
    if chosen:
        return named(chosen)
    found = installed()
    if not found:
        raise EngineError("既没有安装 ProperDocs，也没有安装 MkDocs")
    return found[0]


def running() -> Engine:
    """The engine this process builds with: ProperDocs once it has taken over the ``mkdocs`` imports."""
    plugins = sys.modules.get("mkdocs.plugins")
    if "properdocs" in sys.modules and (plugins is None or plugins.__name__.startswith("properdocs")):
        return Engine("properdocs")
    return Engine("mkdocs")


def activate(engine: Engine) -> None:
    """Make ``import mkdocs.…`` in this process mean ``engine`` (for commands that build in-process)."""
    if engine.name == "properdocs":
        loaded = sys.modules.get("mkdocs.plugins")
        if loaded is not None and not loaded.__name__.startswith("properdocs"):
            raise EngineError("本进程已经载入了 MkDocs，不能再改用 ProperDocs")
        import properdocs.replacement  # noqa: F401 - installs the alias of every mkdocs.* import
    elif "properdocs.replacement" in sys.modules:
        raise EngineError("本进程已经改用 ProperDocs，不能再改用 MkDocs")
    # ProperDocs' own command line hangs the mkdocs.* loggers under its own; do the same here.
    if engine.name != "mkdocs":
        logging.getLogger("mkdocs").parent = engine.logger()
        logging.getLogger("mkdocs").propagate = True
