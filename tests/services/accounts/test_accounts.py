"""Account rules: sign-up for both sides, duplicates, argon2id hashes, revocable sessions, invitations, admins."""
from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from app.models import Invitation, Organisation, OutboxMessage, User
from app.services.accounts import passwords
from app.services.accounts import users as accounts
from app.services.errors import Forbidden, NotFound, ValidationFailed
from tests.factories import PASSWORD

SECRET = "service-test-secret-0123456789abcdef"


@pytest.fixture
def account_settings(settings):
    """The app's settings with this module's secret and a production-like base URL."""
    return replace(settings, secret=SECRET, base_url="https://civimatch.example")


def _signup(side: str, kind: str, email: str = "first@org.example", **org) -> accounts.SignupData:
    organisation = accounts.OrganisationData(name=org.pop("name", "Org"), side=side, kind=kind,
                                             country=org.pop("country", "FI"), **org)
    return accounts.SignupData(name="First Member", email=email, password=PASSWORD, organisation=organisation)


@pytest.mark.parametrize(("side", "kind"), [("buyer", "city"), ("buyer", "region"), ("buyer", "agency"),
                                            ("innovator", "startup"), ("innovator", "sme"),
                                            ("innovator", "large_company"), ("innovator", "research_body")])
def test_sign_up_creates_organisation_with_first_member(db, side, kind):
    user = accounts.sign_up(db, _signup(side, kind, name="  Espoo  ", city="Espoo", size="51-250"))

    org = db.get(Organisation, user.organisation_id)
    assert (org.side, org.kind, org.name, org.city, org.size) == (side, kind, "Espoo", "Espoo", "51-250")
    assert [member.id for member in org.members] == [user.id]
    assert user.is_admin is False


@pytest.mark.parametrize(("side", "kind"), [("buyer", "startup"), ("innovator", "city"), ("buyer", "castle"),
                                            ("seller", "city")])
def test_sign_up_refuses_a_kind_that_does_not_fit_the_side(db, side, kind):
    with pytest.raises(ValidationFailed) as caught:
        accounts.sign_up(db, _signup(side, kind))

    assert set(caught.value.errors) & {"kind", "side"}
    assert db.scalar(select(func.count()).select_from(Organisation)) == 0


def test_sign_up_refuses_unknown_country_size_and_short_password(db):
    data = _signup("buyer", "city", country="XX", size="huge")
    data = accounts.SignupData(name=data.name, email=data.email, password="short", organisation=data.organisation)
    with pytest.raises(ValidationFailed) as caught:
        accounts.sign_up(db, data)

    assert {"country", "size", "password"} <= set(caught.value.errors)


def test_duplicate_email_is_refused_whatever_its_case(db):
    accounts.sign_up(db, _signup("buyer", "city", email="ann@city.example"))

    with pytest.raises(ValidationFailed) as caught:
        accounts.sign_up(db, _signup("innovator", "sme", email="  ANN@City.Example "))

    assert "email" in caught.value.errors
    assert db.scalar(select(func.count()).select_from(User)) == 1
    assert db.scalar(select(func.count()).select_from(Organisation)) == 1


def test_password_is_stored_as_argon2id_hash(db, make):
    user = make.buyer(email="hash@city.example")

    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert accounts.authenticate(db, "HASH@city.example", PASSWORD).id == user.id
    assert accounts.authenticate(db, "hash@city.example", PASSWORD + "x") is None
    assert accounts.authenticate(db, "nobody@city.example", PASSWORD) is None


def test_ending_sessions_makes_old_session_ids_resolve_to_nobody(db, make):
    user = make.buyer()
    old_id = f"{user.id}:{user.session_version}"
    assert accounts.user_for_session(db, old_id).id == user.id

    accounts.end_all_sessions(db, user.id)

    assert accounts.user_for_session(db, old_id) is None
    assert accounts.user_for_session(db, f"{user.id}:{user.session_version}").id == user.id
    for garbage in ("", ":", "x:1", f"{user.id}", f"{user.id}:-1", "999999:1"):
        assert accounts.user_for_session(db, garbage) is None


def test_change_password_checks_the_current_one_and_ends_sessions(db, make):
    user = make.buyer()
    version = user.session_version
    with pytest.raises(ValidationFailed) as caught:
        accounts.change_password(db, user.id, "wrong password", "a brand new secret")
    assert "current_password" in caught.value.errors
    with pytest.raises(ValidationFailed):
        accounts.change_password(db, user.id, PASSWORD, "short")

    accounts.change_password(db, user.id, PASSWORD, "a brand new secret")

    assert user.session_version == version + 1
    assert accounts.authenticate(db, user.email, "a brand new secret") is not None
    assert accounts.authenticate(db, user.email, PASSWORD) is None


def test_invitation_queues_email_with_signed_link(db, make, account_settings):
    inviter = make.buyer(org_name="City of Oulu")
    invitation = accounts.invite_member(db, inviter.id, "New.Colleague@Oulu.example", settings=account_settings)

    message = db.scalars(select(OutboxMessage)).one()
    assert (message.kind, message.status, message.to_address) == ("invitation", "queued", "new.colleague@oulu.example")
    assert "City of Oulu" in message.subject
    link = next(word for word in message.text_body.split() if word.startswith("https://civimatch.example/"))
    token = link.rsplit("/", 1)[1]
    assert link in message.html_body
    found = accounts.invitation_from_token(db, token, settings=account_settings)
    assert found.id == invitation.id


def test_accepting_invitation_creates_member_of_same_organisation_once(db, make, account_settings):
    inviter = make.innovator()
    invitation = accounts.invite_member(db, inviter.id, "joiner@startup.example", settings=account_settings)

    member = accounts.accept_invitation(db, invitation, "Joiner", "a fresh long secret")

    assert member.organisation_id == inviter.organisation_id
    assert member.email == "joiner@startup.example"
    assert db.get(Invitation, invitation.id).accepted_at is not None
    token = accounts.make_token(SECRET, accounts.INVITATION_PURPOSE, invitation.id)
    with pytest.raises(NotFound):
        accounts.invitation_from_token(db, token, settings=account_settings)


def test_invitation_token_for_another_purpose_or_secret_is_refused(db, make, account_settings):
    inviter = make.buyer()
    invitation = accounts.invite_member(db, inviter.id, "x@city.example", settings=account_settings)
    other_purpose = accounts.make_token(SECRET, "unsubscribe", invitation.id)
    other_secret = accounts.make_token("another-secret-entirely-0123456789", accounts.INVITATION_PURPOSE,
                                       invitation.id)
    for token in (other_purpose, other_secret, "garbage", ""):
        with pytest.raises(NotFound):
            accounts.invitation_from_token(db, token, settings=account_settings)


def test_invite_refuses_existing_account_and_people_without_organisation(db, make, account_settings):
    inviter = make.buyer()
    other = make.innovator(email="taken@sme.example")
    admin = accounts.create_admin(db, "root@civimatch.example", "Root", "kept in a vault 42")

    with pytest.raises(ValidationFailed):
        accounts.invite_member(db, inviter.id, other.email, settings=account_settings)
    with pytest.raises(Forbidden):
        accounts.invite_member(db, admin.id, "new@city.example", settings=account_settings)
    assert db.scalar(select(func.count()).select_from(Invitation)) == 0
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_create_admin_has_no_organisation_and_refuses_duplicates(db):
    admin = accounts.create_admin(db, "Root@CiviMatch.example", "Root", "kept in a vault 42")

    assert admin.is_admin and admin.organisation_id is None
    assert admin.email == "root@civimatch.example"
    assert admin.password_hash.startswith("$argon2id$")
    with pytest.raises(ValidationFailed):
        accounts.create_admin(db, "root@civimatch.example", "Root again", "kept in a vault 42")
    with pytest.raises(ValidationFailed):
        accounts.create_admin(db, "other@civimatch.example", "Other", "short")


def test_reused_hash_applies_only_to_the_published_password_inside_the_block():
    with passwords.reuse_hash_for("civimatch-demo"):
        first, second = passwords.hash_password("civimatch-demo"), passwords.hash_password("civimatch-demo")
        private = {passwords.hash_password("a private secret") for _ in range(2)}

    assert first == second and first.startswith("$argon2id$")
    assert passwords.verify_password(first, "civimatch-demo")
    assert len(private) == 2  # other passwords still get their own salt
    assert passwords.hash_password("civimatch-demo") != first  # back to normal after the block
