"""Poor input never raises: empty, short, foreign, huge, duplicate, tiny or wordless corpora."""

from __future__ import annotations

from matching_fixtures import NOW, challenge, solution

from app.matching import MAX_FIELD_CHARS, fit, rank_solutions_for_challenge, top_k_all
from app.matching.text import Analyzer


def test_empty_and_very_short_texts():
    model = fit([challenge(1, ""), challenge(2, "ok")], [solution(3, ""), solution(4, "x")])
    assert rank_solutions_for_challenge(model, challenge(5, ""), now=NOW) == []
    assert list(top_k_all(model, now=NOW)) == []


def test_non_english_text_is_matched_on_its_own_words():
    model = fit([challenge(1, "Überwachung der Luftqualität in Städten")],
                [solution(2, "Luftqualität Überwachung Sensoren"), solution(3, "Москва транспорт"),
                 solution(4, "城市交通")])
    ranked = rank_solutions_for_challenge(model, challenge(1, "Luftqualitat uberwachung"), now=NOW)
    assert [m.solution_id for m in ranked] == [2]


def test_very_long_text_is_capped():
    assert len(Analyzer(1)("ab " * MAX_FIELD_CHARS)) == MAX_FIELD_CHARS // 3 + 1
    huge = solution(2, "bus " * MAX_FIELD_CHARS + " flood")
    ranked = rank_solutions_for_challenge(fit([challenge(1, "flood")], [huge]), challenge(1, "flood"), now=NOW)
    assert ranked == []


def test_duplicate_items_rank_deterministically():
    solutions = [solution(3, "solar panels on roofs"), solution(3, "solar panels on roofs"),
                 solution(2, "solar panels on roofs")]
    model = fit([challenge(1, "solar roofs")], solutions)
    ranked = rank_solutions_for_challenge(model, challenge(1, "solar roofs"), now=NOW)
    assert [m.solution_id for m in ranked] == [2, 3]


def test_corpus_of_one_item():
    model = fit([challenge(1, "noise barriers along motorways")], [])
    assert rank_solutions_for_challenge(model, challenge(1, "noise"), now=NOW) == []
    assert list(top_k_all(model, now=NOW)) == []


def test_corpus_without_vocabulary():
    model = fit([challenge(1, "the and of new smart", title="the")],
                [solution(2, "a an the innovative platform", title="of")])
    assert model.vocabulary == {}
    assert rank_solutions_for_challenge(model, challenge(3, "electric bus"), now=NOW) == []
    assert list(top_k_all(model, now=NOW)) == []
    model.add_items([solution(4, "electric bus")])
