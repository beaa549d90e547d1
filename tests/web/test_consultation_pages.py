"""Consultation pages: start, answer, the deadline refusal, the report on the challenge page, opening."""
from datetime import date, timedelta

from app.db import utcnow
from app.models import ConsultationResponse, OutboxMessage
from app.services.procurement import consultation
from tests.factories import PASSWORD


def _started(db, make):
    buyer = make.buyer()
    challenge = make.challenge(buyer, publish=False)
    consultation.start_consultation(db, buyer.id, challenge.id, ["What exists?"], utcnow() + timedelta(days=7))
    return buyer, challenge


def test_owner_starts_a_consultation_from_the_page(client, auth, db, make):
    buyer = make.buyer()
    challenge = make.challenge(buyer, publish=False)
    auth.login(buyer.email, PASSWORD)
    deadline = (date.today() + timedelta(days=5)).isoformat()
    response = client.post(f"/challenges/{challenge.id}/consultation/start",
                           data={"questions": "What exists?\nWhat does it cost?", "deadline": deadline})
    assert response.status_code == 302
    assert "What does it cost?" in client.get(f"/challenges/{challenge.id}/consultation").get_data(as_text=True)


def test_innovator_answers_and_the_owner_reads_it(client, auth, db, make):
    buyer, challenge = _started(db, make)
    innovator = make.innovator(org_name="Leak Co")
    auth.login(innovator.email, PASSWORD)
    response = client.post(f"/challenges/{challenge.id}/consultation/respond",
                           data={"answer": "Acoustic sensors", "list_publicly": "y", "summary": "We find leaks"})
    assert response.status_code == 302
    assert "Leak Co" in client.get(f"/challenges/{challenge.id}").get_data(as_text=True)  # listed by choice
    auth.logout()
    auth.login(buyer.email, PASSWORD)
    assert "Acoustic sensors" in client.get(f"/challenges/{challenge.id}/consultation").get_data(as_text=True)


def test_answers_stay_private(client, auth, db, make):
    _, challenge = _started(db, make)
    consultation.respond(db, make.innovator().id, challenge.id, ["Secret pricing"])
    page = client.get(f"/challenges/{challenge.id}/consultation").get_data(as_text=True)
    assert "What exists?" in page and "Secret pricing" not in page


def test_late_response_gets_a_clear_message(client, auth, db, make):
    _, challenge = _started(db, make)
    db.query(ConsultationResponse).delete()
    item = consultation.consultation_for(db, challenge.id)
    item.deadline = utcnow() - timedelta(minutes=1)
    db.commit()
    innovator = make.innovator()
    auth.login(innovator.email, PASSWORD)
    response = client.post(f"/challenges/{challenge.id}/consultation/respond", data={"answer": "late"})
    assert response.status_code == 422 and "responses are no longer accepted" in response.get_data(as_text=True)
    assert db.query(ConsultationResponse).count() == 0


def test_report_then_open(client, auth, db, make):
    buyer, challenge = _started(db, make)
    consultation.respond(db, make.innovator().id, challenge.id, ["x"])
    auth.login(buyer.email, PASSWORD)
    client.post(f"/challenges/{challenge.id}/consultation/report", data={"report": "Nine firms can do it."})
    assert client.post(f"/challenges/{challenge.id}/consultation/open").status_code == 302
    page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "Nine firms can do it." in page and "status-open" in page
    kinds = sorted(m.kind for m in db.query(OutboxMessage))
    assert kinds == ["consultation_opened", "consultation_report"]


def test_others_cannot_publish_the_report(client, auth, db, make):
    _, challenge = _started(db, make)
    other = make.buyer()
    auth.login(other.email, PASSWORD)
    response = client.post(f"/challenges/{challenge.id}/consultation/report", data={"report": "fake"})
    assert response.status_code == 403 and "Only the buyers of this challenge" in response.get_data(as_text=True)
    assert consultation.consultation_for(db, challenge.id).report == ""
