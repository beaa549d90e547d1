"""The published pipeline: publish a planned challenge, list and filter it, make a draft challenge from it."""
from datetime import date

import pytest

from app.models import Challenge, PipelineItem
from app.services.errors import Forbidden, InvalidTransition, ValidationFailed
from app.services.marketplace import pipeline

TODAY = date(2027, 5, 10)  # Q2 2027


def plan(**overrides) -> pipeline.PipelineData:
    values = {"title": "Heat pumps for 40 schools", "need": "Our schools burn gas.\nWe want them off it by 2030.",
              "sector": "energy", "country": "FI", "expected_year": 2027, "expected_quarter": 3,
              "indicative_budget": 2_000_000, "currency": "EUR"}
    values.update(overrides)
    return pipeline.PipelineData(**values)


def test_publish_and_list_with_label(db, make):
    buyer = make.buyer()
    item = pipeline.publish_item(db, buyer.id, plan(), today=TODAY)
    assert (item.status, item.quarter_label) == ("planned", "Q3 2027")
    assert [i.id for i in pipeline.search(db, pipeline.PipelineQuery(), today=TODAY).items] == [item.id]


def test_a_past_quarter_is_refused_and_nothing_is_stored(db, make):
    buyer = make.buyer()
    with pytest.raises(ValidationFailed) as info:
        pipeline.publish_item(db, buyer.id, plan(expected_year=2027, expected_quarter=1), today=TODAY)
    assert "Q1 2027 is in the past" in info.value.errors["expected_quarter"]
    assert db.query(PipelineItem).count() == 0


def test_the_current_quarter_is_allowed(db, make):
    item = pipeline.publish_item(db, make.buyer().id, plan(expected_quarter=2), today=TODAY)
    assert item.expected_quarter == 2


def test_bad_fields_are_each_refused(db, make):
    with pytest.raises(ValidationFailed) as info:
        pipeline.publish_item(db, make.buyer().id, plan(title=" ", sector="space", country="XX", currency="ZZZ",
                                                        indicative_budget=-1, expected_quarter=5), today=TODAY)
    assert set(info.value.errors) == {"title", "sector", "country", "currency", "indicative_budget",
                                      "expected_quarter"}


def test_innovators_cannot_publish_plans(db, make):
    with pytest.raises(Forbidden):
        pipeline.publish_item(db, make.innovator().id, plan(), today=TODAY)


def test_filters_and_past_items_leave_the_list(db, make):
    buyer = make.buyer()
    energy = pipeline.publish_item(db, buyer.id, plan(), today=TODAY)
    water = pipeline.publish_item(db, buyer.id, plan(sector="water", country="SE", expected_year=2028), today=TODAY)
    found = pipeline.search(db, pipeline.PipelineQuery(country="SE"), today=TODAY).items
    assert [i.id for i in found] == [water.id]
    assert [i.id for i in pipeline.search(db, pipeline.PipelineQuery(year=2027), today=TODAY).items] == [energy.id]
    later = date(2027, 11, 1)  # Q4: the Q3 plan has passed
    assert [i.id for i in pipeline.search(db, pipeline.PipelineQuery(), today=later).items] == [water.id]


def test_make_draft_creates_a_draft_challenge_once(db, make):
    buyer = make.buyer()
    item = pipeline.publish_item(db, buyer.id, plan(expected_year=2030, expected_quarter=4))
    challenge = pipeline.make_draft(db, buyer.id, item.id)
    assert (challenge.status, challenge.title, challenge.budget_max) == ("draft", item.title, 2_000_000)
    assert challenge.summary == "Our schools burn gas."
    assert (challenge.deadline.year, challenge.deadline.month, challenge.deadline.day) == (2030, 12, 31)
    assert (item.status, item.challenge_id) == ("drafted", challenge.id)
    with pytest.raises(InvalidTransition):
        pipeline.make_draft(db, buyer.id, item.id)
    assert db.query(Challenge).count() == 1


def test_only_the_planning_organisation_makes_a_draft(db, make):
    item = pipeline.publish_item(db, make.buyer().id, plan(expected_year=2030))
    with pytest.raises(Forbidden):
        pipeline.make_draft(db, make.buyer().id, item.id)
    assert db.query(Challenge).count() == 0 and item.status == "planned"


def test_planned_for_innovator_follows_its_solution_sectors(db, make):
    buyer, innovator = make.buyer(), make.innovator()
    make.solution(innovator, sectors=["energy"])
    energy = pipeline.publish_item(db, buyer.id, plan(expected_year=2030))
    pipeline.publish_item(db, buyer.id, plan(sector="health", expected_year=2030))
    assert [i.id for i in pipeline.planned_for_innovator(db, innovator.organisation_id)] == [energy.id]
