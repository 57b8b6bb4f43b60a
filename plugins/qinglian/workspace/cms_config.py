"""Decap CMS's configuration, made from the content schema on every request (never written by hand).

Vocabulary terms become drop-downs, read live; dates become date fields saving ``YYYY-MM-DD``;
plan sessions, case bases and quiz questions (one form per question type) become nested forms.
Labels come from the schema and hints from docs/editors/schema.md, so the form says what the guide says.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..content.collections import COLLECTIONS, ArticleMap
from ..content.quizzes import BLANKS, MULTIPLE, QUESTION_TYPES, QuestionSchema, SINGLE, TRUE_FALSE
from ..content.schema import (
    SLUG_PATTERN, Boolean, Choice, Date, Duration, Field, Integer, ListOf, Nested, Ref, Schema, Slug, Term, Text, Time,
)
from ..content.vocabulary import Vocabulary

# Reference fields whose targets are few enough for a drop-down; others take typed text.
_REF_TARGETS = {"regulation": "regulations", "replaced_by": "regulations", "revises": "regulations", "quiz": "quizzes"}
_REF_PATTERN = r"^(speeches|cases|plans|quizzes|regulations)/[a-z0-9][a-z0-9-]*(#.+)?$"
_REF_HINT = "写“栏目/文件名”，如 speeches/2024-warning-education，可加“#小标题”"
_LONG_TEXT = {"summary", "outcome", "question", "explanation"}
MEDIA_FOLDER = "images"


# A date as the portal writes it (YYYY-MM-DD), shown in Chinese; registered by workspace.js.
DATE_WIDGET = "qinglian-date"


# The schema guide names the vocabulary's lists and values as they are written in the files; a form says what they are.
_FORM_WORDS = {"词表 units 中的一项": "词表中的一个发文单位", "词表 topics 中": "词表的专题中", "词表 roles 中": "词表的职务中",
               "true 时": "勾选时"}


def _in_form_words(hint: str) -> str:
    hint = hint.replace("`", "")
    for written, said in _FORM_WORDS.items():
        hint = hint.replace(written.replace("`", ""), said)
    return hint


def _hints(schema_doc: Path) -> dict[str, dict[str, str]]:
    """The 含义 column of each field table in the editors' schema guide, by section."""
    hints: dict[str, dict[str, str]] = {}
    section = "common"
    try:
        lines = schema_doc.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return hints
    for line in lines:
        heading = re.match(r"^##\s+(.*)", line)
        folder = re.search(r"content/(\w+)/", line)
        if heading:
            section = folder.group(1) if folder else "common"
        elif line.startswith("每次学习安排"):
            section = "plans.sessions"
        row = re.match(r"^\|\s*`([a-z_]+)`\s*\|([^|]*)\|([^|]*)\|", line)
        if row:
            hints.setdefault(section, {})[row.group(1)] = row.group(3).strip().replace("`", "")
    return hints


class FormBuilder:
    def __init__(self, vocabulary: Vocabulary, references: dict[str, list[tuple[str, str]]], hints: dict[str, dict[str, str]]) -> None:
        self.vocabulary = vocabulary
        self.references = references
        self.hints = hints

    def _hint(self, section: str, name: str) -> str:
        for place in (section, section.split(".")[0], "common"):
            if name in self.hints.get(place, {}):
                return _in_form_words(self.hints[place][name])
        return ""

    def fields(self, schema: type[Schema], section: str) -> list[dict[str, Any]]:
        labels = {name: spec.label for name, spec in schema.fields.items()}
        return [self.field(name, spec, section, labels) for name, spec in schema.fields.items()]

    def field(self, name: str, spec: Field[Any], section: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
        form: dict[str, Any] = {"name": name, "label": spec.label, "required": spec.required}
        hint = self._hint(section, name)
        # The guide names other fields by their keys (`start`); the form shows them by their labels.
        for key, label in (labels or {}).items():
            hint = re.sub(rf"(?<![\w`]){re.escape(key)}(?![\w`])", f"“{label}”", hint) if key != name else hint
        if hint and hint != spec.label:
            form["hint"] = hint
        form.update(self._widget(name, spec, section))
        return form

    def _widget(self, name: str, spec: Field[Any], section: str) -> dict[str, Any]:
        if isinstance(spec, Slug):
            return {"widget": "string", "pattern": [SLUG_PATTERN.pattern, "小写英文字母、数字和连字符，如 2025-private-club"]}
        if isinstance(spec, Boolean):
            return {"widget": "boolean", "default": False}
        if isinstance(spec, Date):
            # The workspace's own date widget (workspace.js): shown and typed as 2026年12月6日, kept as 2026-12-06,
            # no time zone (Decap's datetime showed mm/dd/yyyy and "UTC" in an English browser).
            return {"widget": DATE_WIDGET, **({} if spec.required else {"default": ""})}
        if isinstance(spec, Time):
            return {"widget": "string", "pattern": [r"^([01]?\d|2[0-3]):[0-5]\d$", "24 小时制，如 14:30"]}
        if isinstance(spec, Duration):
            return {"widget": "string"}
        if isinstance(spec, Integer):
            return {"widget": "number", "value_type": "int", "min": spec.minimum, "max": spec.maximum}
        if isinstance(spec, Choice):
            return {"widget": "select", "options": list(spec.choices)}
        if isinstance(spec, Term):
            return {"widget": "select", "options": self._terms(spec.kind)}
        if isinstance(spec, Ref):
            return self._reference(name)
        if isinstance(spec, ArticleMap):
            return {"widget": "list", "collapsed": False, "fields": [
                {"name": "old", "label": "旧版本条号", "widget": "string"},
                {"name": "new", "label": "新版本条号（或“删除”）", "widget": "string"},
            ]}
        if isinstance(spec, Nested):
            fields = self.fields(spec.schema, f"{section}.{name}")
            if not spec.required:
                # An optional group (a session's repeat) may stay empty: the form must not demand its parts;
                # the save's check still requires them once the group is filled in.
                for field in fields:
                    field["required"] = False
            return {"widget": "object", "collapsed": False, "fields": fields}
        if isinstance(spec, ListOf):
            item = spec.item
            if isinstance(item, Term):
                return {"widget": "select", "multiple": True, "options": self._terms(item.kind), **({"min": spec.min_items} if spec.min_items else {})}
            if isinstance(item, Nested):
                return {"widget": "list", "collapsed": False, "fields": self.fields(item.schema, f"{section}.{name}"),
                        **({"min": spec.min_items} if spec.min_items else {})}
            inner = self.field("item", item, section)
            inner["label"] = spec.label
            inner.pop("hint", None)
            return {"widget": "list", "field": inner, **({"min": spec.min_items} if spec.min_items else {})}
        if isinstance(spec, Text):
            return {"widget": "text" if name in _LONG_TEXT else "string"}
        raise TypeError(f"no form widget for {type(spec).__name__}")

    def _terms(self, kind: str) -> list[str]:
        return list(self.vocabulary.terms(kind) or [])

    def _reference(self, name: str) -> dict[str, Any]:
        target = _REF_TARGETS.get(name)
        if target is not None:
            return {"widget": "select", "options": [{"label": label, "value": value} for value, label in self.references.get(target, [])]}
        return {"widget": "string", "pattern": [_REF_PATTERN, _REF_HINT]}

    def questions(self, spec: ListOf[Any]) -> dict[str, Any]:
        """Quiz questions: one form per type, the answer shaped as that type needs."""
        # answer and blanks take their shape from the type, below.
        common = {n: self.field(n, f, "quizzes.questions") for n, f in QuestionSchema.fields.items() if n not in ("type", "answer", "blanks")}
        answers = {
            SINGLE: {"name": "answer", "label": "答案", "widget": "string", "hint": "正确选项的字母，如 B"},
            MULTIPLE: {"name": "answer", "label": "答案", "widget": "list", "hint": "正确选项的字母，用逗号分隔，如 A, C"},
            TRUE_FALSE: {"name": "answer", "label": "答案", "widget": "select", "options": ["正确", "错误"]},
        }
        blanks = {"name": "blanks", "label": "填空答案", "widget": "list", "hint": "每个空一项；一个空有几种说法时用逗号分隔",
                  "field": {"name": "alternatives", "label": "可接受的答案", "widget": "list"}}
        types = []
        for kind in QUESTION_TYPES:
            fields = [common["question"]]
            if kind in (SINGLE, MULTIPLE):
                fields.append({**common["options"], "required": True})
            fields.append({**blanks, "required": True} if kind == BLANKS else {**answers[kind], "required": True})
            fields += [common["points"], common["explanation"], common["source"]]
            types.append({"label": kind, "name": kind, "widget": "object", "fields": fields})
        return {"name": "questions", "label": spec.label, "widget": "list", "typeKey": "type", "types": types, "min": spec.min_items}


def cms_config(
    vocabulary: Vocabulary,
    references: dict[str, list[tuple[str, str]]],
    schema_doc: Path,
    *,
    branch: str,
    review: bool,
    content_folder: str = "content",
) -> dict[str, Any]:
    builder = FormBuilder(vocabulary, references, _hints(schema_doc))
    collections = []
    for name, (collection, schema) in COLLECTIONS.items():
        fields = []
        for field_name, spec in schema.fields.items():
            if field_name == "questions" and isinstance(spec, ListOf):
                fields.append(builder.questions(spec))
            else:
                fields.append(builder.field(field_name, spec, name))
        for form in fields:
            if form["name"] == "slug":
                form.update(required=True, label="网址名（文件名）",
                            hint="小写英文字母、数字和连字符，如 2025-private-club；决定文件名和网址，新建后不要修改")
        fields.append({"name": "body", "label": "正文", "widget": "markdown", "modes": ["rich_text", "raw"],
                       "hint": "小标题以“## ”开头；党纪法规按“第一章　总则”“第一条　……”的格式逐行书写"})
        collections.append({
            "name": name, "label": collection.label, "label_singular": collection.item_label,
            "description": collection.description, "folder": f"{content_folder}/{name}", "extension": "md",
            "format": "frontmatter", "create": True, "delete": True, "slug": "{{fields.slug}}",
            "identifier_field": "title", "summary": "{{title}}", "sortable_fields": ["title"],
            "media_folder": MEDIA_FOLDER, "public_folder": MEDIA_FOLDER, "fields": fields,
        })
    return {
        "backend": {"name": "proxy", "proxy_url": "/api/v1", "branch": branch},
        "load_config_file": False,
        "locale": "zh_Hans",
        "publish_mode": "editorial_workflow" if review else "",
        "media_folder": f"{content_folder}/speeches/{MEDIA_FOLDER}",
        "public_folder": MEDIA_FOLDER,
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": collections,
    }


def form_field_names(fields: list[dict[str, Any]]) -> set[str]:
    """Every key path a form can save, for the schema-coverage test: ``basis.regulation`` and so on."""
    names: set[str] = set()
    for form in fields:
        names.add(form["name"])
        children = list(form.get("fields") or [])
        for kind in form.get("types") or []:
            children += kind["fields"]
        if form.get("typeKey"):
            names.add(f"{form['name']}.{form['typeKey']}")
        names |= {f"{form['name']}.{child}" for child in form_field_names(children)}
    return names



