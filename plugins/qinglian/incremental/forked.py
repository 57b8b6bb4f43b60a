"""Worker processes forked from the build, each sending its results back through a pipe of its own."""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any


def fork_workers(
    target: Callable[..., None], shares: Sequence[Sequence[Any]], args: tuple[Any, ...], name: str
) -> list[tuple[BaseProcess, Connection]]:
    """One forked process per share, running ``target(share, *args, sending)``; each with the end of its pipe to receive on."""
    context = multiprocessing.get_context("fork")
    # Objects made so far are never collected in the workers: collecting would touch (and so
    # copy) every page of memory the workers share with this process.
    gc.freeze()
    workers = []
    try:
        for number, share in enumerate(shares, start=1):
            receiving, sending = context.Pipe(duplex=False)
            process = context.Process(target=target, args=(share, *args, sending), name=f"{name}-{number}", daemon=True)
            process.start()
            sending.close()
            workers.append((process, receiving))
    finally:
        gc.unfreeze()
    return workers
