"""Documents' bodies in one Markdown: CommonMark (the specification's examples), CJK-friendly emphasis and
line breaks, on the built site with everything bodies did before, and the migration warnings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, Project, speech
from qinglian.markdown import render_body

sys.path.insert(0, str(REPO / "scripts"))
from commonmark_spec import spec_path  # noqa: E402

# CommonMark 0.31 changed what counts as an HTML comment; these two examples still state 0.30's rule.
# (Bodies lose their comments before rendering anyway: content.comments.)
NOT_APPLYING = {625: "0.30 comment rule", 626: "0.30 comment rule"}

# The constructs the issue names, written the way editors and Decap write them.
CONSTRUCTS = [
    ("nested list indented by two", "* 一级\n  * 二级\n", "<ul>\n<li>一级\n<ul>\n<li>二级</li>\n</ul>\n</li>\n</ul>\n"),
    ("list right after a paragraph", "经查明的问题如下：\n1. 第一项\n2. 第二项\n",
     "<p>经查明的问题如下：</p>\n<ol>\n<li>第一项</li>\n<li>第二项</li>\n</ol>\n"),
    ("bullets under an ordered item by three", "1. 一级\n   * 二级\n", "<ol>\n<li>一级\n<ul>\n<li>二级</li>\n</ul>\n</li>\n</ol>\n"),
    ("line break between Chinese characters", "这是一段\n中文文本。\n", "<p>这是一段中文文本。</p>\n"),
    ("line break between Latin words", "English\nwords\n", "<p>English\nwords</p>\n"),
    ("line break after full-width punctuation", "第一句，\n第二句。\n", "<p>第一句，第二句。</p>\n"),
    ("line break across bold", "这是**重点**\n内容\n", "<p>这是<strong>重点</strong>内容</p>\n"),
    ("bold ending in a full-width colon", "**要求：**严格执行\n", "<p><strong>要求：</strong>严格执行</p>\n"),
    ("bold in Chinese quotes", "**“硬杠杠”**不能碰\n", "<p><strong>“硬杠杠”</strong>不能碰</p>\n"),
    ("table", "| 项目 | 金额 |\n| --- | --- |\n| 宴请 | 3000 |\n",
     "<table>\n<thead>\n<tr>\n<th>项目</th>\n<th>金额</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>宴请</td>\n<td>3000</td>\n</tr>\n</tbody>\n</table>\n"),
    ("strikethrough", "~~旧的说法~~\n", "<p><del>旧的说法</del></p>\n"),
    ("code keeps its line breaks", "```\n第一行\n第二行\n```\n", "<pre><code>第一行\n第二行\n</code></pre>\n"),
]

# The CJK-friendly emphasis amendment's rules, in Chinese: a delimiter run next to CJK punctuation
# still opens or closes emphasis where the CJK side stands for the space plain CommonMark wants.
CJK_FRIENDLY = [
    ("这是**（括号中的重点）**内容", "<p>这是<strong>（括号中的重点）</strong>内容</p>\n"),
    ("**第一条。**本规定适用于", "<p><strong>第一条。</strong>本规定适用于</p>\n"),
    ("请注意*《规定》第五条*的要求", "<p>请注意<em>《规定》第五条</em>的要求</p>\n"),
    ("**【警示】**不得收受礼金", "<p><strong>【警示】</strong>不得收受礼金</p>\n"),
    ("金额为**¥3,000**元", "<p>金额为<strong>¥3,000</strong>元</p>\n"),
    ("**`代码`也要注意。**后文", "<p><strong><code>代码</code>也要注意。</strong>后文</p>\n"),
    ("**[案例](./x.md)**与**[通报](./y.md)**", '<p><strong><a href="./x.md">案例</a></strong>与<strong><a href="./y.md">通报</a></strong></p>\n'),
    # Unchanged where no CJK character stands next to the delimiter: plain CommonMark.
    ("a**\"b\"**c", "<p>a**&quot;b&quot;**c</p>\n"),
    ("** 不是粗体 **", "<p>** 不是粗体 **</p>\n"),
]


def test_the_commonmark_specification_examples():
    path = spec_path()
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail("CI must fetch the CommonMark examples (python3 scripts/commonmark_spec.py).")
        pytest.skip("the CommonMark examples are missing: run `python3 scripts/commonmark_spec.py`.")
    examples = json.loads(path.read_text(encoding="utf-8"))
    failed = [e["example"] for e in examples if e["example"] not in NOT_APPLYING and render_body(e["markdown"]) != e["html"]]
    assert len(examples) > 600 and failed == []


@pytest.mark.parametrize("markdown, html", [(m, h) for _, m, h in CONSTRUCTS], ids=[name for name, _, _ in CONSTRUCTS])
def test_the_constructs_editors_write(markdown: str, html: str):
    assert render_body(markdown) == html


@pytest.mark.parametrize("markdown, html", CJK_FRIENDLY)
def test_cjk_friendly_emphasis(markdown: str, html: str):
    assert render_body(markdown) == html


BODY = """
## 一、基本案情

经查明的问题如下：
1. 违规接受宴请
   * 接受私营企业主安排的宴请
2. 违规收受礼金

**要求：**严格执行，详见[另一篇讲话](2024-warning.md#一正文)和[尚未发布的讲话](2024-draft.md)。
这一句在编辑器里
换了行。

![现场照片](images/scene.png)

<span class="ql-note">原始 HTML</span>
"""


def _case_project(project: Project) -> None:
    project.write("content/speeches/2024-second.md", speech(title="第二篇讲话", date="2024-04-01") + BODY)
    project.write("content/speeches/2024-draft.md", speech(title="尚未定稿的讲话", draft="true"))
    (project.root / "content/speeches/images").mkdir(parents=True, exist_ok=True)
    (project.root / "content/speeches/images/scene.png").write_bytes(
        bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                      "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082"))


def test_a_body_on_the_built_site_keeps_anchors_links_images_and_the_allow_list(project: Project):
    _case_project(project)
    # Not --strict: the link to the draft is a warning, as before.
    project.build_ok()
    page = project.html("speeches/2024-second/index.html")
    assert '<h2 id="一基本案情">' in page
    assert "<p>经查明的问题如下：</p>\n<ol>" in page and "<li>违规接受宴请\n<ul>\n<li>接受私营企业主安排的宴请</li>" in page
    assert "<strong>要求：</strong>严格执行" in page and "这一句在编辑器里换了行。" in page
    assert 'href="../2024-warning/#一正文"' in page
    assert "2024-draft" not in page and "尚未发布的讲话" in page
    assert 'src="../images/scene.png"' in page and (project.root / "site/speeches/images/scene.png").is_file()
    assert '<span class="ql-note">原始 HTML</span>' in page
    # The table of contents has the heading, with its Chinese anchor.
    assert 'href="#一基本案情"' in page


def test_a_broken_link_in_a_body_fails_strict_naming_the_file(project: Project):
    project.write("content/speeches/2024-second.md", speech(title="第二篇讲话", date="2024-04-01") + "\n见[不存在的文档](2024-missing.md)。\n")
    result = project.build("--strict")
    assert result.returncode != 0
    assert "2024-second.md" in result.stderr and "2024-missing.md" in result.stderr


def test_raw_html_outside_the_allow_list_is_still_refused(project: Project):
    project.write("content/speeches/2024-second.md", speech(title="第二篇讲话", date="2024-04-01") + "\n<script>alert(1)</script>\n")
    result = project.build()
    assert result.returncode != 0 and "script" in result.stderr


def test_check_warns_where_a_body_reads_differently_now(project: Project):
    project.write("content/speeches/2024-second.md", speech(title="第二篇讲话", date="2024-04-01")
                  + "\n经查明的问题如下：\n1. 第一项\n2. 第二项\n\n正文。\n\n* 一级\n  * 二级\n")
    env = {**os.environ, "QINGLIAN_BUILD_DATE": "2026-11-20"}
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check", "--dialect"], cwd=project.root, capture_output=True, text=True, env=env)
    lines = [line for line in result.stdout.splitlines() if line.startswith("警告")]
    assert len(lines) == 2, result.stdout
    assert "content/speeches/2024-second.md:" in lines[0] and "原来显示为段落“经查明的问题如下： 1. 第一项 2. 第二项”" in lines[0]
    assert "现在显示为段落“经查明的问题如下：”、编号列表（2 项）" in lines[0]
    assert "原来显示为项目列表（2 项）" in lines[1] and "现在显示为项目列表（1 项，含嵌套列表）" in lines[1]
    first = int(lines[0].split(":")[1])
    assert project.root.joinpath("content/speeches/2024-second.md").read_text(encoding="utf-8").splitlines()[first - 1] == "经查明的问题如下："
    # A plain check shows them too, as warnings that do not fail it.
    plain = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"], cwd=project.root, capture_output=True, text=True, env=env)
    assert plain.returncode == 0 and "原来显示为" in plain.stdout


def test_the_example_content_reads_the_same_in_both_dialects():
    env = {**os.environ, "QINGLIAN_BUILD_DATE": "2026-11-20"}
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check", "--dialect"], cwd=REPO, capture_output=True, text=True, env=env)
    assert result.returncode == 0 and "0 个警告" in result.stdout, result.stdout


def test_search_reads_a_body_as_the_site_renders_it():
    from qinglian.search.text import body_text

    lines = body_text(BODY).splitlines()
    assert lines[:4] == ["一、基本案情", "经查明的问题如下：", "违规接受宴请", "接受私营企业主安排的宴请"]
    assert "要求：严格执行，详见另一篇讲话和尚未发布的讲话。这一句在编辑器里换了行。" in lines
    assert "原始 HTML" in lines and not any("*" in line or "<" in line for line in lines)
