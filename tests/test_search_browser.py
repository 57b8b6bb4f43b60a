"""The search box, the search page, its filters and highlighted terms, in headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit


def type_query(page, text: str) -> None:  # noqa: ANN001 - Playwright's Page
    page.locator(".ql-search__input").click()
    page.keyboard.type(text)
    page.locator(".ql-search__panel .ql-result").first.wait_for(timeout=15000)


def test_header_box_shows_title_collection_date_and_marked_excerpt(page, served_site: str, tmp_path: Path):
    page.goto(served_site + "speeches/")
    type_query(page, "四风")
    first = page.locator(".ql-search__panel .ql-result").first
    assert first.locator(".ql-result__title").inner_text()
    assert re.fullmatch(r"(领导讲话|案例通报|学习计划|在线测试|其他页面)( · \d{4}年\d{1,2}月\d{1,2}日)?", first.locator(".ql-result__meta").inner_text())
    assert first.locator(".ql-result__excerpt mark").first.inner_text() == "四风"
    page.screenshot(path=str(tmp_path / "panel.png"))
    # Enter leads to the search page with the query in its address.
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert unquote(urlsplit(page.url).query) == "q=四风"
    page.locator(".ql-search-page__results .ql-result").first.wait_for()
    assert page.requested_hosts == {urlsplit(served_site).netloc}
    assert page.console_errors == []


def test_search_page_filters_with_counts(page, served_site: str, tmp_path: Path):
    page.goto(served_site + "search/?q=四风")
    status = page.locator(".ql-search-page__status")
    status.filter(has_text="结果").wait_for(timeout=15000)
    total = int(re.search(r"找到 (\d+) 条", status.inner_text())[1])
    legends = page.locator(".ql-facet legend").all_inner_texts()
    assert legends[:2] == ["栏目", "年份"] and "专题" in legends
    cases = page.locator(".ql-facet__option", has_text="案例通报")
    count = int(cases.locator(".ql-facet__count").inner_text())
    assert 0 < count < total
    cases.locator("input").check()
    page.wait_for_function(f"() => /找到 {count} 条/.test(document.querySelector('.ql-search-page__status').textContent)")
    metas = page.locator(".ql-search-page__results .ql-result__meta").all_inner_texts()
    assert len(metas) == count and all(meta.startswith("案例通报") for meta in metas)
    assert "collection=" in page.url
    page.screenshot(path=str(tmp_path / "filters.png"), full_page=True)
    # The filtered address is a link that reproduces the same results.
    page.goto(page.url)
    page.wait_for_function(f"() => /找到 {count} 条/.test(document.querySelector('.ql-search-page__status').textContent)")
    assert page.locator(".ql-facet__option", has_text="案例通报").locator("input").is_checked()
    assert page.console_errors == []


def test_result_opens_with_terms_highlighted(page, served_site: str):
    page.goto(served_site + "search/?q=" + "以案促改")
    page.locator(".ql-search-page__results .ql-result__link").first.click()
    page.wait_for_url("**?q=*")
    hits = page.locator("article mark.ql-hit")
    # The newest result can be a pool quiz whose matching question was not drawn (hidden).
    hits.first.wait_for(state="attached")
    assert set(hits.all_text_contents()) == {"以案促改"}
    assert page.console_errors == []


def test_search_from_a_file_says_it_needs_the_web_server(browser, example_site: Path):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto((example_site / "index.html").as_uri())
    page.locator(".ql-search__input").click()
    panel = page.locator(".ql-search__panel")
    panel.wait_for()
    assert "需要通过网站服务器访问" in panel.inner_text()
    page.goto((example_site / "search/index.html").as_uri() + "?q=四风")
    status = page.locator(".ql-search-page__status")
    page.wait_for_function("() => document.querySelector('.ql-search-page__status').textContent.includes('file://')")
    assert "需要通过网站服务器访问" in status.inner_text()
    context.close()


def test_a_crafted_query_fetches_a_bounded_number_of_index_files(page, served_site: str):
    """search/?q= with thousands of distinct characters: a few index files, and a note that the query was cut."""
    han = "".join(chr(0x4E00 + (number * 37) % 20000) for number in range(3000))
    fetched: list[str] = []
    page.on("request", lambda request: "/t/" in request.url and fetched.append(request.url))
    page.goto(served_site + "search/?q=" + han)
    status = page.locator(".ql-search-page__status")
    status.filter(has_text="搜索词太长").wait_for(timeout=15000)
    assert re.search(r"只按前 \d+ 个字查找", status.inner_text())
    assert 0 < len(set(fetched)) <= 24, len(set(fetched))
    assert page.console_errors == []


def test_filter_values_named_like_object_properties_are_plain_values(page, served_site: str):
    for query in ("unit=toString", "topic=constructor", "unit=__proto__", "collection=hasOwnProperty&q=四风"):
        page.goto(served_site + "search/?" + query)
        status = page.locator(".ql-search-page__status")
        status.filter(has_text=re.compile("结果|没有找到")).wait_for(timeout=15000)
        assert "搜索暂时无法使用" not in status.inner_text(), query
        assert page.console_errors == [], query


def search_titles(page, served_site: str, query: str) -> tuple[str, list[str]]:  # noqa: ANN001 - Playwright's Page
    """The search page's status and every result title, all pages of results shown."""
    from urllib.parse import quote

    page.goto(served_site + "search/?q=" + quote(query))
    status = page.locator(".ql-search-page__status")
    status.filter(has_text=re.compile("结果|没有找到")).wait_for(timeout=15000)
    more = page.locator(".ql-search-page__more")
    while more.is_visible():
        before = page.locator(".ql-search-page__results .ql-result").count()
        more.click()
        page.wait_for_function("n => document.querySelectorAll('.ql-search-page__results .ql-result').length > n", arg=before)
    return status.inner_text(), page.locator(".ql-search-page__results .ql-result__title").all_inner_texts()


CASE_TITLE = "XX市交通运输局某下属单位原主要负责人XX收受工程承包方好处费问题的通报"


def test_a_near_miss_finds_the_pages_with_the_characters_and_says_so(page, served_site: str):
    status, titles = search_titles(page, served_site, "交通运输局下属单位")
    assert CASE_TITLE in titles
    assert "没有完全匹配“交通运输局下属单位”的结果" in status
    divider = page.locator(".ql-results__divider").first.inner_text()
    assert divider == "没有完全匹配的结果，以下是相近的结果。"
    assert page.console_errors == []


def test_a_query_never_finds_less_than_a_longer_query_containing_it(page, served_site: str):
    for short, longer in (("交通运输局下属单位", "市交通运输局下属单位原"), ("农业局", "农业局 礼金"), ("八项规定", "八项规定精神"), ("礼金", "收受礼金")):
        _, found_short = search_titles(page, served_site, short)
        _, found_long = search_titles(page, served_site, longer)
        assert set(found_long) <= set(found_short), (short, longer, set(found_long) - set(found_short))


def test_a_document_ranks_above_a_quiz_that_holds_the_phrase_only_in_an_option(page, served_site: str):
    _, titles = search_titles(page, served_site, "膳食委员会监督")
    case = next(index for index, title in enumerate(titles) if "校园餐" in title)
    quiz = next(index for index, title in enumerate(titles) if "测试" in title)
    assert case < quiz, titles
    _, titles = search_titles(page, served_site, "切入口和动员令")
    assert titles[0] == "在全市贯彻落实中央八项规定精神推进会上的讲话", titles
