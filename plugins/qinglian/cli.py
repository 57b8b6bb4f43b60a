"""The ``qinglian`` command for editors and operators."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .importer.command import import_files, new_document
from .engines import ENGINE_VARIABLE
from .site_config import qinglian_options, read_site_config
from .workspace.command import accounts_command, edit, install_cms
from .importer.metadata import KINDS, SLUG_NAME
from .publish import command as publish_command
from .publish.doctor import doctor as run_doctor
from .content.hand_written import check_hand_written
from .content.loader import DEFAULT_VOCABULARY_FILE, LoadResult, load_content
from .markdown.migration import dialect_problems
from .structure.problems import Severity
from .structure.quiz import bank_of
from .views.lms_export import to_gift, to_moodle_xml
from .structure.clock import BUILD_DATE_VARIABLE, DEFAULT_TIMEZONE, ClockError, build_clock

# Per server, so the checkout stays as the editors committed it (docs/operators, 发布).
SITE_URL_VARIABLE = "QINGLIAN_SITE_URL"


def _check(args: argparse.Namespace) -> int:
    loaded = _load(args.content, args.vocabulary)
    if loaded is None:
        return 2
    docs = Path(args.docs)
    if docs.is_dir():
        # Hand-written pages reach readers too, under the same rules (the build checks them alike).
        settings = _site_settings(Path(args.config))
        hand_written = check_hand_written(docs.resolve(), Path.cwd().resolve(), settings["raw_html_exempt"], settings["own_assets"])
        loaded.log.problems += hand_written.log.problems
    # Bodies the switch to CommonMark shows otherwise than before (warnings; --dialect lists only these).
    changed = dialect_problems([*loaded.corpus.documents, *loaded.withheld], Path.cwd().resolve())
    if args.dialect:
        loaded.log.problems = changed
    else:
        loaded.log.problems += changed
    problems = loaded.log.sorted()
    if args.paths:
        # The whole content is still loaded, so references into and out of these files are checked.
        wanted = [Path(p).resolve() for p in args.paths]
        problems = [p for p in problems if any(_within(Path(p.path).resolve(), w) for w in wanted)]
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    if args.format == "json":
        json.dump(
            {"documents": len(loaded.sources), "errors": errors, "warnings": warnings, "problems": [p.as_dict() for p in problems]},
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        print()
    else:
        for problem in problems:
            print(f"{problem.severity.value}  {problem}")
        print(f"检查了 {len(loaded.sources)} 个文档：{errors} 个错误，{warnings} 个警告。")
    return 1 if errors or (args.strict and warnings) else 0


def _site_settings(config: Path) -> dict[str, list[str]]:
    """The parts of mkdocs.yml the checks need, read without running anything it names."""
    settings: dict[str, list[str]] = {"raw_html_exempt": [], "own_assets": []}
    data = read_site_config(config)
    if data is None:
        return settings
    settings["raw_html_exempt"] = [str(e) for e in qinglian_options(data).get("raw_html_exempt") or []]
    for key in ("extra_css", "extra_javascript"):
        for item in data.get(key) or []:
            settings["own_assets"].append(str(item.get("path", "")) if isinstance(item, dict) else str(item))
    return settings


def _within(path: Path, wanted: Path) -> bool:
    return path == wanted or wanted in path.parents


def _load(content: str, vocabulary: str = DEFAULT_VOCABULARY_FILE) -> LoadResult | None:
    content_dir = Path(content).resolve()
    if not content_dir.is_dir():
        print(f"找不到内容目录：{content}", file=sys.stderr)
        return None
    try:
        clock = build_clock(DEFAULT_TIMEZONE, os.environ.get(BUILD_DATE_VARIABLE))
    except ClockError as exc:
        print(f"{BUILD_DATE_VARIABLE}：{exc}", file=sys.stderr)
        return None
    return load_content(content_dir, Path.cwd().resolve(), vocabulary, today=clock.today)


def _export_quiz(args: argparse.Namespace) -> int:
    loaded = _load(args.content)
    if loaded is None:
        return 2
    wanted = args.bank.resolve()
    documents = [*loaded.corpus.documents, *loaded.withheld]
    document = next((d for d in documents if d.source.resolve() == wanted), None)
    if document is None or document.collection.name != "quizzes":
        problems = [p for p in loaded.log.errors if Path(p.path).resolve() == wanted]
        for problem in problems:
            print(f"{problem.severity.value}  {problem}", file=sys.stderr)
        reason = "题库有错误（见上）" if problems else "不是 content/quizzes/ 中的题库文件"
        print(f"无法导出 {args.bank}：{reason}。", file=sys.stderr)
        return 1
    bank = bank_of(document)
    text = to_gift(bank) if args.format == "gift" else to_moodle_xml(bank)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"已导出 {len(bank.questions)} 道题到 {args.output}（{'Moodle GIFT' if args.format == 'gift' else 'Moodle XML'}，UTF-8）。")
    return 0


def _short_name(text: str) -> str:
    if not SLUG_NAME.match(text):
        raise argparse.ArgumentTypeError(f"“{text}”应为小写英文字母、数字和连字符，如 work-points")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qinglian", description="清廉教育学习平台工具")
    parser.add_argument("--version", action="version", version=f"qinglian {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")
    check = commands.add_parser("check", help="检查内容目录中的全部文档，不生成网站")
    check.add_argument("paths", nargs="*", metavar="路径", help="只报告这些文件或文件夹中的问题（默认报告全部）")
    check.add_argument("--content", default="content", help="内容目录（默认 content）")
    check.add_argument("--vocabulary", default=DEFAULT_VOCABULARY_FILE, help="词表文件，相对于内容目录")
    check.add_argument("--docs", default="docs", help="手写页面目录（默认 docs，不存在时跳过）")
    check.add_argument("--config", default="mkdocs.yml", help="网站配置文件，读取其中的 raw_html_exempt（默认 mkdocs.yml）")
    check.add_argument("--format", choices=("text", "json"), default="text", help="输出格式")
    check.add_argument("--strict", action="store_true", help="有警告时也以失败退出")
    check.add_argument("--dialect", action="store_true", help="只列出正文在新的 Markdown 规则下显示不同的每一处")
    check.set_defaults(handler=_check)
    importer = commands.add_parser("import", help="把 Word（.docx）或文本（.txt）文件导入为文档")
    importer.add_argument("files", nargs="+", type=Path, metavar="文件", help="一个或多个 .docx、.doc、.wps 或 .txt 文件（.doc 和 .wps 需要安装 LibreOffice）")
    importer.add_argument("--type", required=True, choices=sorted(KINDS), dest="kind", help="文档类型：speech 讲话、case 案例、plan 计划、quiz 测试、regulation 党纪法规")
    importer.add_argument("--unit", help="发文单位（词表 units 中的一项），不写时留待填写")
    importer.add_argument("--out", type=Path, help="写入的文件夹（默认为内容目录中对应的栏目文件夹）")
    importer.add_argument("--content", default="content", type=Path, help="内容目录（默认 content）")
    importer.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    importer.add_argument(
        "--name", type=_short_name, metavar="英文名",
        help="文件名中年份之后的部分，小写英文字母、数字和连字符，如 work-points（默认取标题前几个字的拼音）",
    )
    importer.add_argument("--revises", metavar="旧版本", help="导入修订后的法规时，写明它修订的旧版本，如 regulations/2018-xx（两个文件的修订关系都会写好）")
    importer.set_defaults(handler=lambda a: import_files(a.files, a.kind, a.unit, a.content, a.out, a.force, a.name, a.revises))
    new = commands.add_parser("new", help="按模板新建一篇文档")
    new.add_argument("kind", choices=sorted(KINDS), help="speech 讲话、case 案例、plan 计划、quiz 测试、regulation 党纪法规")
    new.add_argument("title", help="标题")
    new.add_argument("--out", type=Path, help="写入的文件夹（默认为内容目录中对应的栏目文件夹）")
    new.add_argument("--content", default="content", type=Path, help="内容目录（默认 content）")
    new.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    new.set_defaults(handler=lambda a: new_document(a.kind, a.title, a.content, a.out, a.force))
    export = commands.add_parser("export-quiz", help="把题库导出为 Moodle GIFT 或 Moodle XML 文件")
    export.add_argument("bank", type=Path, help="题库文件，如 content/quizzes/2024-eight-rules-self-test.md")
    export.add_argument("--format", choices=("gift", "xml"), required=True, help="gift 或 xml（Moodle XML）")
    export.add_argument("-o", "--output", type=Path, required=True, help="写入的文件")
    export.add_argument("--content", default="content", help="内容目录（默认 content），用于核对题目出处")
    export.set_defaults(handler=_export_quiz)
    publish = commands.add_parser("publish", help="生成并校验新版本，再原子切换为正在使用的网站")
    publish.add_argument("--dest", type=Path, help="发布目录，网站服务器指向其中的 current（默认取本服务器发布设置文件中的 dest）")
    publish.add_argument("--config", default="mkdocs.yml", type=Path, help="网站配置文件（默认 mkdocs.yml）")
    publish.add_argument("--keep", type=int, help="保留最近生成的几个版本（默认取发布设置文件中的 keep，没有时为 5，至少 2）")
    publish.add_argument("--wait", default=0, type=float, metavar="秒", help="另一次发布正在进行时最多等待几秒（默认不等待）")
    publish.add_argument(
        "--site-url", default=os.environ.get(SITE_URL_VARIABLE) or None, metavar="地址",
        help=f"读者访问的网站地址，代替发布设置文件和 mkdocs.yml 中的 site_url（也可用环境变量 {SITE_URL_VARIABLE}）",
    )
    publish.add_argument("--pull", action="store_true", help="先在仓库中执行 git pull --ff-only；失败时不发布（退出码 6）")
    publish.add_argument(
        "--engine", choices=("properdocs", "mkdocs"), default=os.environ.get(ENGINE_VARIABLE) or "",
        help=f"生成网站所用的引擎（默认：已安装 ProperDocs 时用 ProperDocs，否则用 MkDocs；也可用环境变量 {ENGINE_VARIABLE}）",
    )
    publish.add_argument(
        "--full", action="store_true",
        help="重新组装、写入并校验全部页面，不与正在使用的版本共用未变的页面，也不按记录的依赖沿用缓存键（结果与默认方式逐字节相同）",
    )
    publish.set_defaults(handler=lambda a: publish_command.publish_as_configured(
        a.config.resolve(), a.dest, publish_command.PublishOptions(a.keep or 0, a.wait, a.site_url, a.pull, a.engine, a.full),
    ))
    rollback = commands.add_parser("rollback", help="切换回上一个版本，或用 --to 指定的版本")
    rollback.add_argument("--dest", required=True, type=Path, help="发布目录")
    rollback.add_argument("--to", metavar="版本", help="切换到这个版本（qinglian releases 列出的名称，如 20261122-020000）")
    rollback.add_argument("--wait", default=0, type=float, metavar="秒", help="另一次发布正在进行时最多等待几秒")
    rollback.set_defaults(handler=lambda a: publish_command.rollback(a.dest.absolute(), a.wait, a.to))
    doctor = commands.add_parser("doctor", help="检查本服务器的发布设置：设置文件、仓库、发布目录、缓存、nginx、定时任务")
    doctor.add_argument("--config", default="mkdocs.yml", type=Path, help="网站配置文件（默认 mkdocs.yml）")
    doctor.set_defaults(handler=lambda a: run_doctor(a.config.resolve()))
    releases = commands.add_parser("releases", help="列出发布目录中的全部版本")
    releases.add_argument("--dest", required=True, type=Path, help="发布目录")
    releases.set_defaults(handler=lambda a: publish_command.list_releases(a.dest.absolute()))
    workspace = commands.add_parser("edit", help="启动编辑工作台（浏览器中的表单编辑、检查、提交和审核）")
    workspace.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，只供本机或 nginx 转发）")
    workspace.add_argument("--port", default=8081, type=int, help="端口（默认 8081）")
    workspace.add_argument("--install-cms", action="store_true", help="安装工作台所需的 Decap CMS（从 npm 仓库下载并校验）后退出")
    workspace.add_argument("--from", dest="archive", type=Path, metavar="文件", help="与 --install-cms 一起用：从已下载的 decap-cms 压缩包安装")
    workspace.set_defaults(handler=lambda a: install_cms(a.archive) if a.install_cms else edit(Path.cwd().resolve(), a.host, a.port))
    accounts = commands.add_parser("accounts", help="管理编辑工作台的账户")
    account_actions = accounts.add_subparsers(dest="action", required=True, metavar="操作")
    add = account_actions.add_parser("add", help="建立账户或重设密码")
    add.add_argument("name", help="账户名，显示在提交记录中")
    add.add_argument("--role", choices=("editor", "reviewer"), default="editor", help="editor 编辑（默认）或 reviewer 审核")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（供脚本使用）")
    remove = account_actions.add_parser("remove", help="删除账户")
    remove.add_argument("name", help="账户名")
    account_actions.add_parser("list", help="列出全部账户")
    accounts.set_defaults(handler=lambda a: accounts_command(
        Path.cwd().resolve(), a.action, getattr(a, "name", None), getattr(a, "role", "editor"), getattr(a, "password_stdin", False)))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
