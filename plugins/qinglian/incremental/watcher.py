"""How ``mkdocs serve`` notices a save.

MkDocs polls every watched folder twice a second and then waits a tenth of a second for more
changes, so a save waits a quarter of a second on average, and up to 0.6 s, before the
rebuild starts; polling a 10,000-document folder also costs the rebuild its time. The
system's file events (inotify on Linux, ReadDirectoryChangesW on Windows, FSEvents on macOS)
arrive at once. Folders on a network share, under WSL or in a container mount may not send
them: ``preview_watcher: polling`` keeps MkDocs' own way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.plugins import get_plugin_logger
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

if TYPE_CHECKING:
    from mkdocs.livereload import LiveReloadServer

log = get_plugin_logger(__name__)

# What a save, a new, moved or deleted file looks like. Not opening or reading a file: every
# rebuild reads the content, and MkDocs rebuilds on any event it is given.
CHANGES: list[type[FileSystemEvent]] = [
    FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent, FileAttribEvent,
    DirCreatedEvent, DirDeletedEvent, DirMovedEvent,
]


class ChangeObserver(Observer):  # type: ignore[misc,valid-type]
    """The system's file-event observer, passing on changes only."""

    def schedule(
        self,
        event_handler: FileSystemEventHandler,
        path: str | Path,
        *,
        recursive: bool = False,
        event_filter: list[type[FileSystemEvent]] | None = None,
        follow_symlink: bool = False,
    ) -> ObservedWatch:
        return super().schedule(
            event_handler, path, recursive=recursive, event_filter=event_filter or CHANGES, follow_symlink=follow_symlink
        )

    def start(self) -> None:
        # Started early, to learn whether the system lets it watch; the server starts it again.
        if not self.is_alive():
            super().start()


def watch_saves(server: LiveReloadServer) -> None:
    """Watch with the system's file events where it allows them, else say why the preview polls."""
    refused = watch_with_file_events(server)
    if refused is not None:
        log.warning(f"系统的文件变化通知不可用（{refused}），预览改为每 0.5 秒检查一次文件。")


def watch_with_file_events(server: LiveReloadServer) -> str | None:
    """Give ``server`` the system's file-event observer in place of polling, watching the same paths.

    Called from ``on_serve``, before the server starts its observer. When the system refuses
    (a limit on inotify watches, say), the server keeps polling; the reason is returned.
    """
    polling = server.observer
    watched = sorted({(emitter.watch.path, emitter.watch.is_recursive) for emitter in polling.emitters})
    times = _unwatch(server, [path for path, _ in watched])
    server.observer = ChangeObserver()
    _watch(server, watched, times)
    try:
        server.observer.start()
    except OSError as exc:
        server.observer.stop()
        _unwatch(server, [path for path, _ in watched])
        server.observer = polling
        _watch(server, watched, times)
        return str(exc)
    return None


def _unwatch(server: LiveReloadServer, paths: list[str]) -> dict[str, int]:
    """Stop watching ``paths``; how many times each was watched."""
    times: dict[str, int] = {}
    for path in paths:
        # A path watched twice is counted twice; each unwatch takes one count.
        while True:
            try:
                server.unwatch(path)
            except KeyError:
                break
            times[path] = times.get(path, 0) + 1
    return times


def _watch(server: LiveReloadServer, watched: list[tuple[str, bool]], times: dict[str, int]) -> None:
    for path, recursive in watched:
        for _ in range(times.get(path, 1)):
            server.watch(path, recursive=recursive)
