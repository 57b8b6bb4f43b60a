"""Where a cold build's CPU goes, by phase, per 1,000 documents (scripts/bench.py --phases).

    .venv/bin/python scripts/bench.py --docs 1000 --phases

One serial build (``workers: 1``) of the generated corpus runs without caches under cProfile, and
once more without it to measure its CPU-seconds (every process: the build and the search indexer
beside it). The profile splits the build's own process into phases by the code that runs (``PHASES``); the
profiler's overhead is taken as spread evenly, so each phase's share of the profile is scaled to
the unprofiled CPU of the build's process. The search indexer runs in a child process the profile
does not see; its time is the one its log line gives (wall time of a process that is all CPU).
"""

from __future__ import annotations

import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_corpus import generate_corpus, qinglian_project

from qinglian.cache_store import project_cache

# Phase → what its code is (a part of the function's file name). Each function's own time (not
# its callees') goes to the first phase whose pattern its file matches; built-in functions and
# methods (str.join, open, sqlite3's execute) go to the phase of the function that called them.
PHASES: list[tuple[str, tuple[str, ...]]] = [
    ("cache (database)", ("incremental/database.py", "incremental/page_cache.py", "incremental/memo.py", "sqlite3")),
    ("theme (Jinja templates)", ("jinja2/", "material/templates/", "qinglian/theme/", "markupsafe/")),
    ("Markdown (comrak, the engine's tree, toc, links)", ("markdown/", "comrak", "pymdownx/", "qinglian/markdown/",
                                                         "mkdocs/structure/toc.py", "mkdocs/structure/pages.py", "xml/etree")),
    ("load (read and check the content)", ("yaml/", "qinglian/content/loader.py", "qinglian/content/validate", "qinglian/structure/",
                                           "qinglian/content/schema", "qinglian/content/frontmatter.py", "qinglian/content/serial.py")),
    ("HTML allow-list (the checks of raw HTML)", ("html/parser.py", "_markupbase.py", "qinglian/content/html_policy.py")),
    ("portal pages (assembling, listings, views)", ("qinglian/",)),
    ("write the site (files, folders, copies)", ("shutil.py", "mkdocs/utils/", "pathlib.py", "os.py", "<frozen os>")),
]
OTHER = "engine and the rest (navigation, files, start-up)"


def _phase(filename: str) -> str:
    for name, patterns in PHASES:
        if any(pattern in filename for pattern in patterns):
            return name
    return OTHER


def _attributed(stats: pstats.Stats) -> dict[str, float]:
    """Each phase's own time in the profile (built-ins counted with their callers)."""
    seconds = {name: 0.0 for name, _ in PHASES} | {OTHER: 0.0}
    for (filename, _, function), (_, _, own, _, callers) in stats.stats.items():  # type: ignore[attr-defined]
        if filename != "~":
            seconds[_phase(filename)] += own
            continue
        # A built-in: "sqlite3.Connection" methods are the cache's whoever calls them; the rest go by caller.
        if "sqlite3" in function:
            seconds["cache (database)"] += own
            continue
        for (caller_file, _, _), timing in callers.items():
            seconds[_phase(caller_file)] += timing[2]
    return seconds


def _build(project: Path, profile: Path | None) -> tuple[float, float]:
    """CPU-seconds of one cold build, every process; and of those, the system's."""
    shutil.rmtree(project / "site", ignore_errors=True)
    shutil.rmtree(project_cache(project.resolve()), ignore_errors=True)
    command = [sys.executable, *(["-m", "cProfile", "-o", str(profile)] if profile else []), "-m", "mkdocs", "build", "-q"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=project, check=True, capture_output=True, env={"NO_MKDOCS_2_WARNING": "1", **_env()})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, after.ru_stime - before.ru_stime


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def phases_report(count: int, seed: int) -> int:
    with tempfile.TemporaryDirectory(prefix="qinglian-phases-") as scratch:
        work = Path(scratch)
        generate_corpus(count, seed, work / "corpus")
        qinglian_project(work / "corpus", work / "portal", workers=1)
        profile = work / "build.prof"
        _build(work / "portal", profile)
        total, system = _build(work / "portal", None)
        log = _build_log(work / "portal")
        stats = pstats.Stats(str(profile))
    profiled = stats.total_tt  # type: ignore[attr-defined]
    indexing = _index_seconds(log)
    own = total - indexing
    per_thousand = 1000 / count
    print(f"cold serial build of {count} documents, seed {seed}: {total:.1f} CPU-seconds over all processes (system {system:.1f}),")
    print(f"  of which the search indexer beside the build about {indexing:.1f} (its own log); the build's process {own:.1f}")
    print(f"  profile of the build's process: {profiled:.1f} s with the profiler's overhead, scaled to {own:.1f}; CPU-seconds per 1,000 documents:")
    scale = own / profiled if profiled else 0.0
    for name, seconds in sorted(_attributed(stats).items(), key=lambda item: -item[1]):
        print(f"    {name:52} {seconds * scale * per_thousand:6.2f}  ({seconds / profiled:5.1%})")
    print(f"    {'search index (in its own process)':52} {indexing * per_thousand:6.2f}")
    return 0


def _build_log(project: Path) -> str:
    shutil.rmtree(project / "site", ignore_errors=True)
    shutil.rmtree(project_cache(project.resolve()), ignore_errors=True)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=project, check=True, capture_output=True, text=True,
                            env={"NO_MKDOCS_2_WARNING": "1", **_env()})
    return result.stderr


def _index_seconds(log: str) -> float:
    import re

    found = re.search(r"搜索索引：.*?用时 ([\d.]+) 秒", log)
    return float(found[1]) if found else 0.0
