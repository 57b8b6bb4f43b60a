"""Cache options an operator mistypes: a build refuses a folder that holds what the cache did not make, and deletes nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import MKDOCS_YML, Project
from qinglian.cache_guard import MARKER, Protected, UnsafeCacheFolder, claim


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def _configure(project: Project, options: str) -> None:
    project.write("mkdocs.yml", MKDOCS_YML.format(page_size=3) + "".join(f"      {line}\n" for line in options.splitlines()))


def _office(tmp_path: Path) -> Path:
    office = tmp_path / "office"
    (office / "reports").mkdir(parents=True)
    (office / "reports" / "q1.xlsx").write_bytes(b"PK\x03\x04 quarterly figures")
    (office / "notes.txt").write_text("会议纪要", encoding="utf-8")
    return office


def test_a_page_cache_option_naming_an_office_folder_is_refused_and_deletes_nothing(project: Project, tmp_path: Path):
    office = _office(tmp_path)
    before = _files(office)
    _configure(project, f"page_cache_dir: {office}")
    result = project.build()
    assert result.returncode != 0
    assert f"缓存目录 {office}（page_cache_dir）中已有不是缓存生成的内容（notes.txt、reports）" in result.stderr
    assert _files(office) == before
    assert not (office / MARKER).exists()


def test_search_cache_dir_dot_dot_leaves_the_repository_and_its_neighbours_alone(project: Project, tmp_path: Path):
    """The audit's typo: ``search_cache_dir: ".."`` deleted the repository with .git, the live site and a notes folder."""
    (project.root / ".git").mkdir()
    (project.root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    notes = tmp_path.parent / f"{tmp_path.name}-notes"
    notes.mkdir()
    (notes / "a.txt").write_text("keep")
    _configure(project, 'search_cache_dir: ".."')
    result = project.build()
    assert result.returncode != 0
    assert "（search_cache_dir）包含" in result.stderr
    assert (project.root / ".git" / "HEAD").is_file() and (project.root / "content" / "vocabulary.yml").is_file()
    assert (notes / "a.txt").read_text() == "keep"


@pytest.mark.parametrize("option", ["cache_dir", "page_cache_dir", "search_cache_dir"])
def test_a_cache_option_that_is_a_symlink_is_refused(project: Project, tmp_path: Path, option: str):
    office = _office(tmp_path)
    before = _files(office)
    link = tmp_path / "cache-link"
    os.symlink(office, link)
    _configure(project, f"{option}: {link}")
    result = project.build()
    assert result.returncode != 0
    assert f"缓存目录 {link}（{option}）是符号链接" in result.stderr
    assert _files(office) == before


@pytest.mark.parametrize("target", ["", "docs", "content", "site"])
def test_a_cache_may_not_hold_or_sit_in_the_project_docs_content_or_site(project: Project, target: str):
    project.build_ok()
    site = _files(project.root / "site")
    _configure(project, f"cache_dir: {project.root / target if target else project.root.parent}")
    result = project.build()
    assert result.returncode != 0
    assert "缓存目录" in result.stderr and "网站没有生成" in result.stderr
    assert _files(project.root / "site") == site


def test_a_new_or_empty_folder_becomes_a_cache_and_is_used_again(project: Project, tmp_path: Path):
    cache = tmp_path / "fresh" / "cache"
    _configure(project, f"cache_dir: {cache}")
    project.build_ok()
    project.build_ok()
    assert (cache / MARKER).is_file() and (cache / "pages" / MARKER).is_file() and (cache / "search" / MARKER).is_file()


def test_a_cache_made_before_the_marker_is_adopted_and_a_later_foreign_file_survives_pruning(project: Project, tmp_path: Path):
    cache = tmp_path / "cache"
    _configure(project, f"cache_dir: {cache}")
    project.build_ok()
    for marker in cache.rglob(MARKER):
        marker.unlink()
    project.build_ok()
    assert (cache / "search" / MARKER).is_file()
    # Someone puts a file in the claimed search cache later: pruning removes only what the cache makes.
    (cache / "search" / "budget.xlsx").write_bytes(b"x")
    (cache / "search" / "0123456789abcdef-old").mkdir()
    project.write("content/speeches/2024-second.md", project.root.joinpath("content/speeches/2024-warning.md").read_text().replace("在警示", "第二次警示"))
    project.build_ok()
    assert (cache / "search" / "budget.xlsx").is_file() and (cache / "search" / "0123456789abcdef-old").is_dir()


def test_two_options_naming_one_folder_are_refused(project: Project, tmp_path: Path):
    _configure(project, f"page_cache_dir: {tmp_path / 'c'}\nsearch_cache_dir: {tmp_path / 'c'}")
    result = project.build()
    assert result.returncode != 0 and "指向同一个文件夹" in result.stderr


def test_claim_refuses_a_file_and_a_linked_marker(tmp_path: Path):
    protected = Protected.of(tmp_path / "project", ())
    (tmp_path / "file").write_text("x")
    with pytest.raises(UnsafeCacheFolder, match="是一个文件"):
        claim(tmp_path / "file", "pages", protected)
    folder = tmp_path / "c"
    folder.mkdir()
    os.symlink(tmp_path / "file", folder / MARKER)
    with pytest.raises(UnsafeCacheFolder):
        claim(folder, "pages", protected)
