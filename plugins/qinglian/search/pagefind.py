"""A client for Pagefind's indexing service (``pagefind --service``).

Pagefind's own Python wrapper polls for each reply with a 0.1 s sleep, which makes indexing
a thousand records take minutes. The service protocol is simple — base64-encoded JSON
messages, each followed by a comma — so this client streams records in and collects the
replies on a reader thread.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import subprocess
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pagefind.service import get_executable


class PagefindError(Exception):
    """Pagefind is missing, refused a record or could not write its files."""


class PagefindService:
    def __init__(self) -> None:
        executable = get_executable()
        if executable is None:
            raise PagefindError("没有找到 Pagefind 程序：请安装 pagefind[extended]（pip install 'pagefind[extended]'）。")
        self._process = subprocess.Popen(
            [str(executable), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self._last_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        # Replies nobody waits for are dropped, except errors, which the next wait raises.
        self._waiting: set[int] = set()
        self._errors: list[str] = []
        self._arrived = threading.Condition()
        self._closed = False
        self._reader = threading.Thread(target=self._read_replies, daemon=True)
        self._reader.start()

    def _read_replies(self) -> None:
        stream = self._process.stdout
        if stream is None:
            return
        pending = b""
        while chunk := stream.read1(1 << 16):
            pending += chunk
            *messages, pending = pending.split(b",")
            for message in messages:
                reply = json.loads(base64.b64decode(message))
                payload, message_id = reply["payload"], reply.get("message_id")
                with self._arrived:
                    if payload.get("type") == "Error":
                        self._errors.append(str(payload.get("message", payload)))
                    elif message_id in self._waiting:
                        self._replies[message_id] = payload
                    self._arrived.notify_all()
        with self._arrived:
            self._closed = True
            self._arrived.notify_all()

    def post(self, payload: dict[str, Any]) -> int:
        """Send a message without waiting; an error it causes is raised by the next ``request``."""
        if self._process.stdin is None:
            raise PagefindError("Pagefind 服务已关闭。")
        self._last_id += 1
        message = json.dumps({"message_id": self._last_id, "payload": payload}, ensure_ascii=False)
        try:
            self._process.stdin.write(base64.b64encode(message.encode("utf-8")) + b",")
        except BrokenPipeError:
            raise PagefindError("Pagefind 服务意外退出。") from None
        return self._last_id

    def request(self, payload: dict[str, Any]) -> dict[str, Any]:
        with self._arrived:
            self._waiting.add(self._last_id + 1)
        message_id = self.post(payload)
        try:
            if self._process.stdin is not None:
                self._process.stdin.flush()
        except BrokenPipeError:
            raise PagefindError("Pagefind 服务意外退出。") from None
        with self._arrived:
            while message_id not in self._replies and not self._errors:
                if self._closed:
                    raise PagefindError("Pagefind 服务意外退出。")
                self._arrived.wait()
            self._waiting.discard(message_id)
            if self._errors:
                raise PagefindError(f"Pagefind 报告错误：{self._errors[0]}")
            return self._replies.pop(message_id)

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join(timeout=5)

    def __enter__(self) -> PagefindService:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def write_index(payloads: Iterable[dict[str, Any]], output: Path) -> int:
    """Index ``payloads`` (AddRecord fields) into ``output`` in a fresh Pagefind process; return the count.

    Each call runs its own process, so its memory is returned when the shard is written.
    """
    with PagefindService() as service:
        index_id = service.request({"type": "NewIndex", "config": {"force_language": "unknown"}})["index_id"]
        count = 0
        for payload in payloads:
            service.post({"type": "AddRecord", "index_id": index_id, **payload})
            count += 1
        # The service answers in order, so this reply comes after every record's.
        service.request({"type": "WriteFiles", "index_id": index_id, "output_path": str(output)})
        # Pagefind replies before its last file is on disk (seen under load: an empty
        # pagefind-entry.json), and stops writing when its input closes; so wait for the files.
        _wait_for_bundle(output)
    return count


def _wait_for_bundle(output: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not bundle_complete(output):
        if time.monotonic() > deadline:
            raise PagefindError(f"Pagefind 没有在 {timeout:.0f} 秒内写完索引文件：{output}")
        time.sleep(0.1)


def bundle_complete(output: Path) -> bool:
    """Whether the entry, each metadata file and every file they name are whole gzip streams."""
    try:
        entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
        for code, language in entry["languages"].items():
            meta = gzip.decompress((output / f"pagefind.{language['hash']}.pf_meta").read_bytes())
            # File names in the metadata are the language code, "_" and a hexadecimal hash.
            for name in {match.decode() for match in re.findall(re.escape(code.encode()) + rb"_[0-9a-f]{7,}", meta)}:
                files = [output / folder / f"{name}.{suffix}" for folder, suffix in _CHUNKS]
                present = [file for file in files if file.is_file()]
                if not present:
                    return False
                gzip.decompress(present[0].read_bytes())
    except (OSError, ValueError, KeyError, TypeError, EOFError, gzip.BadGzipFile):
        return False
    return True


# Where the names in a metadata file point: page fragments, word chunks, filter chunks.
_CHUNKS = (("fragment", "pf_fragment"), ("index", "pf_index"), ("filter", "pf_filter"))
