"""Documents read in forked workers before the loader asks for them one by one.

Reading a document (YAML, the schema, the scans, the HTML policy) is the one part of an
empty-cache build that runs before the navigation, on one core, while the others wait. The
document memo asks these workers for the files it does not know: each reads its share, and
sends back for every file what the memo keeps (the file's status and hash, the document and
its problems as memo text and pickled). The loader's own pass then finds every file in the
memo, in the order and with the problems a serial read gives.

Nothing here can fail a build. A file a worker cannot read, or the share of a worker that
dies, is simply not in the memo, and the loader reads it itself as it would without workers,
meeting (and reporting) the same error.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TypeVar

from .forked import fork_workers

Read = TypeVar("Read")

# Fewer files than this per worker take less time to read than a fork and the transfer back.
FILES_PER_WORKER = 25
_BATCH = 100


def read_in_workers(paths: list[Path], read: Callable[[Path], Read], count: int) -> tuple[dict[Path, Read], float]:
    """``read(path)`` for every path, in ``count`` forked workers: what the living workers read, and the seconds it took.

    ``read`` raising leaves that path out. Empty when there are too few paths to be worth a fork.
    """
    if count < 2 or len(paths) < count * FILES_PER_WORKER:
        return {}, 0.0
    started = time.perf_counter()
    workers = fork_workers(_work, [paths[number::count] for number in range(count)], (read,), "qinglian-read")
    results: dict[Path, Read] = {}
    waiting = {receiving: process for process, receiving in workers}
    while waiting:
        for ready in wait(list(waiting)):
            try:
                sent = ready.recv()
            except EOFError:
                sent = None  # died (out of memory, killed): its files are read by the loader's own pass
            if sent:
                results.update(sent)
                continue
            waiting.pop(ready).join()
            ready.close()
    return results, time.perf_counter() - started


def _work(share: list[Path], read: Callable[[Path], Read], results: Connection) -> None:
    # Sent in batches, so that neither side holds a whole share's documents twice.
    done: dict[Path, Read] = {}
    for path in share:
        try:
            done[path] = read(path)
        except Exception:  # noqa: BLE001 - the loader's own pass reads this file again and reports what fails
            continue
        if len(done) == _BATCH:
            results.send(done)
            done = {}
    if done:
        results.send(done)
    results.send({})
    results.close()
