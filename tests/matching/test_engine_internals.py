"""The fast paths agree with plain definitions: counting, n-gram tables, top-k merging, no mutation."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import numpy as np
import pytest
from matching_fixtures import NOW, challenge, solution

from app.matching import (
    CHALLENGE,
    DEFAULT_SETTINGS,
    SOLUTION,
    Feedback,
    Item,
    fit,
    rank_challenges_for_solution,
    rank_solutions_for_challenge,
    rebuild,
    top_k_all,
)
from app.matching.fast import forked_tokenise
from app.matching.fast.signal_bytes import pair_multiplier, plain_pair_multiplier
from app.matching.fast.topk import ColumnTopK, best_k, score_keys, top_k
from app.matching.records import other_kind
from app.matching.scoring import SCALE, score_matrix
from app.matching.signals import SIGNAL_TOTAL, TAGS_FULL, Codebooks, Facts
from app.matching.term_index import fit_counts, transform_counts
from app.matching.text import Analyzer

WORDS = "bus fleet charging depot flood river sensor school canteen waste heat pump retrofit air quality".split()


def _random_corpus(seed: int, n_challenges: int = 30, n_solutions: int = 45):
    rng = np.random.default_rng(seed)

    def text() -> str:
        words = rng.choice(WORDS, size=int(rng.integers(3, 12)))
        return " ".join(words) + (". " if rng.random() < 0.5 else " ") + " ".join(rng.choice(WORDS, 3))

    challenges = [challenge(i, text(), org_id=int(rng.integers(0, 8))) for i in range(n_challenges)]
    solutions = [solution(1000 + i, text(), org_id=int(rng.integers(0, 8))) for i in range(n_solutions)]
    return challenges, solutions


def test_analyzer_drops_stop_words_and_keeps_phrases_within_sentences():
    terms = Analyzer(2)("The electric buses of Lyon. Charging depots!")
    assert terms[:5] == ["electric", "buses", "lyon", "charging", "depot"]
    assert "electric buses" in terms and "buses lyon" in terms and "charging depot" in terms
    assert "lyon charging" not in terms  # no n-gram across a sentence end


@pytest.mark.parametrize("ngram_max", [1, 2, 3])
def test_transform_counts_equal_fit_counts_on_the_fitted_items(ngram_max):
    challenges, solutions = _random_corpus(1)
    settings = dataclasses.replace(DEFAULT_SETTINGS, ngram_max=ngram_max)
    items = [*challenges, *solutions]
    counts, vocabulary = fit_counts(items, settings)
    assert counts.shape == (len(items), vocabulary.size) and vocabulary.size > 0
    assert (transform_counts(vocabulary, items, settings) != counts).nnz == 0
    terms = vocabulary.terms()
    assert len(set(terms)) == len(terms) and any(len(t.split()) == ngram_max for t in terms)


def test_a_word_unseen_at_fit_time_breaks_phrases_around_it():
    model = fit([challenge(1, "electric bus fleet")], [solution(2, "bus fleet depot")])
    vector = model.transform([challenge(3, "bus zyxwv fleet", title="")])
    terms = set(model.spell(vector.indices.tolist()))
    assert terms == {"bus", "fleet"}


def _random_scores(rng, shape):
    """Scores with many ties and zeros (no match), as blocks of pairs have."""
    micro = rng.integers(-20, 30, size=shape).astype(np.int32)
    micro[micro < 0] = 0
    return micro


@pytest.mark.parametrize("k", [3, 40])  # 40 > rows of a block: no pruning within a block
def test_column_top_k_equals_sorting_every_column(k):
    rng = np.random.default_rng(7)
    micro = _random_scores(rng, (300, 60))
    micro[:, :5] = 0  # columns that never fill
    micro[:290, 5:10] = 0
    row_rank = rng.permutation(300)
    keys = micro.astype(np.int64) * 300 + (299 - row_rank)[:, None]
    merged = ColumnTopK(k, 60, 300)
    for start in range(0, 300, 32):
        rows = np.arange(start, min(start + 32, 300))
        merged.add(micro[rows], rows, row_rank[rows])
    best_keys, best_rows = merged.result()
    for column in range(60):
        expected = sorted(keys[:, column][micro[:, column] > 0], reverse=True)[:k]
        got = [key for key in best_keys[:, column] if key >= 0]
        assert got == expected
        assert all(keys[r, column] == key for r, key in zip(best_rows[:, column], got, strict=False))


def test_best_k_equals_keying_and_sorting_every_entry():
    rng = np.random.default_rng(11)
    micro = _random_scores(rng, (50, 80))
    micro[3] = 0
    micro[4, 10:] = 0  # fewer matches than k
    micro[5] = 7  # all tied
    id_rank = rng.permutation(80)
    for k in (1, 20, 80, 100):
        columns, keys = best_k(micro, id_rank, k)
        expected_columns, expected_keys = top_k(score_keys(micro, id_rank), k)
        assert np.array_equal(keys, expected_keys)
        assert np.array_equal(columns[keys >= 0], expected_columns[expected_keys >= 0])


@pytest.mark.parametrize("block_rows", [4, 128])
def test_top_k_all_equals_the_full_score_matrix_both_ways(monkeypatch, block_rows):
    monkeypatch.setattr(rebuild, "BLOCK_ROWS", block_rows)  # 4: many blocks scored in threads
    challenges, solutions = _random_corpus(3)
    model = fit(challenges, solutions)
    scores = np.rint(score_matrix(model, NOW) * SCALE).astype(np.int64)
    expected = []
    for row, query in enumerate(challenges):
        best = sorted((-s, solutions[j].id) for j, s in enumerate(scores[row]) if s > 0)[:4]
        expected += [(query.id, sid, -s) for s, sid in best]
    for col, query in enumerate(solutions):
        best = sorted((-s, challenges[i].id) for i, s in enumerate(scores[:, col]) if s > 0)[:4]
        expected += [(cid, query.id, -s) for s, cid in best]
    got = [(m.challenge_id, m.solution_id, round(m.score * SCALE)) for m in top_k_all(model, k=4, now=NOW)]
    assert got == expected and len(got) > 100


def test_ranking_an_item_with_new_labels_does_not_change_the_model(corpus):
    model = fit(*corpus)
    before = model.to_bytes()
    stranger = challenge(77, "electric bus fleet charging", sectors=("Space",), tags=("orbit",),
                         country="ZZ", city="Nowhere", org_id="newcomer")
    ranked = rank_solutions_for_challenge(model, stranger, now=NOW)
    rank_challenges_for_solution(model, solution(78, "flood sensors", sectors=("Mars",), org_id="x"), now=NOW)
    list(top_k_all(model, k=2, now=NOW, feedback_by_org={"unknown-org": Feedback.of(hidden=[10])}))
    assert model.to_bytes() == before
    assert ranked and all(r.kind in {"terms", "deadline"} for m in ranked for r in m.reasons)


def test_top_k_all_without_reasons_gives_the_same_pairs_and_scores(corpus):
    model = fit(*corpus)
    with_reasons = list(top_k_all(model, k=3, now=NOW))
    without = list(top_k_all(model, k=3, now=NOW, reasons=False))
    assert [(m.challenge_id, m.solution_id, m.score) for m in without] == \
        [(m.challenge_id, m.solution_id, m.score) for m in with_reasons]
    assert all(m.reasons for m in with_reasons) and not any(m.reasons for m in without)


def _plain_multiplier(query: Facts, query_kind: str, cand: Facts, now: float) -> np.ndarray:
    """The signal bonus formula, pair by pair over dense arrays (the definition pair_multiplier speeds up)."""
    def shared(a, b):
        width = max(a.shape[1], b.shape[1])
        return np.array([[len(set(a[i].indices) & set(b[j].indices)) for j in range(b.shape[0])]
                         for i in range(a.shape[0])]) if width else np.zeros((a.shape[0], b.shape[0]))

    challenge, solution = (query, cand) if query_kind == CHALLENGE else (cand, query)
    trl = (challenge.trl[:, None] >= 0) & (solution.trl[None, :] >= challenge.trl[:, None])
    deadline = np.broadcast_to((~np.isnan(challenge.deadline) & (challenge.deadline > now))[:, None], trl.shape)
    if query_kind != CHALLENGE:
        trl, deadline = trl.T, deadline.T
    place = (query.country[:, None] == cand.country[None, :]) & (query.country[:, None] >= 0)
    bonus = (0.10 * (shared(query.sectors, cand.sectors) > 0)
             + 0.10 * np.minimum(shared(query.tags, cand.tags), TAGS_FULL) / TAGS_FULL
             + 0.05 * trl + 0.05 * place + 0.03 * deadline)
    return ((1 + bonus) / (1 + SIGNAL_TOTAL)).astype(np.float32)


@pytest.mark.parametrize("query_kind", [CHALLENGE, SOLUTION])
def test_pair_multiplier_equals_the_signals_of_every_pair(query_kind):
    rng = np.random.default_rng(9)
    labels = ["a", "b", "c", "d", "e", "f"]

    def items(kind, count):
        return [Item(i, kind, sectors=tuple(rng.choice(labels[:3], int(rng.integers(0, 3)), replace=False)),
                     tags=tuple(rng.choice(labels, int(rng.integers(0, 6)), replace=False)),
                     trl=None if rng.random() < 0.2 else int(rng.integers(1, 10)),
                     country=None if rng.random() < 0.2 else str(rng.choice(["FR", "DE"])),
                     deadline=None if rng.random() < 0.3 else NOW + timedelta(days=int(rng.integers(-5, 5))))
                for i in range(count)]

    books = Codebooks()
    query = Facts.of(items(query_kind, 30), books, grow=True)
    cand = Facts.of(items(other_kind(query_kind), 40), books, grow=True)
    stamp = NOW.timestamp()
    expected = _plain_multiplier(query, query_kind, cand, stamp)
    assert np.array_equal(plain_pair_multiplier(query, query_kind, cand, stamp), expected)
    assert np.array_equal(pair_multiplier(query, query_kind, cand, stamp), expected)
    assert len(np.unique(expected)) > 10
    assert expected.min() >= 1 / (1 + SIGNAL_TOTAL) - 1e-7 and expected.max() <= 1


_serial_codes = forked_tokenise.one_pass_codes


def test_fit_tokenised_in_two_processes_equals_one_pass(monkeypatch):
    challenges, solutions = _random_corpus(11, 40, 60)
    solutions.append(solution(5000, "zebra crossing lights. unique words only here"))  # stems new in 2nd half
    serial = fit(challenges, solutions)
    monkeypatch.setattr(forked_tokenise, "PARALLEL_MIN_ITEMS", 2)
    here = []  # items tokenised in this process: only the first half when the child works
    monkeypatch.setattr(forked_tokenise, "one_pass_codes", lambda lexicon, items, settings: here.append(len(items))
                        or _serial_codes(lexicon, items, settings))
    forked = fit(challenges, solutions)
    # then each side once more, in one pass, for the phrases reasons may show (display_vectors)
    assert here == [len(challenges + solutions) // 2, len(challenges), len(solutions)]
    assert forked.version == serial.version
    assert forked.vocab.stems == serial.vocab.stems and list(forked.vocab.stems) == list(serial.vocab.stems)
    for kind in ("challenge", "solution"):
        assert (forked.sides[kind].matrix != serial.sides[kind].matrix).nnz == 0


def test_transforming_in_two_processes_equals_one_pass(monkeypatch):
    challenges, solutions = _random_corpus(13, 40, 60)
    model = fit(challenges, solutions)
    later = [*_random_corpus(14, 10, 10)[1], solution(6000, "zebra crossing bus fleet. never seen words")]
    serial = transform_counts(model.vocab, later, DEFAULT_SETTINGS)
    monkeypatch.setattr(forked_tokenise, "PARALLEL_MIN_ITEMS", 2)
    here = []
    monkeypatch.setattr(forked_tokenise, "one_pass_codes", lambda lexicon, items, settings: here.append(len(items))
                        or _serial_codes(lexicon, items, settings))
    stems_before = dict(model.vocab.stems)
    forked = transform_counts(model.vocab, later, DEFAULT_SETTINGS)
    assert here == [len(later) // 2]
    assert (forked != serial).nnz == 0 and forked.nnz > 0
    assert model.vocab.stems == stems_before  # a fitted vocabulary never grows


def test_fit_falls_back_to_one_pass_when_no_child_process_can_start(monkeypatch):
    challenges, solutions = _random_corpus(12, 30, 30)
    serial = fit(challenges, solutions)

    class NoProcesses:
        def __init__(self, *args, **kwargs):
            raise OSError("no fork here")

    monkeypatch.setattr(forked_tokenise, "PARALLEL_MIN_ITEMS", 2)
    monkeypatch.setattr(forked_tokenise, "ProcessPoolExecutor", NoProcesses)
    assert fit(challenges, solutions).version == serial.version
