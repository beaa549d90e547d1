"""Joint challenges: inviting co-owners and observers, accepting, removing, and what each party may do."""
from dataclasses import replace

import pytest
from sqlalchemy import select

from app.models import OutboxMessage
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.marketplace import buyer_groups, challenges
from app.services.marketplace import challenge_access as access
from app.services.procurement import evaluation
from tests.joint_scenario import invitation_token, join
from tests.pilot_scenario import apply, criteria


@pytest.fixture
def group(db, make, settings):
    lead = make.buyer(email="lead@helsinki.example", org_name="Helsinki")
    co_owner = make.buyer(email="co@amsterdam.example", org_name="Amsterdam")
    observer = make.buyer(email="obs@tallinn.example", org_name="Tallinn")
    challenge = make.challenge(lead)
    join(db, settings, lead, challenge, co_owner)
    join(db, settings, lead, challenge, observer, "observer")
    return lead, co_owner, observer, challenge


def _edit(challenge, **changes):
    data = challenges.ChallengeData(title=challenge.title, summary=challenge.summary,
                                    problem_statement=challenge.problem_statement, sector=challenge.sector,
                                    trl_expected=challenge.trl_expected, deadline=challenge.deadline,
                                    country=challenge.country, tags=list(challenge.tags))
    return replace(data, **changes)


def test_invitation_is_emailed_to_every_member_of_the_invited_organisation(db, make, settings):
    lead = make.buyer(org_name="Helsinki")
    guest = make.buyer(org_name="Paris region")
    challenge = make.challenge(lead, title="Six-city energy challenge")
    buyer_groups.invite(db, lead.id, challenge.id, guest.organisation_id, "co_owner", settings=settings)
    message = db.scalar(select(OutboxMessage).where(OutboxMessage.to_address == guest.email))
    assert "Six-city energy challenge" in message.text_body and "co-owner" in message.text_body
    assert "http://civimatch.test/buyer-invitations/" in message.text_body


def test_co_owner_edits_but_only_the_lead_cancels(db, settings, group):
    lead, co_owner, _observer, challenge = group
    challenges.update_challenge(db, co_owner.id, challenge.id, _edit(challenge, title="Joint: cleaner buses"))
    assert challenge.title == "Joint: cleaner buses"
    with pytest.raises(Forbidden, match="lead buyer"):
        challenges.change_status(db, co_owner.id, challenge.id, "cancelled", settings=settings)
    challenges.change_status(db, co_owner.id, challenge.id, "evaluation", settings=settings)
    challenges.change_status(db, lead.id, challenge.id, "cancelled", settings=settings)
    assert challenge.status == "cancelled"


def test_public_buyers_are_lead_first_then_co_owners_never_observers(db, group):
    lead, co_owner, _observer, challenge = group
    assert [o.id for o in buyer_groups.buyers_of(db, challenge)] == [lead.organisation_id, co_owner.organisation_id]


def test_observer_reads_scores_and_audit_trail_but_cannot_score(db, make, settings, group):
    lead, co_owner, observer, challenge = group
    crit = criteria(db, co_owner, challenge)
    innovator = make.innovator()
    application = apply(db, innovator, challenge, make.solution(innovator))
    evaluation.declare_no_conflict(db, co_owner.id, challenge.id)
    evaluation.score_application(db, co_owner.id, application.id, {crit[0].id: (8, "Strong")})
    assert evaluation.ranked_table(db, observer.id, challenge.id)[0].total is not None
    assert [h.new_value for h in evaluation.score_history(db, observer.id, application.id)] == [8]
    with pytest.raises(Forbidden, match="Observers"):
        evaluation.declare_no_conflict(db, observer.id, challenge.id)
    with pytest.raises(Forbidden, match="Observers"):
        evaluation.score_application(db, observer.id, application.id, {crit[0].id: (1, "")})
    with pytest.raises(Forbidden, match="Observers"):
        challenges.update_challenge(db, observer.id, challenge.id, _edit(challenge, title="Observer's title"))


def test_inviting_an_existing_co_owner_says_so(db, settings, group):
    lead, co_owner, _observer, challenge = group
    with pytest.raises(Conflict, match="Amsterdam is already a co-owner"):
        buyer_groups.invite(db, lead.id, challenge.id, co_owner.organisation_id, "observer", settings=settings)
    with pytest.raises(Conflict, match="already leads"):
        buyer_groups.invite(db, lead.id, challenge.id, lead.organisation_id, "co_owner", settings=settings)


def test_only_the_lead_invites_and_only_buyers_can_be_invited(db, make, settings, group):
    lead, co_owner, _observer, challenge = group
    other = make.buyer()
    with pytest.raises(Forbidden):
        buyer_groups.invite(db, co_owner.id, challenge.id, other.organisation_id, "co_owner", settings=settings)
    innovator = make.innovator()
    with pytest.raises(ValidationFailed):
        buyer_groups.invite(db, lead.id, challenge.id, innovator.organisation_id, "co_owner", settings=settings)
    with pytest.raises(ValidationFailed):
        buyer_groups.invite(db, lead.id, challenge.id, other.organisation_id, "owner", settings=settings)


def test_invited_but_not_accepted_gets_no_rights(db, make, settings):
    lead, guest = make.buyer(), make.buyer()
    challenge = make.challenge(lead, publish=False)
    buyer_groups.invite(db, lead.id, challenge.id, guest.organisation_id, "co_owner", settings=settings)
    with pytest.raises(NotFound):
        challenges.view_challenge(db, challenge.id, guest.organisation_id)
    with pytest.raises(NotFound):
        challenges.owned_challenge(db, guest.id, challenge.id)


def test_expired_and_tampered_invitations_are_refused_with_a_reason(db, make, settings):
    lead, guest = make.buyer(), make.buyer()
    challenge = make.challenge(lead)
    buyer_groups.invite(db, lead.id, challenge.id, guest.organisation_id, "co_owner", settings=settings)
    token = invitation_token(db, guest)
    with pytest.raises(NotFound, match="expired"):
        buyer_groups.accept(db, guest.id, token, settings=replace(settings, invitation_max_age_s=-1))
    with pytest.raises(NotFound, match="not valid"):
        buyer_groups.accept(db, guest.id, token[:-3] + "abc", settings=settings)
    with pytest.raises(NotFound, match="not valid"):
        buyer_groups.accept(db, guest.id, "garbage", settings=settings)


def test_a_member_of_another_organisation_cannot_accept(db, make, settings):
    lead, guest, stranger = make.buyer(), make.buyer(org_name="Copenhagen"), make.buyer()
    challenge = make.challenge(lead)
    buyer_groups.invite(db, lead.id, challenge.id, guest.organisation_id, "co_owner", settings=settings)
    with pytest.raises(Forbidden, match="members of Copenhagen"):
        buyer_groups.accept(db, stranger.id, invitation_token(db, guest), settings=settings)


def test_removed_co_owner_loses_rights_and_its_old_link(db, settings, group):
    lead, co_owner, _observer, challenge = group
    token = invitation_token(db, co_owner)
    with pytest.raises(Forbidden):
        buyer_groups.remove(db, co_owner.id, challenge.id, co_owner.organisation_id)
    buyer_groups.remove(db, lead.id, challenge.id, co_owner.organisation_id)
    assert access.role_of(db, challenge, co_owner.organisation_id) is None
    with pytest.raises(Forbidden):  # a replayed edit form
        challenges.update_challenge(db, co_owner.id, challenge.id, _edit(challenge, title="Replayed"))
    with pytest.raises(NotFound, match="already been answered"):
        buyer_groups.accept(db, co_owner.id, token, settings=settings)
    with pytest.raises(Conflict):
        buyer_groups.remove(db, lead.id, challenge.id, co_owner.organisation_id)


def test_a_new_invitation_voids_the_previous_link(db, settings, group):
    lead, co_owner, _observer, challenge = group
    buyer_groups.remove(db, lead.id, challenge.id, co_owner.organisation_id)
    old = invitation_token(db, co_owner)
    db.execute(OutboxMessage.__table__.delete())  # so the helper finds the new link
    buyer_groups.invite(db, lead.id, challenge.id, co_owner.organisation_id, "observer", settings=settings)
    with pytest.raises(NotFound):
        buyer_groups.accept(db, co_owner.id, old, settings=settings)
    assert buyer_groups.accept(db, co_owner.id, invitation_token(db, co_owner), settings=settings).role == "observer"
