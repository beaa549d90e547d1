"""Discovery: keyword search survives any input (hypothesis), ranks sensibly, filters, sorts and pages.

Runs on whichever engine the run uses: SQLite FTS5 by default, PostgreSQL full-text with DATABASE_URL.
"""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.db import utcnow
from app.models import Challenge
from app.security.input_rules import has_control_characters
from app.services.marketplace import text_search
from app.services.marketplace.discovery_queries import (
    ChallengeQuery,
    SolutionQuery,
    search_challenges,
    search_solutions,
)

NASTY = ['"', '""', "'", "AND", "OR", "NOT", "NEAR(", "NEAR(a b, 2)", "*", "^", "title:x", "tags:leak", "-",
         "(", ")", "{", "}", ":", "&", "|", "!", "<->", "\\", "%", "_", ";", "--", "/*", "leak", "water", "é",
         "ß", "漏水", "💧", "\x00", "\x07", "\u200b", "\ufeff", "NEAR", "AND OR NOT", "x' OR '1'='1"]
QUERIES = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.lists(st.sampled_from(NASTY), max_size=8).map(" ".join),
    st.lists(st.sampled_from(NASTY), max_size=8).map("".join),
    st.text(min_size=2000, max_size=6000),
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def corpus(make):
    """A few public and draft items so searches have something to match and to skip."""
    buyer, innovator = make.buyer(), make.innovator()
    make.challenge(buyer, title="Detect water leaks early", tags=["leak detection", "water"], sector="water")
    make.challenge(buyer, title="Quieter night buses", problem_statement="Diesel buses wake people up.")
    make.challenge(buyer, publish=False, title="Draft leak programme")
    make.solution(innovator, title="Acoustic leak loggers", sectors=["water"])
    make.solution(innovator, publish=False, title="Draft leak sensor")
    return make


@FUZZ
@given(q=QUERIES)
def test_search_challenges_never_raises(db, corpus, q):
    page = search_challenges(db, ChallengeQuery(q=q, status="any"))

    assert page.total == len(page.items) <= page.per_page
    assert all(item.status != "draft" for item in page.items)


@FUZZ
@given(q=QUERIES, sort=st.sampled_from(["relevance", "newest", "deadline", "bogus"]))
def test_search_solutions_never_raises(db, corpus, q, sort):
    page = search_solutions(db, SolutionQuery(q=q, sort=sort))

    assert all(item.status == "published" for item in page.items)


@FUZZ
@given(args=st.dictionaries(st.sampled_from(["q", "sector", "country", "trl_min", "trl_max", "status", "sort",
                                             "page", "deadline_ahead", "_method", "endpoint", "_scheme"]),
                            st.one_of(st.text(max_size=300), st.sampled_from(NASTY),
                                      st.integers().map(str)), max_size=8))
def test_list_pages_never_fail_whatever_the_query_string(client, corpus, args):
    # NUL, escape and other control characters in an address are refused (app.security.input_guards).
    refused = any(has_control_characters(text) for pair in args.items() for text in pair)
    for path in ("/challenges", "/solutions"):
        response = client.get(path, query_string=args)
        assert response.status_code == (400 if refused else 200), (path, args)


def test_tokens_strip_query_syntax():
    assert text_search.tokens('title:x AND "leak" NEAR(pipe* -burst)') == ["title", "x", "and", "leak", "near",
                                                                          "pipe", "burst"]
    assert text_search.tokens("  \x00*^:  ") == []
    assert len(text_search.tokens("word " * 100)) == text_search.MAX_TOKENS


def _titles(page) -> list[str]:
    return [item.title for item in page.items]


def test_title_match_ranks_above_body_only_match(db, make):
    buyer = make.buyer()
    make.challenge(buyer, title="Cut energy use in schools",
                   problem_statement="Boilers are old. A leak in a heating pipe was found last year.")
    make.challenge(buyer, title="Find the leak before the street floods", problem_statement="Water mains burst.")

    page = search_challenges(db, ChallengeQuery(q="leak"))

    assert _titles(page) == ["Find the leak before the street floods", "Cut energy use in schools"]


def test_solution_title_match_ranks_above_description_match(db, make):
    innovator = make.innovator()
    make.solution(innovator, title="Bus depot planner", description="Also reports a leak in the coolant.")
    make.solution(innovator, title="Leak finder", description="Listens to pipes.")

    assert _titles(search_solutions(db, SolutionQuery(q="leak"))) == ["Leak finder", "Bus depot planner"]


@pytest.mark.parametrize(("stored", "typed"), [("Detect a leak in mains", "leaks"),
                                               ("Detect leaks in mains", "leak"),
                                               ("Charging electric ferries", "charge ferry")])
def test_search_matches_word_forms(db, make, stored, typed):
    make.challenge(title=stored)
    make.challenge(title="Unrelated heat-wave alerts")

    assert _titles(search_challenges(db, ChallengeQuery(q=typed))) == [stored]


def test_every_word_must_match(db, make):
    make.challenge(title="Water leak detection")
    make.challenge(title="Water quality monitoring")

    assert _titles(search_challenges(db, ChallengeQuery(q="water leak"))) == ["Water leak detection"]
    assert len(search_challenges(db, ChallengeQuery(q="water")).items) == 2


def test_search_follows_edits(db, make):
    buyer = make.buyer()
    challenge = make.challenge(buyer, publish=False, title="Old wording")
    from app.services.marketplace import challenges

    data = challenges.ChallengeData(title="Snow clearing routes", summary="s", problem_statement="p",
                                    sector="mobility", trl_expected=5, deadline=challenge.deadline, country="FI")
    challenges.update_challenge(db, buyer.id, challenge.id, data)
    challenges.publish_challenge(db, buyer.id, challenge.id, settings=make.settings)

    assert _titles(search_challenges(db, ChallengeQuery(q="snow"))) == ["Snow clearing routes"]
    assert search_challenges(db, ChallengeQuery(q="wording")).total == 0


def _set(db, challenge, **values) -> None:
    for name, value in values.items():
        setattr(challenge, name, value)
    db.commit()


def test_filters_combine(db, make):
    fi_buyer, se_buyer = make.buyer(country="FI"), make.buyer(country="SE")
    now = utcnow()
    wanted = make.challenge(fi_buyer, title="Wanted", sector="water", trl_expected=5, country="FI")
    make.challenge(fi_buyer, title="Other sector", sector="energy", trl_expected=5, country="FI")
    make.challenge(se_buyer, title="Other country", sector="water", trl_expected=5, country="SE")
    make.challenge(fi_buyer, title="TRL too high", sector="water", trl_expected=8, country="FI")
    make.challenge(fi_buyer, title="TRL too low", sector="water", trl_expected=2, country="FI")
    make.challenge(fi_buyer, publish=False, title="Draft", sector="water", trl_expected=5, country="FI")
    closed = make.challenge(fi_buyer, title="Closed", sector="water", trl_expected=5, country="FI")
    _set(db, closed, status="closed", closed_at=now)
    passed = make.challenge(fi_buyer, title="Deadline passed", sector="water", trl_expected=5, country="FI")
    _set(db, passed, deadline=now - timedelta(days=1))

    query = dict(sector="water", country="FI", trl_min=4, trl_max=6)
    assert _titles(search_challenges(db, ChallengeQuery(**query, status="open", deadline_ahead=True))) == ["Wanted"]
    assert set(_titles(search_challenges(db, ChallengeQuery(**query, status="open")))) == {"Wanted",
                                                                                           "Deadline passed"}
    assert _titles(search_challenges(db, ChallengeQuery(**query, status="closed"))) == ["Closed"]
    assert set(_titles(search_challenges(db, ChallengeQuery(**query, status="any")))) == {
        "Wanted", "Deadline passed", "Closed"}
    assert _titles(search_challenges(db, ChallengeQuery(**query, q="wanted", deadline_ahead=True))) == ["Wanted"]
    assert wanted.id in {c.id for c in search_challenges(db, ChallengeQuery(trl_min=5, trl_max=5)).items}


def test_solution_filters_combine(db, make):
    fi, se = make.innovator(country="FI"), make.innovator(country="SE")
    make.solution(fi, title="Wanted", sectors=["water", "energy"], trl=6)
    make.solution(fi, title="Other sector", sectors=["health"], trl=6)
    make.solution(se, title="Other country", sectors=["water"], trl=6)
    make.solution(fi, title="Too early", sectors=["water"], trl=3)

    query = SolutionQuery(sector="water", country="FI", trl_min=5, trl_max=9)
    assert _titles(search_solutions(db, query)) == ["Wanted"]


def test_sort_by_newest_and_by_deadline(db, make):
    buyer = make.buyer()
    now = utcnow()
    specs = [("Older, closes last", 3, 90), ("Newest, closes middle", 1, 60), ("Middle, closes first", 2, 30)]
    for title, days_ago, closes_in in specs:
        challenge = make.challenge(buyer, title=f"{title} street lighting")
        _set(db, challenge, published_at=now - timedelta(days=days_ago), deadline=now + timedelta(days=closes_in))

    newest = search_challenges(db, ChallengeQuery(q="lighting", sort="newest"))
    by_deadline = search_challenges(db, ChallengeQuery(q="lighting", sort="deadline"))
    no_keywords = search_challenges(db, ChallengeQuery(sort="deadline"))

    assert [t.split(",")[0] for t in _titles(newest)] == ["Newest", "Middle", "Older"]
    assert [t.split(",")[0] for t in _titles(by_deadline)] == ["Middle", "Newest", "Older"]
    assert _titles(no_keywords) == _titles(by_deadline)


def test_pagination_clamps_out_of_range_pages(db, make):
    buyer = make.buyer()
    for n in range(5):
        make.challenge(buyer, title=f"Challenge {n}")

    last = search_challenges(db, ChallengeQuery(page=999, per_page=2))
    first = search_challenges(db, ChallengeQuery(page=-3, per_page=2))
    huge = search_challenges(db, ChallengeQuery(per_page=10**6))

    assert (last.page, last.pages, len(last.items), last.has_next) == (3, 3, 1, False)
    assert (first.page, len(first.items), first.has_prev) == (1, 2, False)
    assert huge.per_page == 100 and huge.total == 5
    empty = search_challenges(db, ChallengeQuery(q="nothing-matches-this", page=7))
    assert (empty.page, empty.total, empty.items) == (1, 0, [])


def test_list_page_keeps_filters_in_links_and_form(client, db, make):
    buyer = make.buyer(country="FI")
    for n in range(23):
        make.challenge(buyer, title=f"Leak survey {n}", sector="water", trl_expected=5, country="FI")

    response = client.get("/challenges?q=leak&sector=water&country=FI&trl_min=4&trl_max=6&sort=newest"
                          "&deadline_ahead=1&status=open")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Page 1 of 2 (23 results)" in html
    next_link = re.search(r'<a href="([^"]+)" rel="next">', html).group(1).replace("&amp;", "&")
    args = parse_qs(urlsplit(next_link).query)
    assert args == {"q": ["leak"], "sector": ["water"], "country": ["FI"], "trl_min": ["4"], "trl_max": ["6"],
                    "sort": ["newest"], "deadline_ahead": ["1"], "status": ["open"], "page": ["2"]}
    second = client.get(next_link).get_data(as_text=True)
    assert "Page 2 of 2 (23 results)" in second
    assert 'rel="prev"' in second
    assert 'value="leak"' in second
    assert re.search(r'<option value="water"\s+selected>', second)
    assert re.search(r'<option value="FI"\s+selected>', second)
    assert re.search(r'name="deadline_ahead" value="1"\s+checked', second)


def test_list_shows_only_matches_and_hides_drafts(client, make):
    buyer = make.buyer()
    make.challenge(buyer, title="Heat-wave alerts for elderly residents", sector="health")
    make.challenge(buyer, title="Waste-collection routing", sector="waste")
    make.challenge(buyer, publish=False, title="Heat-wave draft")

    html = client.get("/challenges?q=heat").get_data(as_text=True)

    assert "Heat-wave alerts for elderly residents" in html
    assert "Waste-collection routing" not in html and "Heat-wave draft" not in html
    assert _cards(html) == 1


def _cards(html: str) -> int:
    return html.count('<article class="card">')


def test_closed_challenges_listed_only_when_asked(client, db, make):
    challenge = make.challenge(title="Finished ferry tender")
    _set(db, challenge, status="closed", closed_at=utcnow())

    assert "Finished ferry tender" not in client.get("/challenges").get_data(as_text=True)
    assert "Finished ferry tender" in client.get("/challenges?status=closed").get_data(as_text=True)
    assert "Finished ferry tender" in client.get("/challenges?status=any&q=ferry").get_data(as_text=True)
    assert db.get(Challenge, challenge.id).status == "closed"


@pytest.mark.parametrize("q", ["heatwave", "heat wave", "heat-wave", "Heatwaves", "heat waves"])
def test_compound_hyphen_and_plural_spellings_find_each_other(db, make, q):
    buyer = make.buyer()
    written = {"hyphen": "Heat-wave alerts for older residents", "space": "Early warning of a heat wave",
               "compound": "Heatwave cooling centres"}
    ids = {key: make.challenge(buyer, title=title, tags=["climate"], sector="safety").id
           for key, title in written.items()}
    make.challenge(buyer, title="Warm water for public baths", tags=["heat pumps"])  # shares a word only

    found = {item.id for item in search_challenges(db, ChallengeQuery(q=q, status="any")).items}

    assert found == set(ids.values()), q


def test_variants_split_compounds_and_join_neighbours():
    readings = text_search.variants(["heat", "wave"])
    phrases = {phrase for reading in readings for group in reading for phrase in group}
    assert ("heatwave",) in phrases and ("heat", "wave") in phrases
    assert len(text_search.variants(["a"] * 16)) == 1  # no joins for long queries: the expression stays small


def test_an_empty_search_offers_other_statuses_and_a_near_spelling(db, make):
    from app.services.marketplace import search_suggestions
    from app.services.marketplace.challenges import change_status

    buyer = make.buyer()
    closed = make.challenge(buyer, title="Detect water leaks early", tags=["leak detection"], sector="water")
    change_status(db, buyer.id, closed.id, "closed", settings=make.settings)
    make.challenge(buyer, title="Quieter night buses")

    query = ChallengeQuery(q="water leaks", status="open")
    assert search_challenges(db, query).total == 0
    assert search_suggestions.in_other_statuses(db, query) == [("closed", 1)]
    assert search_suggestions.near_spelling(db, query) is None  # the words exist: nothing to correct
    assert search_suggestions.near_spelling(db, ChallengeQuery(q="watr leeks")) == "water leaks"
    assert search_suggestions.near_spelling(db, ChallengeQuery(q="zzqx")) is None
