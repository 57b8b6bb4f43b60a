"""The synthetic corpus every benchmark builds, and one timed build of it (scripts/bench.py)."""

from __future__ import annotations

import os
import resource
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from qinglian.cache_store import project_cache

ROOT = Path(__file__).resolve().parent.parent
TARGET_BYTES = 10_000
SENTENCE = re.compile(r"[^。！？\n]+[。！？]")


# A rare phrase, put into one document in a thousand; the example sentences never hold it.
RARE_PHRASE = "旧仓库改建工程"
RARE_EVERY = 1000


def example_sentences() -> list[str]:
    sentences: list[str] = []
    for path in sorted((ROOT / "content").rglob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        sentences += [s.strip() for s in SENTENCE.findall(body) if len(s.strip()) > 8]
    return sentences


def generate_corpus(count: int, seed: int, target: Path) -> list[tuple[str, str, str]]:
    """Write the corpus under ``target/content``; return (collection, slug, text) per document."""
    rng = random.Random(seed)
    vocabulary = yaml.safe_load((ROOT / "content/vocabulary.yml").read_text(encoding="utf-8"))
    units, topics, roles = list(vocabulary["units"]), list(vocabulary["topics"]), vocabulary["roles"]
    sentences = example_sentences()
    content = target / "content"
    shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns("*.md"))
    documents = []
    for index in range(count):
        collection = "speeches" if index % 2 == 0 else "cases"
        year = 2020 + index % 6
        date = f"{year}-{index % 12 + 1:02d}-{index % 28 + 1:02d}"
        title = rng.choice(sentences)[:24].rstrip("，。") + f"（{index}）"
        fields = {
            "title": title,
            "date": date,
            "unit": rng.choice(units),
            "topics": rng.sample(topics, 2),
            "summary": rng.choice(sentences),
        }
        if collection == "speeches":
            fields |= {"speaker": rng.choice(roles), "occasion": "全市警示教育大会"}
        else:
            fields |= {"discipline": "廉洁纪律", "outcome": "党内警告", "lessons": [rng.choice(sentences)]}
        paragraphs: list[str] = []
        if index % RARE_EVERY == RARE_EVERY // 2:
            paragraphs.append(f"本单位{RARE_PHRASE}的招标过程须全程留痕。")
        size = 0
        while size < TARGET_BYTES:
            if len(paragraphs) % 6 == 0:
                paragraphs.append(f"## 第{len(paragraphs) // 6 + 1}部分")
            paragraph = "".join(rng.sample(sentences, 4))
            paragraphs.append(paragraph)
            size += len(paragraph.encode("utf-8"))
        text = "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False) + "---\n\n" + "\n\n".join(paragraphs) + "\n"
        slug = f"{year}-doc-{index:05d}"
        (content / collection / f"{slug}.md").write_text(text, encoding="utf-8")
        documents.append((collection, slug, text))
    return documents


def qinglian_project(corpus_dir: Path, target: Path, workers: int | None = None, packs: bool = False) -> None:
    """The example portal's configuration and docs/ over the corpus; ``workers`` set when given.

    Study packs are off unless ``packs``: the build figures compare page building with stock
    Material, which makes no PDFs; ``bench.py --packs`` measures what packs add.
    """
    target.mkdir(parents=True)
    shutil.copytree(ROOT / "docs", target / "docs")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    setting = f"content_dir: {corpus_dir / 'content'}" + (f"\n      workers: {workers}" if workers is not None else "")
    setting += f"\n      packs: {'true' if packs else 'false'}"
    config = config.replace("content_dir: content", setting)
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")


def stock_project(documents: list[tuple[str, str, str]], target: Path) -> None:
    docs = target / "docs"
    for collection, slug, text in documents:
        path = docs / collection / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (docs / "index.md").write_text("# 首页\n", encoding="utf-8")
    (target / "mkdocs.yml").write_text(
        "site_name: 基准\ntheme:\n  name: material\n  language: zh\nplugins:\n  - search:\n      lang: zh\n",
        encoding="utf-8",
    )


def tree_pss_kb(root_pid: int) -> int:
    """Proportional memory of a process and all its descendants (the search indexer is a forked
    child), in KB: pages the child still shares with its parent count once, not twice."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            text = Path("/proc", name, "stat").read_text()
        except OSError:
            # The process ended between listing and reading.
            continue
        children.setdefault(int(text.rsplit(")", 1)[1].split()[1]), []).append(int(name))
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        try:
            rollup = Path("/proc", str(pid), "smaps_rollup").read_text()
            total += int(next(line for line in rollup.splitlines() if line.startswith("Pss:")).split()[1])
        except (OSError, StopIteration, ValueError):
            pass
        stack += children.get(pid, [])
    return total


@dataclass
class BuildRun:
    seconds: float
    peak_rss_mb: float
    # What the search index took, as the build logs it (None: stock, or the index came from the cache).
    index_seconds: float | None
    # What the workers took to render the pages, as the build logs it (None: stock, or one process).
    parallel_seconds: float | None = None
    # User and system CPU seconds of the build and every process it started.
    cpu_seconds: float = 0.0
    # What typesetting the study packs took, as the build logs it (None: packs off or all cached).
    packs_seconds: float | None = None
    # Of ``cpu_seconds``, the system's share (file and directory calls, page faults).
    system_seconds: float = 0.0


INDEX_LOG = re.compile(r"搜索索引：.*?用时 ([\d.]+) 秒")
PARALLEL_LOG = re.compile(r"并行生成：.*?用时 ([\d.]+) 秒")
PACKS_LOG = re.compile(r"学习资料汇编：.*?用时 ([\d.]+) 秒")


def build(project: Path, fresh_cache: bool = True, engine: str = "mkdocs", code: str = "") -> BuildRun:
    """Wall seconds, peak memory (MB, proportional set size summed over the build's processes) and index seconds of one ``mkdocs build``."""
    shutil.rmtree(project / "site", ignore_errors=True)
    if fresh_cache:
        shutil.rmtree(project_cache(project.resolve()), ignore_errors=True)
    # ``code``: the plugins folder of another checkout, built with instead of this one (an earlier version, to compare).
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **({"PYTHONPATH": code} if code else {})}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # The log goes to a file: a pipe read only at the end fills up and stalls the build.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen([sys.executable, "-m", engine, "build"], cwd=project, env={**env, "QINGLIAN_ENGINE": engine}, stderr=log)
    peak = 0
    finished = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not finished.wait(0.05):
            peak = max(peak, tree_pss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    finished.set()
    sampler.join()
    log.seek(0)
    stderr = log.read().decode(errors="replace")
    log.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build of {project} failed:\n{stderr}")
    # The sampler can miss a short spike; the kernel's own peak RSS of the largest single process cannot.
    indexed, parallel, packs = INDEX_LOG.search(stderr), PARALLEL_LOG.search(stderr), PACKS_LOG.search(stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    system = after.ru_stime - before.ru_stime
    cpu = (after.ru_utime - before.ru_utime) + system
    return BuildRun(
        seconds, max(peak, usage.ru_maxrss) / 1024, float(indexed[1]) if indexed else None, float(parallel[1]) if parallel else None,
        cpu, float(packs[1]) if packs else None, system,
    )


def rebuild_after_one_edit(project: Path, corpus: Path) -> tuple[BuildRun, BuildRun]:
    """A full build, then a rebuild (search cache kept) after one document's text changes."""
    full = build(project, fresh_cache=True)
    document = sorted((corpus / "content/speeches").glob("*.md"))[0]
    document.write_text(document.read_text(encoding="utf-8") + "\n补充一句修改后的内容。\n", encoding="utf-8")
    return full, build(project, fresh_cache=False)


def page_sizes(site: Path) -> list[int]:
    return [
        page.stat().st_size
        for collection in ("speeches", "cases")
        for page in (site / collection).glob("*-doc-*/index.html")
    ]
