"""Query quality of the site search, measured in headless Chromium against the built example.

Every document that contains a query's phrase must be found (recall 1.0), and every one of
them must be listed before any result that only holds the phrase's characters apart.
A decoy case holds the character pairs of several phrases without the phrases themselves.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

from conftest import REPO, build_site, serving

# Query -> the example documents that show it as their own words: title, metadata, text, a
# plan's sessions, a quiz's questions and options, and the back-link blocks (列入学习计划, the
# cases citing an article). Written down by reading the example content and its pages.
EXPECTED = {
    "八项规定": ["cases/2022-festival-cards/", "cases/2024-banquet-in-canteen/", "cases/2025-private-club/", "plans/2024-city-organs-study-plan/", "plans/2026-city-commission-study-plan/", "quizzes/2024-eight-rules-self-test/", "quizzes/2026-integrity-rules-exam/", "regulations/2018-organ-staff-integrity/", "regulations/2023-organ-staff-integrity/", "speeches/2024-eight-rules-deployment/"],
    "以案促改": ["cases/2024-hiring-interference/", "cases/2025-school-meal-funds/", "plans/2025-district-study-plan/", "quizzes/2025-grassroots-cases-quiz/", "quizzes/2026-weekly-discipline-pool/", "speeches/2024-warning-education-conference/", "speeches/2025-transport-top-leader/"],
    "一把手": ["cases/2024-hiring-interference/", "cases/2025-project-kickbacks/", "plans/2025-district-study-plan/", "plans/2026-city-commission-study-plan/", "speeches/2024-warning-education-conference/", "speeches/2025-transport-top-leader/"],
    "四风": ["cases/2022-festival-cards/", "cases/2024-banquet-in-canteen/", "cases/2025-private-club/", "plans/2026-city-commission-study-plan/", "quizzes/2024-eight-rules-self-test/", "regulations/2023-organ-staff-integrity/", "speeches/2024-eight-rules-deployment/", "speeches/2024-warning-education-conference/", "speeches/2025-education-grassroots/"],
    "警示教育": ["cases/2024-hiring-interference/", "cases/2024-subsidy-embezzlement/", "cases/2025-project-kickbacks/", "plans/2024-city-organs-study-plan/", "plans/2025-district-study-plan/", "plans/2026-city-commission-study-plan/", "quizzes/2026-weekly-discipline-pool/", "speeches/2024-warning-education-conference/", "speeches/2025-discipline-study-mobilisation/", "speeches/2025-transport-top-leader/"],
    "2024年 警示教育": ["cases/2024-hiring-interference/", "cases/2024-subsidy-embezzlement/", "plans/2024-city-organs-study-plan/", "speeches/2024-warning-education-conference/"],
    "党纪学习教育": ["cases/2025-private-club/", "cases/2025-project-kickbacks/", "cases/2025-school-meal-funds/", "plans/2024-city-organs-study-plan/", "plans/2025-district-study-plan/", "plans/2026-city-commission-study-plan/", "quizzes/2026-weekly-discipline-pool/", "regulations/2026-after-hours-conduct/", "speeches/2024-organs-clean-culture/", "speeches/2025-discipline-study-mobilisation/", "speeches/2025-education-grassroots/", "speeches/2025-transport-top-leader/"],
    "违规吃喝": ["cases/2024-banquet-in-canteen/"],
    "吃喝": ["cases/2024-banquet-in-canteen/", "cases/2025-private-club/", "speeches/2024-warning-education-conference/"],
    "红包": ["quizzes/2024-eight-rules-self-test/", "quizzes/2026-integrity-rules-exam/", "regulations/2018-organ-staff-integrity/", "regulations/2023-organ-staff-integrity/", "speeches/2024-eight-rules-deployment/"],
    "纪律处分": ["plans/2025-district-study-plan/", "quizzes/2026-weekly-discipline-pool/", "regulations/2018-organ-staff-integrity/", "regulations/2023-organ-staff-integrity/", "speeches/2025-discipline-study-mobilisation/"],
    "XX区 食堂": ["cases/2024-banquet-in-canteen/", "cases/2025-school-meal-funds/", "plans/2024-city-organs-study-plan/", "plans/2026-city-commission-study-plan/", "regulations/2023-organ-staff-integrity/"],
}

DECOY_URL = "cases/2025-decoy-pairs/"
# The decoy holds 八项/项规/规定, 一把/把手, 警示/示教/教育 and 以案/案促/促改, never the phrases.
DECOY = """\
---
title: XX县某站原站长XX违规处置公共资产问题的通报
date: 2025-09-02
unit: XX区纪委监委
discipline: 工作纪律
outcome: 诫勉谈话
topics: [廉洁文化]
summary: 未按程序处置站内闲置资产。
lessons:
  - 资产处置必须走完审批程序。
---

## 基本案情

XX站制定了八项措施，却没有对照事项规范执行，也没有按有关规定报批。XX作为第一把关人，
本应手把手带好新人，却在站内张贴警示标牌后便不再过问，展示教材摆放多年无人翻阅，日常教育流于形式。

## 处理情况

上级部门以案说法，对个案促进整改，并督促改进资产台账管理。
"""
DECOYED = {"八项规定", "一把手", "警示教育", "以案促改"}


@pytest.fixture(scope="module")
def quality_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("quality")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    # Only the home page besides the collections, so every page that holds a phrase is listed above.
    (root / "docs").mkdir()
    (root / "docs/index.md").write_text("---\ntitle: 首页\n---\n\n欢迎访问。\n", encoding="utf-8")
    (root / "content/cases/2025-decoy-pairs.md").write_text(DECOY, encoding="utf-8")
    return build_site(root, "--strict")


@pytest.fixture(scope="module")
def quality_url(quality_site: Path) -> Iterator[str]:
    with serving(quality_site) as url:
        yield url


def all_results(page, base: str, query: str, with_fragment: bool = False) -> list[str]:  # noqa: ANN001 - Playwright's Page
    """The result addresses of the search page for ``query``, in order, after showing them all."""
    page.goto(f"{base}search/?q={quote(query)}")
    page.locator(".ql-search-page__status", has_text="结果").wait_for(timeout=15000)
    more = page.locator(".ql-search-page__more")
    while more.is_visible():
        before = page.locator(".ql-search-page__results .ql-result").count()
        more.click()
        page.wait_for_function(
            "n => document.querySelectorAll('.ql-search-page__results .ql-result').length > n", arg=before
        )
    links = page.locator(".ql-search-page__results .ql-result__link").evaluate_all("as => as.map(a => a.href)")
    addresses = [urlsplit(link) for link in links]
    return [
        a.path.removeprefix(urlsplit(base).path) + (f"#{unquote(a.fragment)}" if with_fragment and a.fragment else "")
        for a in addresses
    ]


def test_phrases_are_all_found_and_listed_before_partial_matches(page, quality_url: str):
    expected_total = found_total = ordered = 0
    decoys_found = 0
    for query, expected in EXPECTED.items():
        # A regulation has a result per article: the same page, another #第X条.
        links = all_results(page, quality_url, query, with_fragment=True)
        assert len(links) == len(set(links)), (query, links)
        results = [link.split("#")[0] for link in links]
        found = [url for url in expected if url in results]
        expected_total += len(expected)
        found_total += len(found)
        phrase_positions = [i for i, url in enumerate(results) if url in expected]
        others = [i for i, url in enumerate(results) if url not in expected]
        if not others or max(phrase_positions, default=-1) < min(others):
            ordered += 1
        if query in DECOYED:
            # The decoy holds every pair, so it is found, but after all phrase matches.
            assert DECOY_URL in results, query
            decoys_found += 1
        assert set(found) == set(expected), (query, sorted(set(expected) - set(found)))
        assert not others or max(phrase_positions) < min(others), (query, results)
    recall = found_total / expected_total
    print(
        f"\nsearch quality: recall {recall:.2f} ({found_total}/{expected_total}); phrase-first ordering held in "
        f"{ordered}/{len(EXPECTED)} queries; decoys found and ranked last in {decoys_found}/{len(DECOYED)}"
    )
    assert recall == 1.0 and ordered == len(EXPECTED)


def test_a_decoy_alone_is_no_phrase_match(page, quality_url: str):
    """Pages with the characters apart are still results, the reader may have meant them, but a line sets them apart."""
    results = all_results(page, quality_url, "八项规定")
    assert results[-1] == DECOY_URL
    items = page.locator(".ql-search-page__results > li").all_inner_texts()
    assert items[-2] == "以下结果不包含完整的“八项规定”，只分别含有其中的字。"
    assert sum(1 for text in items if text.startswith("以下结果")) == 1
