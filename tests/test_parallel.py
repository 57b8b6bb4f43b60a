"""Pages rendered by worker processes: the same bytes as a serial build, warnings that still fail --strict, a dead worker that fails the build."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import ENGINE, EXAMPLE_BUILD_DATE, MKDOCS, REPO, Project, assert_same_site, cache_of, speech

sys.path.insert(0, str(REPO / "scripts"))
import bench_corpus  # noqa: E402


def with_workers(root: Path, workers: int) -> None:
    """Set the plugin's ``workers`` in the project's mkdocs.yml."""
    config = root / "mkdocs.yml"
    lines = [line for line in config.read_text(encoding="utf-8").splitlines() if "workers:" not in line]
    at = next(number for number, line in enumerate(lines) if line.strip() == "- qinglian:")
    lines.insert(at + 1, f"      workers: {workers}")
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def build(root: Path, site: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MKDOCS, "build", "-d", site, *args], cwd=root, capture_output=True, text=True, timeout=900,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_BUILD_DATE": EXAMPLE_BUILD_DATE, **(env or {})},
    )


def test_the_example_portal_in_two_workers_is_the_serial_build(portal: Project, tmp_path: Path):
    serial_caches, parallel_caches = tmp_path / "serial", tmp_path / "parallel"
    with_workers(portal.root, 1)
    serial = build(portal.root, "site-serial", "--strict", env={"QINGLIAN_CACHE_DIR": str(serial_caches)})
    assert serial.returncode == 0, serial.stderr[-3000:]
    assert "并行生成" not in serial.stderr
    with_workers(portal.root, 2)
    logs = {}
    for run in ("cold", "warm"):
        parallel = build(portal.root, f"site-{run}", "--strict", env={"QINGLIAN_CACHE_DIR": str(parallel_caches)})
        assert parallel.returncode == 0, parallel.stderr[-3000:]
        assert_same_site(portal.root / "site-serial", portal.root / f"site-{run}")
        logs[run] = parallel.stderr
    # The cold build's pages were rendered by the workers; the warm one reused what they stored,
    # every page by its recorded key, so it had none to hand to a worker.
    rendered = re.search(r"并行生成：2 个进程生成了 (\d+) 个页面的正文", logs["cold"])
    assert rendered is not None and int(rendered[1]) > 50, logs["cold"][-2000:]
    assert "并行生成" not in logs["warm"]
    kept = re.search(r"页面依赖：(\d+) 个页面（共 (\d+) 个）", logs["warm"])
    assert kept is not None and kept[1] == kept[2]
    assert "页面缓存：0 个页面沿用缓存的正文" not in logs["warm"]


def test_a_generated_corpus_in_three_workers_is_the_serial_build(tmp_path: Path):
    bench_corpus.generate_corpus(150, 7, tmp_path / "corpus")
    for workers in (1, 3):
        bench_corpus.qinglian_project(tmp_path / "corpus", tmp_path / f"w{workers}", workers=workers)
        result = build(tmp_path / f"w{workers}", "site", env={"QINGLIAN_CACHE_DIR": str(tmp_path / f"caches-{workers}")})
        assert result.returncode == 0, result.stderr[-3000:]
    assert "并行生成：3 个进程" in result.stderr
    # With the memo empty, the workers read and checked the documents, too.
    assert "并行读取：3 个进程读取并检查了 150 篇文档" in result.stderr
    assert_same_site(tmp_path / "w1/site", tmp_path / "w3/site")


def test_documents_read_in_workers_report_the_problems_a_serial_read_does(tmp_path: Path):
    bench_corpus.generate_corpus(120, 3, tmp_path / "corpus")
    speeches = sorted((tmp_path / "corpus/content/speeches").glob("*.md"))
    # Two editors' mistakes, in files that different workers read.
    for source, (good, bad) in zip(speeches[3:5], [("date: ", "date: 2023-02-30 #"), ("title: ", "title:\n  - 列表 #")]):
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace(good, bad, 1), encoding="utf-8")
    reports = {}
    for workers in (1, 2):
        bench_corpus.qinglian_project(tmp_path / "corpus", tmp_path / f"w{workers}", workers=workers)
        result = build(tmp_path / f"w{workers}", "site", env={"QINGLIAN_CACHE_DIR": str(tmp_path / f"caches-{workers}")})
        assert result.returncode != 0
        assert not (tmp_path / f"w{workers}/site").exists()
        reports[workers] = [line for line in result.stderr.splitlines() if line.startswith("ERROR") and ".md" in line]
    assert "并行读取：2 个进程" in result.stderr
    assert any(speeches[3].name in line for line in reports[1]) and any(speeches[4].name in line for line in reports[1])
    assert reports[1] == reports[2]


def test_a_warning_in_a_worker_fails_strict_once(project: Project):
    with_workers(project.root, 2)
    project.write("content/speeches/2024-broken.md", speech() + "\n详见[旧文件](../cases/2019-gone.md)。\n")
    result = project.build("--strict")
    assert result.returncode == 1
    warning = "contains a link '../cases/2019-gone.md', but the target 'cases/2019-gone.md' is not found"
    assert result.stderr.count(warning) == 1, result.stderr[-3000:]
    assert "speeches/2024-broken.md" in result.stderr and "并行生成：2 个进程" in result.stderr
    assert "Aborted with 1 warnings in strict mode" in result.stdout + result.stderr


def test_an_error_in_a_worker_is_reported_by_the_build(project: Project):
    """A page a worker cannot render is rendered again by the build, which names the file and the error.

    The page passes every content check and fails only in the theme (a template that does not
    exist), so the workers run, the one with the page swallows the error, and the serial pass reports it.
    """
    with_workers(project.root, 2)
    for number in range(30):
        project.write(f"content/speeches/2024-extra-{number}.md", speech(title=f"第{number}篇讲话", date="2024-04-01"))
    project.write("docs/notes.md", "---\ntitle: 说明\ntemplate: no-such-template.html\n---\n\n说明的正文。\n")
    result = project.build()
    assert result.returncode == 1
    assert "并行生成：2 个进程生成了" in result.stderr, result.stderr
    assert "no-such-template.html" in result.stderr and "Traceback" not in result.stderr
    assert "意外退出" not in result.stderr


DYING_WORKER = textwrap.dedent(
    """
    import os, signal, sys
    from qinglian.engines import activate, named
    activate(named(os.environ["QINGLIAN_ENGINE"]))
    from qinglian.incremental import engine_workers
    from qinglian.cli import main

    rendering = engine_workers._populate

    def dying(page, config, files):
        # The first worker is killed, as the system's out-of-memory killer would.
        if page.file.src_uri.startswith("cases/") and os.getpid() != PARENT:
            os.kill(os.getpid(), signal.SIGKILL)
        return rendering(page, config, files)

    PARENT = os.getpid()
    engine_workers._populate = dying
    sys.exit(main(sys.argv[1:]))
    """
)


def test_a_killed_worker_fails_the_publish_and_the_live_site_stays(portal: Project, tmp_path: Path):
    with_workers(portal.root, 2)
    dest = tmp_path / "www"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_BUILD_DATE": EXAMPLE_BUILD_DATE, "QINGLIAN_ENGINE": ENGINE.name}
    first = subprocess.run([sys.executable, "-m", "qinglian.cli", "publish", "--dest", str(dest)], cwd=portal.root,
                           capture_output=True, text=True, timeout=600, env=env)
    assert first.returncode == 0, first.stderr[-3000:]
    live = (dest / "current").resolve()
    before = {p: p.read_bytes() for p in live.rglob("*") if p.is_file()}
    speech_file = portal.root / "content/speeches/2024-warning-education-conference.md"
    speech_file.write_text(speech_file.read_text(encoding="utf-8") + "\n补充一段。\n", encoding="utf-8")
    # --full: after one edit, the other pages keep their recorded keys, too few to fork workers for.
    dying = subprocess.run([sys.executable, "-c", DYING_WORKER, "publish", "--full", "--dest", str(dest)], cwd=portal.root,
                           capture_output=True, text=True, timeout=600, env=env)
    assert dying.returncode != 0
    assert "并行生成页面的第 1 个进程（共 2 个）意外退出（被信号 SIGKILL 终止）" in dying.stderr, dying.stderr[-3000:]
    assert "Traceback" not in dying.stderr
    assert (dest / "current").resolve() == live
    assert {p: p.read_bytes() for p in live.rglob("*") if p.is_file()} == before
    # The next publish, with workers that live, goes through.
    again = subprocess.run([sys.executable, "-m", "qinglian.cli", "publish", "--dest", str(dest)], cwd=portal.root,
                           capture_output=True, text=True, timeout=600, env=env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert cache_of(portal.root, "pages/cache.sqlite").is_file()


def test_workers_must_be_a_count(project: Project):
    with_workers(project.root, -1)
    result = project.build()
    assert result.returncode == 1
    assert "workers 应为 0（使用全部处理器核心）或正整数，实际为 -1" in result.stderr
