"""Build failures that are not the editors' to fix, told apart from content errors."""

from __future__ import annotations

from mkdocs.exceptions import PluginError


class InfrastructureFailure(PluginError):
    """The build could not run for a reason outside the content: a cache, the disk, a lock, git.

    Still a ``PluginError``, so ``mkdocs build`` prints the message without a traceback;
    ``qinglian publish`` gives it an exit code of its own.
    """

    def __init__(self, message: str, busy: bool = False) -> None:
        super().__init__(message)
        # Another process held the caches: trying again later will do.
        self.busy = busy
