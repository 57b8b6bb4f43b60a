"""Aligning two versions of a 160-article regulation (新旧条文对照), the issue's bound being 1 s.

    .venv/bin/python scripts/bench.py --align

The old version has 8 chapters of 20 articles, each 60–200 characters drawn from the example
regulations' words. The new one inserts 12 articles, deletes 8, rewords 30 (a phrase added or
replaced; a second run rewords all 160), moves chapter 3 to the end and so renumbers almost everything. Reported: the median
CPU time of ``align`` over --runs passes, and how many pairs it found of each kind.
"""

from __future__ import annotations

import random
import statistics
import time

from qinglian.revisions.align import align
from qinglian.structure.regulation import ordinal, parse_regulation

PHRASES = (
    "机关工作人员", "应当", "不得", "利用职务上的便利", "收受礼品礼金", "公务接待", "严格执行", "有关规定",
    "按照公开的条件和程序", "管理服务对象", "谋取利益", "如实报告", "监督检查", "责任追究", "依规依纪依法",
    "给予批评教育", "组织处理", "纪律处分", "廉洁风险", "定期轮岗", "工程建设", "政府采购", "资金拨付",
    "婚丧喜庆", "从简操办", "事前报告", "事后报备", "兼任职务", "营利性活动", "亲属经商办企业",
)


def _sentence(rng: random.Random) -> str:
    words = []
    while sum(map(len, words)) < rng.randint(60, 200):
        words.append(rng.choice(PHRASES) + rng.choice("，、的和或者"))
    return "".join(words).rstrip("，、的和或者") + "。"


def versions(seed: int, reworded: int = 30) -> tuple[str, str]:
    rng = random.Random(seed)
    chapters = [[_sentence(rng) for _ in range(20)] for _ in range(8)]
    old = _text(chapters)
    new_chapters = [list(c) for c in chapters]
    new_chapters.append(new_chapters.pop(2))
    flat = [(c, i) for c in range(len(new_chapters)) for i in range(len(new_chapters[c]))]
    for c, i in rng.sample(flat, reworded):
        words = new_chapters[c][i]
        new_chapters[c][i] = words[:-1] + "，" + rng.choice(PHRASES) + rng.choice(PHRASES) + "。"
    for _ in range(8):
        chapter = rng.choice(new_chapters)
        chapter.pop(rng.randrange(len(chapter)))
    for _ in range(12):
        chapter = rng.choice(new_chapters)
        chapter.insert(rng.randrange(len(chapter) + 1), _sentence(rng))
    return old, _text(new_chapters)


def _text(chapters: list[list[str]]) -> str:
    lines, number = [], 0
    for c, articles in enumerate(chapters, start=1):
        lines.append(f"{ordinal(c, '章')}　第{c}部分")
        for words in articles:
            number += 1
            lines.append(f"{ordinal(number, '条')}　{words}")
    return "\n\n".join(lines) + "\n"


def align_report(seed: int, runs: int) -> int:
    # The usual revision, and the worst case: every article reworded, so every pair is scored.
    for label, reworded in (("30 reworded", 30), ("all reworded", 160)):
        old_text, new_text = versions(seed, reworded)
        old, new = parse_regulation(old_text), parse_regulation(new_text)
        seconds = []
        for _ in range(max(runs, 3)):
            started = time.process_time()
            result = align(old, new)
            seconds.append(time.process_time() - started)
        counts = ", ".join(f"{change.value} {count}" for change, count in result.summary)
        print(f"align {len(old.articles)} → {len(new.articles)} articles ({label}), seed {seed}: median "
              f"{statistics.median(seconds) * 1000:.0f} ms CPU over {len(seconds)} runs (max {max(seconds) * 1000:.0f} ms); {counts}")
    return 0
