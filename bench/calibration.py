"""Calibrate the engine's match score into a probability that the pair is relevant.

Usage: python bench/calibration.py [--challenges C] [--solutions S] [--qrels Q] [--top N]
       [--out app/matching/calibration.json] [--docs docs/matching.md]
Scores every challenge x solution pair of the labelled set (the SBIR 2015 dev set by default) with
the app's engine, keeps the pairs a person would see (each challenge's and each solution's top N,
N = 20 as the app stores), and fits an isotonic regression (scikit-learn) from score to
"the pair is relevant". Writes a small JSON table the app reads (app/matching/strength.py): score
thresholds -> probability, and the named bands with their score thresholds. Prints the reliability
table (predicted vs observed relevance per band, with counts, on held-out challenges: fitted on
the even challenges, judged on the odd ones, and the other way round) as markdown, and with
--docs writes it into that file between the two ``calibration-table`` comment markers.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ranking_quality import DEFAULTS, engine_scores, read_items, read_qrels  # noqa: E402

from app.matching import CHALLENGE, SOLUTION  # noqa: E402

OUT = ROOT / "app" / "matching" / "calibration.json"
START, END = "<!-- calibration-table -->", "<!-- /calibration-table -->"
# A band is named by the calibrated probability it starts at: a reader's words, fixed here, not fitted.
# Never promise certainty: the top bins hold few pairs, and a label set is never complete.
MAX_PROBABILITY = 0.95
BANDS = (("strong", 0.5), ("good", 0.3), ("possible", 0.1), ("weak", 0.0))


def shown_pairs(scores: np.ndarray, top: int) -> tuple[np.ndarray, np.ndarray]:
    """(challenge row, solution column) of every pair in some challenge's or solution's top N."""
    keep = np.zeros(scores.shape, dtype=bool)
    n_s, n_c = min(top, scores.shape[1]), min(top, scores.shape[0])
    rows = np.arange(scores.shape[0])[:, None]
    keep[rows, np.argsort(-scores, axis=1)[:, :n_s]] = True
    cols = np.arange(scores.shape[1])[None, :]
    keep[np.argsort(-scores, axis=0)[:n_c, :], cols] = True
    return np.nonzero(keep)


def fit_isotonic(x: np.ndarray, y: np.ndarray):
    from sklearn.isotonic import IsotonicRegression

    return IsotonicRegression(y_min=0.0, y_max=MAX_PROBABILITY, increasing=True, out_of_bounds="clip").fit(x, y)


def table(model, x: np.ndarray) -> list[list[float]]:
    """The fitted function as (score, probability) points: the isotonic breakpoints, keeping only
    those where the rounded probability changes (a few dozen), so the vendored table stays small."""
    points: list[list[float]] = []
    for s, p in zip(model.X_thresholds_, model.y_thresholds_, strict=True):
        s, p = round(float(s), 6), round(float(p), 3)
        if points and p == points[-1][1] and len(points) > 1 and points[-2][1] == p:
            points[-1][0] = s  # extend a flat run: keep its two ends only
        else:
            points.append([s, p])
    return points


def probability(points: list[list[float]], score: float) -> float:
    """The table's step function (as app/matching/strength.py reads it)."""
    below = [p for s, p in points if s <= score]
    return below[-1] if below else points[0][1]


def band_of(p: float) -> str:
    return next(name for name, start in BANDS if p >= start)


def band_thresholds(points: list[list[float]]) -> dict[str, float]:
    """The lowest score whose calibrated probability reaches each band's start."""
    out = {}
    for name, start in BANDS:
        reached = [s for s, p in points if p >= start]
        out[name] = round(reached[0], 6) if reached else None
    return out


def reliability(pred: np.ndarray, y: np.ndarray) -> list[dict]:
    rows = []
    for name, _ in BANDS:
        mask = np.array([band_of(p) == name for p in pred], dtype=bool)
        n = int(mask.sum())
        rows.append({"band": name, "pairs": n, "relevant": int(y[mask].sum()) if n else 0,
                     "predicted": float(pred[mask].mean()) if n else None,
                     "observed": float(y[mask].mean()) if n else None})
    return rows


def markdown(rows: list[dict]) -> str:
    lines = ["| band | pairs | relevant | predicted | observed |", "|---|---|---|---|---|"]
    for r in rows:
        pred = f"{r['predicted']:.3f}" if r["predicted"] is not None else "–"
        obs = f"{r['observed']:.3f}" if r["observed"] is not None else "–"
        lines.append(f"| {r['band']} | {r['pairs']} | {r['relevant']} | {pred} | {obs} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    challenges = read_items(args.challenges, CHALLENGE)
    solutions = read_items(args.solutions, SOLUTION)
    relevant = read_qrels(args.qrels)
    scores = engine_scores(challenges, solutions)
    rows, cols = shown_pairs(scores, args.top)
    x = scores[rows, cols]
    y = np.array([solutions[c].id in relevant.get(challenges[r].id, ())
                  for r, c in zip(rows, cols, strict=True)], dtype=float)
    # Held-out reliability: fit on half the challenges, predict the other half, both ways.
    held = np.zeros_like(x)
    for part in (0, 1):
        train = rows % 2 != part
        points = table(fit_isotonic(x[train], y[train]), x[train])
        held[~train] = [probability(points, s) for s in x[~train]]
    points = table(fit_isotonic(x, y), x)
    result = {
        "source": "bench/calibration.py on bench/data/sbir-2015 (isotonic, each item's top "
                  f"{args.top} pairs: {len(x)} pairs, {int(y.sum())} relevant)",
        "points": points,
        "bands": [{"name": n, "min_probability": start, "min_score": band_thresholds(points)[n]}
                  for n, start in BANDS],
    }
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    rel = reliability(held, y)
    print(json.dumps({"pairs": len(x), "relevant": int(y.sum()), "bands": result["bands"], "reliability": rel}))
    print(markdown(rel))
    if args.docs:
        write_docs(Path(args.docs), f"{result['source']}; predicted vs observed on held-out challenges:\n\n"
                   + markdown(rel))
    return 0


def write_docs(path: Path, text: str) -> None:
    """Replace what lies between the markers in ``path`` (which must hold both)."""
    doc = path.read_text(encoding="utf-8")
    head, sep, rest = doc.partition(START)
    _, sep2, tail = rest.partition(END)
    if not (sep and sep2):
        raise SystemExit(f"calibration: {path} lacks the {START} … {END} markers")
    path.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in DEFAULTS.items():
        parser.add_argument(f"--{name}", default=str(default))
    parser.add_argument("--top", type=int, default=20, help="pairs kept per item (default 20, as stored)")
    parser.add_argument("--out", default=str(OUT), help="the JSON table (default: the app's)")
    parser.add_argument("--docs", help="also write the reliability table into this markdown file")
    return parser


if __name__ == "__main__":
    sys.exit(main())
