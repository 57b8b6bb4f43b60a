"""Read the content folder into a validated corpus, collecting every problem on the way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

from ..structure.corpus import Corpus
from ..structure.document import Document
from ..structure.problems import Problem, ProblemLog, display_path
from ..structure.regulation import parse_regulation
from .collections import COLLECTIONS, REGULATIONS
from .frontmatter import FrontMatterError, KeyPath, split_front_matter
from .citations import check_regulation_links, link_regulations, resolve_bases
from ..revisions.links import link_revisions
from .comments import comment_problems
from .scan import RESERVED_HINT, Finding, scan
from .schema import RESERVED_SLUGS, SLUG_PATTERN, ValidationContext, format_key_path
from .suggestions import suggestion
from .html_policy import check_markdown
from .resolving import References, build_banks, resolve_sessions
from .tree import (
    ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_PAGE_BYTES, PAGE_TYPES, attachment_type_problem, link_problem, size_problem, walk,
)
from .vocabulary import Vocabulary, load_vocabulary

DEFAULT_VOCABULARY_FILE = "vocabulary.yml"
_IGNORED_NAMES = {"README.md", "readme.md"}
# What a document's reading depends on besides its own file: the folder, the root, the vocabulary's bytes.
ReadingContext = tuple[str, str, bytes]


class RememberedDocuments(Protocol):
    """Documents read by an earlier load (``incremental.memo``): a file not changed since is not read again."""

    def load(
        self, path: Path, context: ReadingContext, read: Callable[[ProblemLog], Document | None], log: ProblemLog
    ) -> Document | None: ...

    def read_ahead(
        self, paths: list[Path], context: ReadingContext, read: Callable[[Path, ProblemLog], Document | None], workers: int
    ) -> tuple[int, float] | None:
        """Read the files it does not know in ``workers`` processes before they are loaded: how many, in how many seconds."""
        ...


@dataclass
class LoadResult:
    corpus: Corpus
    log: ProblemLog
    # Drafts, documents before their publish date and after their expire date are kept
    # apart: they never reach a published build, only a local preview.
    withheld: list[Document]
    sources: list[Path]
    today: dt.date
    # Pictures and other files beside the documents, checked for type, size and links.
    attachments: list[Path] = field(default_factory=list)
    # What the documents were checked against, and how to read one again (``quick_reload``).
    vocabulary: Vocabulary | None = None
    memo_context: ReadingContext | None = None


def _published_files(
    content_dir: Path, root: Path, log: ProblemLog, overrides: Mapping[Path, bytes | None]
) -> tuple[list[Path], list[Path]]:
    """Documents and attachments to publish; links, unknown types and oversized files are errors."""
    tree = walk(content_dir)
    log.problems += [link_problem(link, root) for link in tree.links]
    documents, attachments = [], []
    present = set(tree.files)
    files = [path for path in tree.files if overrides.get(path, b"") is not None]
    files += sorted(path for path, data in overrides.items() if data is not None and path not in present)
    for path in files:
        relative = path.relative_to(content_dir)
        if path.suffix in PAGE_TYPES:
            if path.name not in _IGNORED_NAMES:
                documents.append(path)
            continue
        if len(relative.parts) < 2 or relative.parts[0] not in COLLECTIONS:
            continue  # vocabulary.yml and notes beside the collections are never published
        if path.suffix.lower() not in ATTACHMENT_TYPES:
            log.add(attachment_type_problem(path, root))
        elif path.stat().st_size > MAX_ATTACHMENT_BYTES:
            log.add(size_problem(path, root, MAX_ATTACHMENT_BYTES, "附件", "请压缩后再提交。"))
        else:
            attachments.append(path)
    return documents, attachments


def load_content(
    content_dir: Path,
    root: Path,
    vocabulary_file: str = DEFAULT_VOCABULARY_FILE,
    *,
    today: dt.date,
    memo: RememberedDocuments | None = None,
    overrides: Mapping[Path, bytes | None] | None = None,
    workers: int = 1,
    on_read_ahead: Callable[[int, int, float], None] | None = None,
) -> LoadResult:
    """Load and validate ``content_dir`` as published on ``today``.

    ``root`` is what paths in messages are relative to. With a ``memo``, files unchanged
    since its last use are not read again, and files it does not know are read by ``workers``
    processes first (``on_read_ahead`` hears the workers, the files and the seconds). ``overrides`` are
    documents as they would be after a save (path → bytes, or None for a deletion), checked
    without touching the files.
    """
    overrides = overrides or {}
    log = ProblemLog()
    vocabulary = load_vocabulary(content_dir / vocabulary_file, root, log)
    if log.errors:
        # Every document is judged against the vocabulary; without a sound one, nothing more
        # can be said that would not be noise.
        corpus = Corpus(collections=[collection for collection, _ in COLLECTIONS.values()], documents=[], units={}, topics={})
        return LoadResult(corpus, log, [], [], today)
    documents: list[Document] = []
    # Keys of documents whose own file failed, so references to them are not reported twice over.
    failed: set[str] = set()
    sources, attachments = _published_files(content_dir, root, log, overrides)
    context = (str(content_dir), str(root), (content_dir / vocabulary_file).read_bytes())
    if memo is not None and workers > 1:
        ahead = [path for path in sources if path not in overrides]
        done = memo.read_ahead(ahead, context, lambda path, into: load_document(path, content_dir, root, vocabulary, into), workers)
        if done is not None and on_read_ahead is not None:
            on_read_ahead(workers, *done)
    for path in sources:
        if memo is None or path in overrides:
            document = load_document(path, content_dir, root, vocabulary, log, overrides.get(path))
        else:
            document = memo.load(path, context, lambda into, path=path: load_document(path, content_dir, root, vocabulary, into), log)
        if document is not None:
            documents.append(document)
        else:
            failed.add(f"{path.relative_to(content_dir).parts[0]}/{path.stem}")

    _check_unique_slugs(documents, log)
    published = [d for d in documents if d.withheld(today) is None]
    withheld = [d for d in documents if d.withheld(today) is not None]
    corpus = Corpus(
        collections=[collection for collection, _ in COLLECTIONS.values()],
        documents=published,
        units=vocabulary.slugs.get("units", {}),
        topics=vocabulary.slugs.get("topics", {}),
    )
    references = References(corpus, {d.key: d for d in withheld}, failed, log, today)
    resolve_sessions(references)
    build_banks(references)
    regulations = references.documents_of(REGULATIONS.name)
    resolve_bases(references.documents_of("cases"), references.resolve, references.log)
    check_regulation_links([*references.corpus.documents, *references.withheld.values()], regulations, references.log)
    link_regulations(regulations, references.corpus.by_collection["cases"], references.corpus.sessions)
    link_revisions(regulations, set(corpus.by_key), references.resolve, references.log)
    return LoadResult(corpus, log, withheld, sources, today, attachments, vocabulary, context)


def load_document(
    path: Path, content_dir: Path, root: Path, vocabulary: Vocabulary, log: ProblemLog, data: bytes | None = None
) -> Document | None:
    """One document, from its file or from ``data`` (what a save would write there)."""
    shown = display_path(path, root)
    folder = path.relative_to(content_dir).parts[0]
    if folder not in COLLECTIONS or len(path.relative_to(content_dir).parts) < 2:
        log.add(
            Problem(
                shown,
                1,
                "",
                "位于栏目文件夹 " + "、".join(f"{name}/" for name in COLLECTIONS) + " 之一",
                f"文件夹“{folder}”" if folder != path.name else "直接放在内容目录下",
                suggestion(folder, list(COLLECTIONS)) + "请把文件移到对应栏目的文件夹中。",
            )
        )
        return None
    collection, schema = COLLECTIONS[folder]

    if (len(data) if data is not None else path.stat().st_size) > MAX_PAGE_BYTES:
        log.add(size_problem(path, root, MAX_PAGE_BYTES, "文档", "文档过大会拖慢所有读者的浏览器；请把长文拆成几篇，或把原件作为 PDF 附件。", data))
        return None
    try:
        text = data.decode("utf-8") if data is not None else path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        log.add(Problem(shown, 1, "", "UTF-8 编码的文本", "其他编码（可能是 GB18030/GBK）", "请用 UTF-8 编码另存该文件。"))
        return None
    try:
        front_matter = split_front_matter(text)
    except FrontMatterError as exc:
        log.add(Problem(shown, exc.line, "", exc.expected, exc.found, exc.hint))
        if exc.body is not None:
            # The body is checked all the same: one check reports everything it can.
            check_body(exc.body, exc.body_line, shown, log)
            _report_findings([f for f in scan(text) if f.line >= exc.body_line], shown, {}, log, exc.body_line)
        return None

    findings = scan(text)
    check_body(front_matter.body, front_matter.body_line, shown, log)
    for repair in front_matter.repairs:
        log.add(Problem(shown, repair.line, repair.key, repair.expected, f"{repair.what}：“{repair.found}”", f"请改为：{repair.corrected}"))
    _report_findings(findings, shown, front_matter.lines, log, front_matter.body_line)
    # Lines still holding a placeholder are reported once, as such, not again by the schema.
    waiting = {f.line for f in findings if f.kind == "placeholder"}
    local = ProblemLog()
    ctx = ValidationContext(shown, front_matter, vocabulary, local)
    for key_path, line in front_matter.duplicate_keys:
        local.add(Problem(shown, line, format_key_path(key_path), "每个字段只写一次", "重复的字段", "后写的值会覆盖前面的值。"))
    fields = schema.validate(front_matter.data, ctx)
    for problem in local.problems:
        if problem.line not in waiting:
            log.add(problem)
    if fields is None or any(f.kind in ("placeholder", "reserved") for f in findings):
        return None
    if collection is REGULATIONS:
        text = parse_regulation(front_matter.body, front_matter.body_line)
        for problem in text.problems:
            log.add(Problem(shown, problem.line, "正文", problem.expected, problem.found, _NUMBERING_HINT))
        if text.problems:
            return None
        fields["text"] = text

    slug = fields.get("slug") or path.stem
    if not fields.get("slug") and (not SLUG_PATTERN.match(slug) or slug in RESERVED_SLUGS):
        log.add(
            Problem(
                shown,
                1,
                "slug",
                "由小写英文字母、数字和连字符组成的文件名，或在元数据中写明网址名 slug",
                f"文件名“{path.name}”",
                "文档网址取自文件名；文件名含中文、大写或空格时，请加一行“slug: 2024-xxx”。",
            )
        )
        return None
    return Document(
        collection=collection,
        slug=slug,
        source=path,
        shown_path=shown,
        fields=fields,
        body=front_matter.body,
        slug_line=front_matter.lines.get(("slug",), 1),
        lines=front_matter.lines,
        body_line=front_matter.body_line,
    )


_NUMBERING_HINT = "党纪法规的章按顺序编号，条在全文中连续编号（第一条、第二条……），节在每章内编号；请改正编号，或补上漏掉的一条。"

_FINDINGS = {
    "reserved": ("不含网站内部标记的内容", "网站内部使用的标记“{found}…”", RESERVED_HINT),
    "placeholder": ("填写完整的内容", "导入或模板留下的占位符“{found}”", "请按提示填写，并删去“【待填写……】”。"),
    "id_card": ("不含个人信息的内容", "身份证号码 {found}", "请删去或改为 XXX；确需保留时，在该行末尾加注 qinglian-allow。"),
    "mobile": ("不含个人信息的内容", "手机号码 {found}", "请删去或改为 XXX；确需保留时，在该行末尾加注 qinglian-allow。"),
}


def check_body(body: str, first_line: int, shown: str, log: ProblemLog) -> None:
    """The checks of a document's body: the raw-HTML policy and comments that will be dropped."""
    log.problems += [violation.problem(shown) for violation in check_markdown(body, first_line)]
    log.problems += comment_problems(body, first_line, shown)


def _report_findings(findings: list[Finding], shown: str, lines: dict[KeyPath, int], log: ProblemLog, body_line: int) -> None:
    fields_at = {line: format_key_path(path) for path, line in sorted(lines.items(), key=lambda item: len(item[0]))}
    for finding in findings:
        expected, found, hint = _FINDINGS[finding.kind]
        field = "正文" if finding.line >= body_line else fields_at.get(finding.line, "")
        log.add(Problem(shown, finding.line, field, expected, found.format(found=finding.found), hint))


def _check_unique_slugs(documents: list[Document], log: ProblemLog) -> None:
    by_key: dict[str, list[Document]] = {}
    for document in documents:
        by_key.setdefault(document.key, []).append(document)
    for key, same in by_key.items():
        if len(same) < 2:
            continue
        for document in same:
            others = "、".join(other.shown_path for other in same if other is not document)
            log.add(
                Problem(
                    document.shown_path,
                    document.slug_line,
                    "slug",
                    "在栏目内唯一的网址名",
                    f"“{document.slug}”，与 {others} 相同",
                    "请修改其中一个文件的文件名或 slug。",
                )
            )
    # A duplicate leaves both documents out, so a build never picks one of them silently.
    duplicates = {key for key, same in by_key.items() if len(same) > 1}
    documents[:] = [d for d in documents if d.key not in duplicates]
