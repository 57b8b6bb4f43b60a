"""The three collections and their front-matter schemas."""

from __future__ import annotations

from typing import Any

from ..structure.document import Collection
from .frontmatter import KeyPath
from .schema import (
    Boolean,
    Choice,
    Date,
    Integer,
    ListOf,
    Nested,
    Ref,
    Schema,
    Slug,
    Term,
    Text,
    ValidationContext,
)

DISCIPLINES = ("政治纪律", "组织纪律", "廉洁纪律", "群众纪律", "工作纪律", "生活纪律")
SESSION_FORMS = ("集中学习", "专题研讨", "警示教育", "自学", "知识测试")


class DocumentSchema(Schema):
    title = Text("标题")
    date = Date("发布日期")
    unit = Term("发文单位", "units")
    topics = ListOf("专题", Term("专题", "topics"), min_items=1)
    summary = Text("摘要", required=False)
    slug = Slug("网址名", required=False)
    draft = Boolean("草稿", required=False, default=False)


class SpeechSchema(DocumentSchema):
    speaker = Term("讲话人职务", "roles")
    occasion = Text("会议名称")


class CaseSchema(DocumentSchema):
    discipline = Choice("违反的纪律", DISCIPLINES)
    outcome = Text("处理结果")
    lessons = ListOf("警示要点", Text("警示要点"), min_items=1)


class SessionSchema(Schema):
    date = Date("学习日期")
    topic = Text("学习主题")
    form = Choice("学习形式", SESSION_FORMS)
    unit = Term("参学单位", "units", required=False)
    location = Text("地点", required=False)
    readings = ListOf("学习材料", Ref("学习材料"), required=False, default=[])


class PlanSchema(DocumentSchema):
    year = Integer("年度", minimum=2000, maximum=2100)
    sessions = ListOf("学习安排", Nested("学习安排", SessionSchema), min_items=1)

    @classmethod
    def check(cls, values: dict[str, Any], ctx: ValidationContext, base: KeyPath) -> dict[str, Any] | None:
        ok = True
        for index, session in enumerate(values["sessions"]):
            if session["date"].year != values["year"]:
                ctx.report(
                    base + ("sessions", index, "date"),
                    f"{values['year']} 年内的日期（计划年度 year 为 {values['year']}）",
                    f"{session['date'].isoformat()}",
                )
                ok = False
        return values if ok else None


SPEECHES = Collection("speeches", "领导讲话", "讲话", "各级领导在廉政教育会议上的讲话。")
CASES = Collection("cases", "案例通报", "案例", "违纪违法典型案例通报与警示教育材料。")
PLANS = Collection("plans", "学习计划", "计划", "各单位的年度廉政学习计划与学习安排。")

COLLECTIONS: dict[str, tuple[Collection, type[Schema]]] = {
    SPEECHES.name: (SPEECHES, SpeechSchema),
    CASES.name: (CASES, CaseSchema),
    PLANS.name: (PLANS, PlanSchema),
}
