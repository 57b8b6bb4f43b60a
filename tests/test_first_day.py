"""What a new editor trips over first: full-width punctuation, joined lists, unknown terms, unfinished scaffolds."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import Project, speech

CASE = """\
---
title: XX局干部XX违规收受礼金问题的通报
date: 2024-03-05
unit: XX市纪委监委
topics: [警示教育]
discipline: 廉洁纪律
outcome: 党内警告
lessons:
  - 收受礼金必被查处
---

## 基本案情

案情。
"""


def check(project: Project) -> str:
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"], cwd=project.root, capture_output=True, text=True, timeout=60)
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def no_english(text: str) -> None:
    # The messages may quote field names and values, never the YAML parser's own words.
    assert not re.search(r"\b(?:could|expected|found|mapping|scanning|while|token)\b", text), text


def test_a_full_width_colon_names_its_own_line_the_field_and_the_corrected_line(project: Project):
    project.write("content/cases/2024-gift.md", CASE.replace("outcome: 党内警告", "outcome：党内警告").replace("topics: [警示教育]", "topics: [纠治四风]"))
    output = check(project)
    no_english(output)
    line = "content/cases/2024-gift.md:7: 字段“outcome”应为半角冒号加空格“: ”（切换到英文标点后输入），实际为全角冒号“：”：“outcome：党内警告”。请改为：outcome: 党内警告"
    assert line in output, output
    # Read as corrected, the rest of the file is checked in the same run.
    assert "content/cases/2024-gift.md:5: 字段“topics[1]”" in output and "纠治四风" in output


def test_a_full_width_colon_in_the_first_field(project: Project):
    project.write("content/cases/2024-gift.md", CASE.replace("title: ", "title："))
    output = check(project)
    no_english(output)
    assert "content/cases/2024-gift.md:2: 字段“title”" in output and "请改为：title: XX局干部XX违规收受礼金问题的通报" in output


def test_broken_front_matter_still_lets_the_body_be_checked(project: Project):
    project.write("content/cases/2024-gift.md", CASE.replace("outcome: 党内警告", 'outcome: "党内警告').replace("案情。", "案情。<script>x</script>"))
    output = check(project)
    no_english(output)
    assert "content/cases/2024-gift.md:7:" in output and "引号" in output
    assert "content/cases/2024-gift.md:14: 字段“正文”应为允许的 HTML，实际为<script>" in output


def test_terms_joined_by_chinese_commas_are_refused_with_the_list_as_meant(project: Project):
    for written in ("[警示教育，以案促改]", "[警示教育、以案促改]", "警示教育、以案促改"):
        project.write("content/cases/2024-gift.md", CASE.replace("topics: [警示教育]", f"topics: {written}"))
        output = check(project)
        assert "content/cases/2024-gift.md:5: 字段“topics”应为各项之间用半角逗号“,”分隔的列表" in output, output
        assert "请改为：topics: [警示教育, 以案促改]" in output
        assert "是否应为“警示教育”" not in output


def test_an_unknown_term_without_a_close_match_lists_the_allowed_ones(project: Project):
    project.write("content/cases/2024-gift.md", CASE.replace("topics: [警示教育]", "topics: [惠农资金监管]"))
    output = check(project)
    assert "可选的值：八项规定精神、警示教育、以案促改。" in output, output


def test_a_missing_required_field_is_one_message(project: Project):
    project.write("content/cases/2024-gift.md", CASE.replace("discipline: 廉洁纪律\n", ""))
    output = check(project)
    assert output.count("2024-gift.md") == 1 and "字段“discipline”" in output and "请补上" in output, output


def test_an_unfilled_scaffold_fails_check_and_the_build(project: Project):
    project.write("content/cases/2024-gift.md", CASE.replace("  - 收受礼金必被查处", "  - 待补充"))
    assert "content/cases/2024-gift.md:9: 字段“lessons[1]”应为填写完整的内容" in check(project)
    project.write("content/speeches/2024-warning.md", speech().replace("讲话正文。", "【待填写：正文】"))
    result = project.build()
    assert result.returncode != 0 and "content/speeches/2024-warning.md:14: 字段“正文”应为填写完整的内容" in result.stderr


def test_a_date_in_chinese_numerals_is_refused_with_the_date_in_digits(project: Project):
    project.write("content/cases/2024-gift.md", CASE.replace("date: 2024-03-05", "date: 二〇二四年三月五日"))
    output = check(project)
    assert "content/cases/2024-gift.md:3: 字段“date”" in output and "请改用阿拉伯数字：2024-03-05（或 2024年3月5日）" in output
    assert output.count("2024-gift.md") == 1
