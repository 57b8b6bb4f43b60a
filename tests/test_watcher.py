"""How ``mkdocs serve`` notices saves (``preview_watcher``); the real server is run in test_page_cache."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from mkdocs.livereload import LiveReloadServer
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers.polling import PollingObserver

from qinglian.incremental import watcher
from qinglian.incremental.watcher import ChangeObserver, watch_with_file_events


def server_watching(*paths: Path) -> LiveReloadServer:
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(paths[0]))
    for path in paths:
        server.watch(str(path))
    return server


def watched(server: LiveReloadServer) -> set[str]:
    return {emitter.watch.path for emitter in server.observer.emitters}


def test_the_same_paths_are_watched_by_file_events(tmp_path: Path):
    content, docs = tmp_path / "content", tmp_path / "docs"
    content.mkdir(), docs.mkdir()
    server = server_watching(content, docs)
    try:
        assert watch_with_file_events(server) is None
        assert isinstance(server.observer, ChangeObserver) and server.observer.is_alive()
        assert watched(server) == {str(content), str(docs)}
        # The server starts its observer again when it starts serving: no error.
        server.observer.start()
    finally:
        server.observer.stop()
        server.observer.join()


def test_reading_a_file_is_not_a_change(tmp_path: Path):
    """Every rebuild reads the content; were a read an event, the server would rebuild for ever."""
    page = tmp_path / "page.md"
    page.write_text("原文\n", encoding="utf-8")
    seen: list[str] = []

    class Recorder(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if not event.is_directory:
                seen.append(event.event_type)

    observer = ChangeObserver()
    observer.schedule(Recorder(), str(tmp_path), recursive=True)
    observer.start()
    try:
        page.read_text(encoding="utf-8")
        time.sleep(0.5)
        assert seen == []
        page.write_text("改过\n", encoding="utf-8")
        deadline = time.monotonic() + 5
        while not seen and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "modified" in seen
    finally:
        observer.stop()
        observer.join()


def test_a_system_that_refuses_file_events_keeps_polling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def refuse(self: ChangeObserver) -> None:
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watcher.ChangeObserver, "start", refuse)
    server = server_watching(tmp_path)
    assert "inotify watch limit reached" in (watch_with_file_events(server) or "")
    assert isinstance(server.observer, PollingObserver) and watched(server) == {str(tmp_path)}
