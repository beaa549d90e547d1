"""Speed and memory of the matching engine on a synthetic corpus of realistic shape.

Usage: python bench/matching_speed.py --solutions N --challenges M [--reasons] [--paragraphs]
Prints one JSON line: rebuild_s (fit + every top-20 list both ways; with --reasons the
matches also carry their reasons, as the app stores them),
one_item_ms_median / one_item_ms_p95 (one new challenge against all solutions) and
peak_rss_mb; the same timings in CPU seconds of this process (rebuild_cpu_s,
one_item_cpu_ms_median) and the load average, since wall time on a shared machine says
more about the neighbours than about the engine. fit_s / fit_cpu_s: the fit alone (the
rest of the rebuild is scoring and, with --reasons, explaining). A large fit tokenises half the items in a
forked child: its CPU time and peak memory are child_cpu_s and child_peak_rss_mb.
With --paragraphs each text is written as paragraphs of about PARAGRAPH_WORDS words (blank
lines between), as real profiles are: then passage evidence (app/matching/passages.py) has
work to do, which a corpus of one-paragraph texts never gives it; "passages" counts them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.matching import CHALLENGE, SOLUTION, Item, fit, rank_solutions_for_challenge, top_k_all  # noqa: E402

SEED = 20240601
VOCABULARY = 40_000
ZIPF_EXPONENT = 1.1
TOP_K = 20
TRIES = 100
NOW = datetime(2025, 1, 1, tzinfo=UTC)
SECTORS = ("Mobility & transport", "Energy", "Water", "Health", "Public safety", "Waste",
           "Education", "Housing", "Digital government", "Environment")
COUNTRIES = ("FR", "DE", "ES", "IT", "NL", "PL", "SE", "PT", "BE", "AT")
PARAGRAPH_WORDS = 100
FUNCTION_WORDS = "the of and to in a for is that with on as by this are be from at or an".split()


class Corpus:
    """Random texts whose word frequencies follow Zipf's law, with topical clusters."""

    def __init__(self, seed: int, paragraphs: bool = False) -> None:
        self.rng = np.random.default_rng(seed)
        self.paragraphs = paragraphs
        codes = self.rng.integers(97, 123, size=(VOCABULARY * 2, 10), dtype=np.uint8)
        lengths = self.rng.integers(3, 11, size=VOCABULARY * 2)
        words = {row[:n].tobytes().decode() for row, n in zip(codes, lengths, strict=True)}
        self.words = np.array(FUNCTION_WORDS + sorted(words)[:VOCABULARY])
        ranks = np.arange(1, len(self.words) + 1)
        self.weights = ranks ** -ZIPF_EXPONENT / np.sum(ranks ** -ZIPF_EXPONENT)
        self.tags = self.words[500:900]

    def item(self, item_id: int, kind: str) -> Item:
        """One item: 100-400 words, a topic drawn from a narrow slice of the vocabulary."""
        rng = self.rng
        length = int(rng.integers(100, 401))
        topic = rng.integers(len(FUNCTION_WORDS), len(self.words) - 200, size=20)
        general = rng.choice(self.words, size=int(length * 0.8), p=self.weights)
        topical = self.words[rng.choice(topic, size=length - len(general))]
        words = rng.permutation(np.concatenate([general, topical]))
        step = PARAGRAPH_WORDS if self.paragraphs else len(words)
        text = "\n\n".join(" ".join(words[i : i + step]) for i in range(0, len(words), step))
        return Item(
            id=item_id, kind=kind, title=" ".join(self.words[rng.choice(topic, 4)]),
            description=text, sectors=(SECTORS[int(rng.integers(len(SECTORS)))],),
            tags=tuple(rng.choice(self.tags, int(rng.integers(0, 5)), replace=False)),
            trl=int(rng.integers(1, 10)), country=COUNTRIES[int(rng.integers(len(COUNTRIES)))],
            deadline=NOW + timedelta(days=int(rng.integers(-30, 120))) if kind == CHALLENGE else None,
            org_id=int(rng.integers(0, 5000)), active=bool(rng.random() > 0.05),
        )


def main(argv: list[str] | None = None) -> int:
    """Generate, time the rebuild and one-item matching, print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solutions", type=int, required=True)
    parser.add_argument("--challenges", type=int, required=True)
    parser.add_argument("--reasons", action="store_true", help="explain every stored pair too")
    parser.add_argument("--paragraphs", action="store_true", help="texts in paragraphs of ~100 words")
    args = parser.parse_args(argv)
    corpus = Corpus(SEED, args.paragraphs)
    solutions = [corpus.item(i, SOLUTION) for i in range(args.solutions)]
    challenges = [corpus.item(10**9 + i, CHALLENGE) for i in range(args.challenges)]
    new_items = [corpus.item(2 * 10**9 + i, CHALLENGE) for i in range(TRIES)]
    start, cpu_start, child_start = time.perf_counter(), time.process_time(), _child_cpu()
    model = fit(challenges, solutions)
    fit_s, fit_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    matches = sum(1 for _ in top_k_all(model, TOP_K, NOW, reasons=args.reasons))
    rebuild, rebuild_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    child_cpu = _child_cpu() - child_start
    timings, cpu_timings = [], []
    for item in new_items:
        start, cpu_start = time.perf_counter(), time.process_time()
        rank_solutions_for_challenge(model, item, TOP_K, now=NOW)
        timings.append((time.perf_counter() - start) * 1000)
        cpu_timings.append((time.process_time() - cpu_start) * 1000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({
        "solutions": args.solutions, "challenges": args.challenges, "matches": matches,
        "reasons": args.reasons, "paragraphs": args.paragraphs,
        "passages": sum(len(side.passages) for side in model.sides.values()),
        "rebuild_s": round(rebuild, 2), "one_item_ms_median": round(float(np.median(timings)), 2),
        "one_item_ms_p95": round(float(np.percentile(timings, 95)), 2), "peak_rss_mb": round(peak),
        "child_peak_rss_mb": round(child_peak), "child_cpu_s": round(child_cpu, 2),
        "rebuild_cpu_s": round(rebuild_cpu, 2), "fit_s": round(fit_s, 2), "fit_cpu_s": round(fit_cpu, 2),
        "one_item_cpu_ms_median": round(float(np.median(cpu_timings)), 2),
        "load_average_1m": round(os.getloadavg()[0], 1),
    }))
    return 0


def _child_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


if __name__ == "__main__":
    sys.exit(main())
