"""Ranking quality of the app's matching engine vs a plain TF-IDF reference, on a labelled set.

Usage: python bench/ranking_quality.py [--challenges C.jsonl] [--solutions S.jsonl] [--qrels Q.tsv]
       [--rankings OUT.jsonl] [--text full|short|title] [--resamples N]
Without --challenges/--solutions/--qrels, reads the SBIR 2015 set kept in bench/data/sbir-2015/.
Files may be plain, .gz or .xz. ``--text short`` keeps each item's title and first sentence (cut
at 40 words), ``--text title`` its title only: a short-text corpus made from the same data.
Prints one JSON line: nDCG@10, Recall@10 and MRR per direction for "engine" and "reference",
each with a bootstrap 95% interval over queries ("interval"), and the paired difference
engine - reference with its interval ("difference"); resampling uses a fixed seed.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import lzma
import math
import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.matching import CHALLENGE, SOLUTION, Item, fit  # noqa: E402
from app.matching.scoring import score_matrix  # noqa: E402

CUTOFF = 10
SAVED_RANKS = 100
METRICS = ("ndcg@10", "recall@10", "mrr")
SEED = 2015
SHORT_WORDS = 40
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
DATA = Path(__file__).resolve().parent / "data" / "sbir-2015"
DEFAULTS = {"challenges": DATA / "challenges.jsonl.xz", "solutions": DATA / "solutions.jsonl.xz",
            "qrels": DATA / "qrels.tsv.xz"}


class DataError(Exception):
    """A data-set file is missing or malformed."""


def read_items(path: str, kind: str) -> list[Item]:
    """Read one JSON object per line with id, title, description, optional sector and tags."""
    items = []
    for number, line in enumerate(_open(path), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            items.append(Item(
                id=str(record["id"]), kind=kind, title=str(record["title"]),
                description=str(record["description"]),
                sectors=_tuple(record.get("sector")), tags=_tuple(record.get("tags")),
            ))
        except json.JSONDecodeError as error:
            raise DataError(f"{path}:{number}: bad JSON: {error.msg}") from None
        except KeyError as error:
            raise DataError(f"{path}:{number}: missing key {error.args[0]!r}") from None
        except (TypeError, AttributeError):
            raise DataError(f"{path}:{number}: not a JSON object") from None
    return items


def read_qrels(path: str) -> dict[str, set[str]]:
    """Read a TSV with header challenge_id, solution_id, relevance; keep relevance > 0."""
    rows = csv.DictReader(_open(path), delimiter="\t")
    needed = {"challenge_id", "solution_id", "relevance"}
    if not needed <= set(rows.fieldnames or ()):
        raise DataError(f"{path}: header must have columns {sorted(needed)}")
    relevant: dict[str, set[str]] = {}
    for number, row in enumerate(rows, start=2):
        try:
            if float(row["relevance"]) > 0:
                relevant.setdefault(row["challenge_id"], set()).add(row["solution_id"])
        except (TypeError, ValueError):
            raise DataError(f"{path}:{number}: missing or non-numeric relevance") from None
    return relevant


def engine_scores(challenges: list[Item], solutions: list[Item]) -> np.ndarray:
    """Challenge x solution scores exactly as the app ranks them (same engine, settings)."""
    return score_matrix(fit(challenges, solutions))


def reference_scores(challenges: list[Item], solutions: list[Item]) -> np.ndarray:
    """The reference: scikit-learn TfidfVectorizer (English stop words, 1-2 grams) + cosine."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2),
                                 strip_accents="unicode")
    texts = [f"{i.title} {i.description}" for i in [*challenges, *solutions]]
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:
        return np.zeros((len(challenges), len(solutions)))
    return (matrix[: len(challenges)] @ matrix[len(challenges) :].T).toarray()


def rankings(scores: np.ndarray, cand_ids: list[str]) -> np.ndarray:
    """Candidate order per query row: best score first, ties by id (as the engine does)."""
    id_rank = np.argsort(np.argsort(np.array(cand_ids, dtype=object)))
    return np.lexsort((np.broadcast_to(id_rank, scores.shape), -scores), axis=1)


def per_query(order: np.ndarray, query_ids: list[str], cand_ids: list[str],
              relevant: dict[str, set[str]]) -> dict[str, np.ndarray]:
    """nDCG@10, Recall@10 and MRR of each query with at least one relevant candidate."""
    ndcg, recall, mrr = [], [], []
    for row, query in enumerate(query_ids):
        wanted = relevant.get(query)
        if not wanted:
            continue
        hits = [cand_ids[c] in wanted for c in order[row]]
        dcg = sum(1 / math.log2(r + 2) for r, hit in enumerate(hits[:CUTOFF]) if hit)
        ideal = sum(1 / math.log2(r + 2) for r in range(min(len(wanted), CUTOFF)))
        ndcg.append(dcg / ideal)
        recall.append(sum(hits[:CUTOFF]) / len(wanted))
        mrr.append(next((1 / (r + 1) for r, hit in enumerate(hits) if hit), 0.0))
    return {name: np.array(values, dtype=np.float64) for name, values in zip(METRICS, (ndcg, recall, mrr), strict=True)}


def summary(values: dict[str, np.ndarray]) -> dict:
    """Means of per-query values (4 decimals) and the number of queries."""
    count = len(values[METRICS[0]])
    return {**{name: round(float(v.sum()) / max(count, 1), 4) for name, v in values.items()}, "queries": count}


def interval(values: np.ndarray, samples: np.ndarray) -> list[float]:
    """The 95% percentile interval of the mean of ``values`` over bootstrap ``samples`` (rows of
    query positions drawn with replacement)."""
    if not len(values):
        return [0.0, 0.0]
    return [round(float(x), 4) for x in np.percentile(values[samples].mean(axis=1), [2.5, 97.5])]


def with_intervals(engine: dict, reference: dict, resamples: int) -> dict:
    """Per direction: each side's means with intervals, and the paired difference engine -
    reference (both resampled on the same queries, so query difficulty cancels out)."""
    figures: dict = {"engine": {}, "reference": {}, "difference": {}}
    for direction in engine:
        queries = len(engine[direction][METRICS[0]])
        samples = np.random.default_rng(SEED).integers(0, max(queries, 1), size=(resamples, queries))
        for name, values in (("engine", engine[direction]), ("reference", reference[direction])):
            figures[name][direction] = {**summary(values),
                                        "interval": {m: interval(values[m], samples) for m in METRICS}}
        gaps = {m: engine[direction][m] - reference[direction][m] for m in METRICS}
        figures["difference"][direction] = {
            m: {"mean": round(float(gap.mean()) if len(gap) else 0.0, 4), "interval": interval(gap, samples)}
            for m, gap in gaps.items()}
    return figures


def shortened(items: list[Item], mode: str) -> list[Item]:
    """The items as short texts: ``title`` only, or (``short``) the title and the description's
    first sentence, cut at SHORT_WORDS words; tags and sectors kept. ``full``: unchanged."""
    if mode == "full":
        return items
    if mode == "title":
        return [replace(item, description="") for item in items]
    out = []
    for item in items:
        first = _SENTENCE_END.split(item.description.strip(), maxsplit=1)[0]
        words = f"{item.title}. {first}".split()[:SHORT_WORDS]
        out.append(replace(item, title="", description=" ".join(words)))
    return out


def both_directions(scores, challenges, solutions, relevant) -> tuple[dict, np.ndarray, np.ndarray]:
    """Per-query metrics for c2s and s2c plus the two orderings."""
    c_ids, s_ids = [i.id for i in challenges], [i.id for i in solutions]
    reverse: dict[str, set[str]] = {}
    for challenge, wanted in relevant.items():
        for solution in wanted:
            reverse.setdefault(solution, set()).add(challenge)
    c2s, s2c = rankings(scores, s_ids), rankings(scores.T, c_ids)
    values = {"c2s": per_query(c2s, c_ids, s_ids, relevant), "s2c": per_query(s2c, s_ids, c_ids, reverse)}
    return values, c2s, s2c


def write_rankings(path: str, challenges, solutions, c2s, s2c) -> None:
    """Write the engine's top 100 per query as JSON lines."""
    c_ids, s_ids = [i.id for i in challenges], [i.id for i in solutions]
    with open(path, "w", encoding="utf-8") as out:
        for direction, order, queries, cands in (("c2s", c2s, c_ids, s_ids), ("s2c", s2c, s_ids, c_ids)):
            for row, query in enumerate(queries):
                ranked = [cands[c] for c in order[row][:SAVED_RANKS]]
                out.write(json.dumps({"direction": direction, "query": query, "ranked": ranked}) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Run both configurations and print one JSON line."""
    args = _parser().parse_args(argv)
    try:
        challenges = shortened(read_items(args.challenges, CHALLENGE), args.text)
        solutions = shortened(read_items(args.solutions, SOLUTION), args.text)
        relevant = read_qrels(args.qrels)
    except DataError as error:
        print(f"ranking_quality: {error}", file=sys.stderr)
        return 2
    engine, c2s, s2c = both_directions(engine_scores(challenges, solutions), challenges, solutions, relevant)
    reference, _, _ = both_directions(reference_scores(challenges, solutions), challenges, solutions, relevant)
    if args.rankings:
        write_rankings(args.rankings, challenges, solutions, c2s, s2c)
    words = [len(f"{i.title} {i.description}".split()) for i in [*challenges, *solutions]]
    print(json.dumps({"challenges": len(challenges), "solutions": len(solutions), "text": args.text,
                      "median_words": float(np.median(words)) if words else 0.0,
                      **with_intervals(engine, reference, args.resamples)}))
    return 0


def _open(path: str):
    """Open a plain, .gz or .xz text file (by its name); read lazily by the caller."""
    opener = {".gz": gzip.open, ".xz": lzma.open}.get(Path(path).suffix, open)
    try:
        return _Lines(path, opener(path, "rt", encoding="utf-8"))
    except OSError as error:
        raise DataError(f"{path}: cannot open: {error.strerror}") from None


class _Lines:
    """A text file's lines, turning a damaged .gz/.xz stream into a DataError."""

    def __init__(self, path: str, file) -> None:
        self.path, self.file = path, file

    def __iter__(self):
        try:
            with self.file:
                yield from self.file
        except (OSError, EOFError, lzma.LZMAError, UnicodeDecodeError) as error:
            raise DataError(f"{self.path}: cannot read: {error}") from None


def _tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in DEFAULTS.items():
        parser.add_argument(f"--{name}", default=str(default), help=f"default: {default.relative_to(ROOT)}")
    parser.add_argument("--rankings", help="write the engine's top 100 per query here")
    parser.add_argument("--text", choices=("full", "short", "title"), default="full",
                        help="full texts, or a short-text corpus: title + first sentence (short), title only")
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples (default 1000)")
    return parser


if __name__ == "__main__":
    sys.exit(main())
