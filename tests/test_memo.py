"""Documents remembered between builds (incremental/memo.py): in one process and, through the cache database, across them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import Project, cache_of
from qinglian.incremental.database import CacheDatabase
from qinglian.incremental.memo import DocumentMemo
from qinglian.structure.problems import Problem, ProblemLog

CONTEXT = ("content", "root", b"vocabulary")


class Reader:
    """Stands in for load_document: counts the reads, returns the file's text as the document."""

    def __init__(self) -> None:
        self.reads = 0

    def __call__(self, path: Path):
        def read(log: ProblemLog):
            self.reads += 1
            log.add(Problem(path.name, 1, "title", "标题", "空"))
            return path.read_text(encoding="utf-8")

        return read


def load(memo: DocumentMemo, path: Path, reader: Reader, context=CONTEXT) -> tuple[object, list[Problem]]:
    log = ProblemLog()
    document = memo.load(path, context, reader(path), log)
    return document, log.problems


def test_a_file_is_read_once_while_its_content_stays(tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text("原文", encoding="utf-8")
    memo, reader = DocumentMemo("code-1"), Reader()
    first = load(memo, page, reader)
    # The same status, then the same bytes under a new modification time (git checkout, touch).
    assert load(memo, page, reader) == first
    os.utime(page, ns=(1, 1))
    assert load(memo, page, reader) == first and reader.reads == 1
    # Problems come back with the document, as when the file is read.
    assert first[1] and first[1][0].found == "空"
    page.write_text("改过", encoding="utf-8")
    assert load(memo, page, reader)[0] == "改过" and reader.reads == 2
    # Another vocabulary (context): read again.
    load(memo, page, reader, ("content", "root", b"other vocabulary"))
    assert reader.reads == 3


def test_the_memo_file_serves_another_process_and_another_checkout(tmp_path: Path):
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    pages = [checkout / f"{number}.md" for number in range(3)]
    for number, page in enumerate(pages):
        page.write_text(f"第{number}篇", encoding="utf-8")
    memo, reader = DocumentMemo("code-1"), Reader()
    for page in pages:
        load(memo, page, reader)
    memo.forget_unseen()
    stored = CacheDatabase(tmp_path / "cache")
    memo.write(stored)
    assert stored.path.is_file()
    # A fresh clone at the same place: new inodes and times, the same bytes.
    shutil.rmtree(checkout)
    checkout.mkdir()
    for number, page in enumerate(pages):
        page.write_text(f"第{number}篇" if number else "改过的第0篇", encoding="utf-8")
    again, reader = DocumentMemo.read(stored, "code-1"), Reader()
    assert [load(again, page, reader)[0] for page in pages] == ["改过的第0篇", "第1篇", "第2篇"]
    assert reader.reads == 1
    # Other code may read documents differently: nothing is trusted.
    other, reader = DocumentMemo.read(stored, "code-2"), Reader()
    for page in pages:
        load(other, page, reader)
    assert reader.reads == 3
    # A damaged file is an empty memo, not an error; another process opens it anew and finds it damaged.
    stored.close()
    stored.path.write_bytes(b"not a memo" * 1000)
    assert len(DocumentMemo.read(CacheDatabase(tmp_path / "cache"), "code-1")) == 0
    # A damaged row is dropped on its own; the other rows serve.
    rewritten = CacheDatabase(tmp_path / "cache")
    memo.write(rewritten)
    rewritten.write("UPDATE documents SET entry = '[1, 2' WHERE path = ?", (str(pages[1]),))
    rewritten.commit()
    again, reader = DocumentMemo.read(rewritten, "code-1"), Reader()
    for page in pages:
        load(again, page, reader)
    # The edited first file and the damaged row are read again.
    assert len(again) == 3 and reader.reads == 2


def test_an_unchanged_memo_is_not_written_again(tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text("原文", encoding="utf-8")
    memo = DocumentMemo("code-1")
    load(memo, page, Reader())
    memo.forget_unseen()
    stored = CacheDatabase(tmp_path / "cache")
    memo.write(stored)
    written = stored.total_changes
    again = DocumentMemo.read(stored, "code-1")
    load(again, page, Reader())
    again.forget_unseen()
    again.write(stored)
    assert stored.total_changes == written
    # A file gone from the content is dropped from the memo.
    page.unlink()
    again.forget_unseen()
    again.write(stored)
    assert len(DocumentMemo.read(stored, "code-1")) == 0


def test_a_build_from_the_memo_reports_the_same_problems(project: Project):
    """The second build reads no document, yet an editor sees the same message and the same failure."""
    broken = project.root / "content/speeches/2099-broken.md"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text("---\ntitle: 缺少日期的讲话\n---\n\n正文。\n", encoding="utf-8")
    first = project.build()
    assert first.returncode != 0 and "2099-broken.md" in first.stderr
    assert cache_of(project.root, "pages/cache.sqlite").is_file()
    second = project.build()
    assert second.returncode != 0
    messages = [line for line in first.stderr.splitlines() if "2099-broken.md" in line]
    assert messages and all(message in second.stderr for message in messages)


def read_with_problem(path: Path, log: ProblemLog) -> str:
    """load_document's signature for read_ahead: the file's text, with one problem."""
    log.add(Problem(path.name, 1, "title", "标题", "空"))
    if path.name == "7.md":
        raise ValueError("a reader bug: the loader's own pass meets it again")
    return path.read_text(encoding="utf-8")


def test_files_read_ahead_by_workers_load_as_files_read_here(tmp_path: Path):
    pages = [tmp_path / f"{number}.md" for number in range(80)]
    for number, page in enumerate(pages):
        page.write_text(f"第{number}篇", encoding="utf-8")
    serial, reader = DocumentMemo("code-1"), Reader()
    expected = [load(serial, page, reader) for page in pages]
    memo = DocumentMemo("code-1", copies=False)
    done = memo.read_ahead(pages, CONTEXT, read_with_problem, 2)
    # The file whose reading raised is left to the loader's own pass, which reads it (and would report what fails).
    assert done is not None and done[0] == 79
    reader = Reader()
    assert [load(memo, page, reader) for page in pages] == expected and reader.reads == 1
    # What the workers read is kept as read here: in the memo file, and known to the next build.
    memo.forget_unseen()
    memo.write(CacheDatabase(tmp_path / "cache"))
    again, reader = DocumentMemo.read(CacheDatabase(tmp_path / "cache"), "code-1"), Reader()
    assert [load(again, page, reader) for page in pages] == expected and reader.reads == 0
    # Known files are not read ahead again; nor are too few to be worth a fork.
    assert again.read_ahead(pages, CONTEXT, read_with_problem, 2) is None
    assert DocumentMemo("code-1").read_ahead(pages[:10], CONTEXT, read_with_problem, 2) is None


def test_the_files_of_a_worker_that_dies_are_read_by_the_loader(tmp_path: Path):
    pages = [tmp_path / f"{number}.md" for number in range(120)]
    for number, page in enumerate(pages):
        page.write_text(f"第{number}篇", encoding="utf-8")
    parent = os.getpid()

    def dying(path: Path, log: ProblemLog) -> str:
        # The second worker (odd files) dies, out of memory say, half-way through its share.
        if os.getpid() != parent and path.name == "61.md":
            os._exit(137)
        return read_with_problem(path, log)

    memo = DocumentMemo("code-1")
    done = memo.read_ahead(pages, CONTEXT, dying, 2)
    assert done is not None and 59 <= done[0] < 119
    reader = Reader()
    loaded = [load(memo, page, reader) for page in pages]
    assert [document for document, _ in loaded] == [f"第{number}篇" for number in range(120)]
    assert reader.reads == 120 - done[0]


def test_one_changed_file_writes_one_row(tmp_path: Path):
    pages = [tmp_path / f"{number}.md" for number in range(600)]
    for number, page in enumerate(pages):
        page.write_text(f"第{number}篇", encoding="utf-8")
    stored = CacheDatabase(tmp_path / "cache")
    memo = DocumentMemo("code-1")
    for page in pages:
        load(memo, page, Reader())
    memo.forget_unseen()
    memo.write(stored)
    rows = dict(stored.rows("SELECT path, entry FROM documents"))
    assert len(rows) == 600
    # One edit and one deletion: the next build reads only the edited file, and writes two rows.
    pages[5].write_text("改过的第5篇", encoding="utf-8")
    pages[9].unlink()
    memo, reader = DocumentMemo.read(stored, "code-1"), Reader()
    loaded = [load(memo, page, reader)[0] for page in pages if page.exists()]
    assert loaded[5] == "改过的第5篇" and reader.reads == 1
    memo.forget_unseen()
    before = stored.total_changes
    memo.write(stored)
    assert stored.total_changes - before == 2 + 1  # the edited row, the deleted row, the memo's setting
    now = dict(stored.rows("SELECT path, entry FROM documents"))
    assert set(rows) - set(now) == {str(pages[9])}
    assert [name for name in now if now[name] != rows[name]] == [str(pages[5])]
    memo, reader = DocumentMemo.read(stored, "code-1"), Reader()
    assert [load(memo, page, reader)[0] for page in pages if page.exists()] == loaded and reader.reads == 0
