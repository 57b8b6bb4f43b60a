"""A conversion in a child process with bounds on memory and time, for the editors' workspace.

A crafted Word file can pass every size check and still cost minutes and gigabytes to read (a
99 KB file of 48 MB of empty runs did). The workspace serves everyone from one process, so it
reads uploads in a child that limits its own memory before it imports anything, and stops it
when it takes too long: the editor is told why, and the server goes on as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from .sources import UnreadableSource

MEMORY_BYTES = 1536 * 1024 * 1024
SECONDS = 60
_MAX_ANSWER = 64 * 1024 * 1024


def _encoded(value: Any) -> Any:
    if isinstance(value, dt.date):
        return {"__date__": value.isoformat()}
    return value


def _decoded(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"__date__"}:
        return dt.date.fromisoformat(value["__date__"])
    return value


def convert_isolated(
    source: Path, kind: str, unit: str | None, roles: list[str], memory: int = MEMORY_BYTES, seconds: float = SECONDS
) -> Any:
    """``importer.command.convert`` in a bounded child; raises ``UnreadableSource`` with a Chinese reason."""
    from .command import Converted

    request = json.dumps({"source": str(source), "kind": kind, "unit": unit, "roles": roles, "memory": memory,
                          "seconds": int(seconds) + 1}, ensure_ascii=False)
    try:
        child = subprocess.run([sys.executable, "-m", "qinglian.importer.isolated"], input=request.encode("utf-8"),
                               capture_output=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        raise UnreadableSource(f"读取超过 {seconds:g} 秒仍未完成，已停止（正常的文件几秒内即可读完；文件可能已损坏或被改造）") from None
    except OSError as exc:
        raise UnreadableSource(f"无法启动读取文件的进程（{exc.strerror or exc}）") from None
    if len(child.stdout) > _MAX_ANSWER:
        raise UnreadableSource("读出的内容过大")
    try:
        answer = json.loads(child.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        answer = None
    if not isinstance(answer, dict) or child.returncode != 0:
        reason = answer.get("refused") if isinstance(answer, dict) else None
        raise UnreadableSource(reason or f"读取文件的进程意外退出（退出码 {child.returncode}）；文件可能已损坏或被改造")
    converted = answer["converted"]
    converted["values"] = {k: _decoded(v) for k, v in converted["values"].items()}
    return Converted(**converted)


def _child() -> int:
    request = json.loads(sys.stdin.buffer.read(1 << 20).decode("utf-8"))
    memory = min(int(request["memory"]), MEMORY_BYTES)
    # Bound this process before anything large is imported or read.
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (int(request["seconds"]), int(request["seconds"]) + 5))
    try:
        from .command import convert

        converted = convert(Path(request["source"]), request["kind"], request["unit"], list(request["roles"]))
    except MemoryError:
        print(json.dumps({"refused": f"读取所需内存超过上限 {memory // 1024 // 1024} MB（文件可能已损坏或被改造）"}, ensure_ascii=False))
        return 1
    except (UnreadableSource, OSError) as exc:
        print(json.dumps({"refused": str(exc)}, ensure_ascii=False))
        return 1
    body = {"values": {k: _encoded(v) for k, v in converted.values.items()}, "hints": converted.hints,
            "markdown": converted.markdown, "slug": converted.slug, "notices": converted.notices}
    print(json.dumps({"converted": body}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(_child())
