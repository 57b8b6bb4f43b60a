"""The collections and their front-matter schemas."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..structure.document import Collection
from .frontmatter import KeyPath, type_name
from .quizzes import ALL_OR_NOTHING, HALF_FOR_PARTIAL, PRACTICE, QUIZ_MODES, QuestionSchema, check_bank, check_mode
from .recurrence import RULE_EXAMPLES, RecurrenceRule, RuleError
from ..structure.regulation import normalise_anchor
from .schema import (
    Boolean,
    Field,
    Invalid,
    Choice,
    Date,
    Duration,
    Integer,
    ListOf,
    Nested,
    Ref,
    Schema,
    Slug,
    Term,
    Text,
    Time,
    ValidationContext,
)

DISCIPLINES = ("政治纪律", "组织纪律", "廉洁纪律", "群众纪律", "工作纪律", "生活纪律")
SESSION_FORMS = ("集中学习", "专题研讨", "警示教育", "自学", "知识测试")


class PublishedSchema(Schema):
    """Fields every collection shares; each names its own date and issuing unit."""

    title = Text("标题")
    topics = ListOf("专题", Term("专题", "topics"), min_items=1)
    summary = Text("摘要", required=False)
    # The official document's number (XX县纪发〔2025〕5号), shown in the header and searchable.
    doc_number = Text("文号", required=False)
    # The official document's distribution note (此件发至县处级): readers and printers see who it was for.
    distribution = Text("发文范围", required=False)
    slug = Slug("网址名", required=False)
    draft = Boolean("草稿", required=False, default=False)
    publish_date = Date("定时发布日期", required=False)
    expire_date = Date("撤下日期", required=False)

    @classmethod
    def check(cls, values: dict[str, Any], ctx: ValidationContext, base: KeyPath) -> dict[str, Any] | None:
        published, expires = values["publish_date"], values["expire_date"]
        if published is not None and expires is not None and expires < published:
            ctx.report(base + ("expire_date",), f"不早于定时发布日期 {published.isoformat()} 的日期", expires.isoformat())
            return None
        return values


class DocumentSchema(PublishedSchema):
    date = Date("发布日期")
    unit = Term("发文单位", "units")


class SpeechSchema(DocumentSchema):
    speaker = Term("讲话人职务", "roles")
    occasion = Text("会议名称")


class RepeatSchema(Schema):
    every = Text("重复规则")
    first = Date("开始日期", required=False, key="from")
    last = Date("结束日期", required=False, key="until")
    skip = ListOf("跳过的日期", Date("跳过的日期"), required=False, default=[], key="except")

    @classmethod
    def check(cls, values: dict[str, Any], ctx: ValidationContext, base: KeyPath) -> dict[str, Any] | None:
        try:
            values["rule"] = RecurrenceRule.parse(values["every"])
        except RuleError as exc:
            ctx.report(base + ("every",), "以下形式之一：" + RULE_EXAMPLES, str(exc).removeprefix("无法识别的重复规则"))
            return None
        return values


class SessionSchema(Schema):
    date = Date("学习日期", required=False)
    repeat = Nested("重复安排", RepeatSchema, required=False)
    start = Time("开始时间", required=False)
    duration = Duration("时长", required=False)
    topic = Text("学习主题")
    form = Choice("学习形式", SESSION_FORMS)
    unit = Term("参学单位", "units", required=False)
    location = Text("地点", required=False)
    readings = ListOf("学习材料", Ref("学习材料"), required=False, default=[])
    quiz = Ref("在线测试", required=False)


class PlanSchema(DocumentSchema):
    year = Integer("年度", minimum=2000, maximum=2100)
    sessions = ListOf("学习安排", Nested("学习安排", SessionSchema), min_items=1)

    @classmethod
    def check(cls, values: dict[str, Any], ctx: ValidationContext, base: KeyPath) -> dict[str, Any] | None:
        if super().check(values, ctx, base) is None:
            return None
        ok = True
        for index, session in enumerate(values["sessions"]):
            occurrences = _occurrences(session, values["year"], ctx, base + ("sessions", index))
            if occurrences is None:
                ok = False
            else:
                session["occurrences"] = occurrences
        return values if ok else None


class QuizBankSchema(DocumentSchema):
    # pass_score is the same mark under the name an exam's settings use; a quiz writes one of the two.
    pass_mark = Integer("及格分", minimum=0, maximum=10000, required=False)
    pass_score = Integer("及格分", minimum=0, maximum=10000, required=False)
    mode = Choice("作答方式", QUIZ_MODES, required=False, default=PRACTICE)
    time_limit = Integer("考试限时（分钟）", minimum=1, maximum=600, required=False)
    # What the pass mark was set against; a change of questions that changes the total is then noticed.
    full_marks = Integer("满分", minimum=1, maximum=10000, required=False)
    draw = Integer("每次抽题数", minimum=1, maximum=1000, required=False)
    multiple_scoring = Choice("多选题计分", (ALL_OR_NOTHING, HALF_FOR_PARTIAL), required=False, default=ALL_OR_NOTHING)
    questions = ListOf("题目", Nested("题目", QuestionSchema), min_items=1)

    @classmethod
    def check(cls, values: dict[str, Any], ctx: ValidationContext, base: KeyPath) -> dict[str, Any] | None:
        if super().check(values, ctx, base) is None or check_mode(values, ctx, base) is None:
            return None
        return check_bank(values, ctx, base)


REGULATION_STATUSES = ("现行有效", "已修订", "已废止")


class BasisSchema(Schema):
    """One regulation a case applied, and the articles of it."""

    regulation = Ref("依据的党纪法规")
    articles = ListOf("条款", Text("条款"), min_items=1)


class CaseSchema(DocumentSchema):
    discipline = Choice("违反的纪律", DISCIPLINES)
    outcome = Text("处理结果")
    lessons = ListOf("警示要点", Text("警示要点"), min_items=1)
    basis = ListOf("处理依据", Nested("处理依据", BasisSchema), required=False, default=[])


class ArticleMap(Field[dict[str, str]]):
    """``article_map`` of a revised regulation: old article → new article, or 删除."""

    expected = "旧条号到新条号的对照列表，每项如 {old: 第十条, new: 第十二条}（或 new: 删除）"

    def convert(self, value: Any, ctx: ValidationContext, key_path: KeyPath) -> dict[str, str]:
        # The workspace's form writes a list of {old: …, new: …}; a hand-written mapping is the short form.
        if isinstance(value, list) and all(isinstance(item, dict) and set(item) == {"old", "new"} for item in value):
            olds = [item["old"] for item in value]
            repeated = next((old for old in olds if olds.count(old) > 1), None)
            if repeated is not None:
                raise Invalid("每个旧条号只写一次", f"“{repeated}”写了 {olds.count(repeated)} 次")
            value = {item["old"]: item["new"] for item in value}
        if not isinstance(value, dict) or not value:
            raise Invalid(self.expected, type_name(value))
        pairs: dict[str, str] = {}
        for old, new in value.items():
            if not isinstance(old, str) or not isinstance(new, str) or not old.strip() or not new.strip():
                raise Invalid(self.expected, f"“{old}: {new}”")
            pairs[normalise_anchor(old)] = normalise_anchor(new)
        return pairs


class RegulationSchema(PublishedSchema):
    issuer = Term("制定机关", "units")
    adopted = Date("通过日期")
    effective = Date("施行日期")
    revised = ListOf("修订日期", Date("修订日期"), required=False, default=[])
    status = Choice("效力状态", REGULATION_STATUSES, required=False, default="现行有效")
    replaced_by = Ref("新版本", required=False)
    # The version this one revises, and corrections to the automatic alignment of their articles.
    revises = Ref("修订的旧版本", required=False)
    article_map = ArticleMap("新旧条号对照", required=False)

    @classmethod
    def check(cls, values: dict[str, Any], ctx: ValidationContext, base: KeyPath) -> dict[str, Any] | None:
        if super().check(values, ctx, base) is None:
            return None
        if values["effective"] < values["adopted"]:
            ctx.report(base + ("effective",), f"不早于通过日期 {values['adopted'].isoformat()} 的日期", values["effective"].isoformat())
            return None
        if values["status"] == "已修订" and values["replaced_by"] is None:
            ctx.report(base + ("replaced_by",), "已修订的法规指向其新版本，如 regulations/2025-xx", "缺少该字段")
            return None
        # Listings, archives and unit pages know every document by its date and unit.
        values["date"], values["unit"] = values["adopted"], values["issuer"]
        return values


def _occurrences(session: dict[str, Any], year: int, ctx: ValidationContext, at: KeyPath) -> list[dt.date] | None:
    """The dates a session entry stands for, or ``None`` after reporting why there are none."""
    in_year = f"{year} 年内的日期（计划年度 year 为 {year}）"
    date, repeat = session["date"], session["repeat"]
    if date is not None and repeat is not None:
        ctx.report(at + ("repeat",), "date（单次）和 repeat（重复）二选一", "两者都写了", "单次学习写 date，定期学习写 repeat。")
        return None
    if date is None and repeat is None:
        if session["start"] is not None:
            ctx.report(at + ("start",), "写了开始时间的学习安排同时写明日期 date 或重复安排 repeat", "只有开始时间 start", "请补上“date: 年-月-日”。")
        else:
            ctx.report(at + ("date",), "学习日期 date，或重复安排 repeat", "缺少该字段", "请补上“date: 年-月-日”。")
        return None
    if session["duration"] is not None and session["start"] is None:
        ctx.report(at + ("duration",), "与开始时间 start 一起填写的时长", "只有时长 duration", "请补上“start: 14:30”之类的开始时间，或删去时长。")
        return None
    if date is not None:
        if date.year != year:
            ctx.report(at + ("date",), in_year, date.isoformat())
            return None
        return [date]

    first = repeat["from"] or dt.date(year, 1, 1)
    last = repeat["until"] or dt.date(year, 12, 31)
    for key, value in (("from", first), ("until", last)):
        if value.year != year:
            ctx.report(at + ("repeat", key), in_year, value.isoformat())
            return None
    if last < first:
        ctx.report(at + ("repeat", "until"), f"不早于开始日期 {first.isoformat()} 的日期", last.isoformat())
        return None
    dates = repeat["rule"].dates(first, last, frozenset(repeat["except"]))
    if not dates:
        ctx.report(
            at + ("repeat", "every"),
            f"在 {first.isoformat()} 至 {last.isoformat()} 之间至少有一天的重复规则",
            f"“{repeat['every']}”，这段时间内没有符合的日子",
            "请检查规则、起止日期 from/until 和跳过的日期 except。",
        )
        return None
    return dates


SPEECHES = Collection("speeches", "领导讲话", "讲话", "各级领导在廉政教育会议上的讲话。")
CASES = Collection("cases", "案例通报", "案例", "违纪违法典型案例通报与警示教育材料。")
PLANS = Collection("plans", "学习计划", "计划", "各单位的年度廉政学习计划与学习安排。")
QUIZZES = Collection("quizzes", "在线测试", "测试", "依据讲话和案例编写的自测题，用于自学自测。")
REGULATIONS = Collection("regulations", "党纪法规", "法规", "本地区、本系统的党纪法规和廉洁从业规定，逐章逐条阅读。")

COLLECTIONS: dict[str, tuple[Collection, type[Schema]]] = {
    SPEECHES.name: (SPEECHES, SpeechSchema),
    CASES.name: (CASES, CaseSchema),
    PLANS.name: (PLANS, PlanSchema),
    QUIZZES.name: (QUIZZES, QuizBankSchema),
    REGULATIONS.name: (REGULATIONS, RegulationSchema),
}
