"""A publish builds the branch's committed tree: an untracked or hand-edited file in the server's checkout never goes live."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLE_BUILD_DATE, Project, speech
from qinglian.publish.committed import TREE_INDEX, tree_folder


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", "-c", "user.name=编辑", "-c", "user.email=e@example.invalid", *args], cwd=root,
                            capture_output=True, text=True, check=True)
    return result.stdout


def publish(root: Path, dest: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_BUILD_DATE": EXAMPLE_BUILD_DATE}
    return subprocess.run([sys.executable, "-m", "qinglian.cli", "publish", "--dest", str(dest)], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def _dest(tmp_path: Path) -> Path:
    # The project fixture is tmp_path itself: the destination must be outside the repository.
    return tmp_path.parent / f"{tmp_path.name}-www"


def _repository(project: Project) -> None:
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "内容")


def test_untracked_and_uncommitted_files_are_not_published_and_are_named(project: Project, tmp_path: Path):
    _repository(project)
    project.write("content/speeches/2026-unreviewed.md", speech("没有审核的讲话", "2026-01-05"))
    warning = project.root / "content/speeches/2024-warning.md"
    warning.write_text(warning.read_text(encoding="utf-8").replace("讲话正文。", "手工改动的正文。"), encoding="utf-8")
    dest = _dest(tmp_path)
    result = publish(project.root, dest)
    assert result.returncode == 0, result.stderr
    assert "以下未提交的文件不会发布" in result.stdout
    assert "content/speeches/2026-unreviewed.md" in result.stdout and "content/speeches/2024-warning.md" in result.stdout
    live = (dest / "current").resolve()
    assert not (live / "speeches" / "2026-unreviewed").exists()
    page = (live / "speeches" / "2024-warning" / "index.html").read_text(encoding="utf-8")
    assert "讲话正文。" in page and "手工改动" not in page
    assert "2026-unreviewed" not in (live / "sitemap.xml").read_text(encoding="utf-8")

    # Once committed, the next publish carries it; the copy keeps unchanged files as they were.
    copy = tree_folder(project.root.resolve())
    kept = (copy / "docs" / "index.md").stat().st_mtime_ns
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "签发")
    result = publish(project.root, dest)
    assert result.returncode == 0, result.stderr
    assert "未提交" not in result.stdout
    assert "更新了 2 个文件" in result.stdout
    assert (dest / "current").resolve().joinpath("speeches", "2026-unreviewed", "index.html").is_file()
    assert (copy / "docs" / "index.md").stat().st_mtime_ns == kept
    assert (copy / TREE_INDEX).is_file()


def test_a_file_deleted_on_the_branch_leaves_the_copy(project: Project, tmp_path: Path):
    project.write("content/speeches/2025-other.md", speech("另一篇讲话", "2025-02-01"))
    _repository(project)
    dest = _dest(tmp_path)
    assert publish(project.root, dest).returncode == 0
    git(project.root, "rm", "-q", "content/speeches/2025-other.md")
    git(project.root, "commit", "-qm", "删除")
    result = publish(project.root, dest)
    assert result.returncode == 0, result.stderr
    assert "删除了 1 个" in result.stdout
    assert not (dest / "current").resolve().joinpath("speeches", "2025-other").exists()


def test_a_detached_head_is_refused_with_what_to_do(project: Project, tmp_path: Path):
    _repository(project)
    git(project.root, "checkout", "-q", "--detach")
    result = publish(project.root, _dest(tmp_path))
    assert result.returncode == 6
    assert "HEAD 游离" in result.stderr and "git checkout" in result.stderr and "Traceback" not in result.stderr
    assert not (_dest(tmp_path) / "current").exists()


def test_a_folder_that_is_not_a_repository_is_built_as_it_is_and_says_so(project: Project, tmp_path: Path):
    result = publish(project.root, _dest(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "不是 git 仓库：按文件夹的现状生成" in result.stdout
