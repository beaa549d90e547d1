"""Clarification pages: ask, answer, publish a notice; the challenge page shows them anonymised; refusals are clear."""
from datetime import date, timedelta

from sqlalchemy import select

from app.models import Enquiry, OutboxMessage
from tests.joint_scenario import join
from tests.security.conftest import login

# Within the ten-year horizon deadlines are allowed in (app/security/input_rules.py), and after any seeded deadline.
LATER = date.today().replace(day=1) + timedelta(days=3 * 366)


def test_question_answer_and_notice_appear_on_the_challenge_page_without_the_asker(app, db, make, settings):
    lead, observer = make.buyer(org_name="Helsinki"), make.buyer(org_name="Ghent")
    challenge = make.challenge(lead, title="Six-city energy challenge")
    join(db, settings, lead, challenge, observer, "observer")
    asker = make.innovator(name="Secret Asker", email="asker@startup.example", org_name="Asker Oy")
    asker_client = login(app.test_client(), asker.email)
    assert "Ask the buyers a question" in asker_client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    response = asker_client.post(f"/challenges/{challenge.id}/questions/ask",
                                 data={"question": "Is Modbus acceptable?"})
    assert response.status_code == 302
    enquiry = db.scalar(select(Enquiry).where(Enquiry.challenge_id == challenge.id))
    observer_client = login(app.test_client(), observer.email)
    page = observer_client.get(f"/challenges/{challenge.id}/questions").get_data(as_text=True)
    assert "Is Modbus acceptable?" in page and "Publish answer" not in page
    assert observer_client.post(f"/challenges/{challenge.id}/questions/{enquiry.id}/answer",
                                data={"answer": "Yes."}).status_code == 403
    lead_client = login(app.test_client(), lead.email)
    assert lead_client.post(f"/challenges/{challenge.id}/questions/{enquiry.id}/answer",
                            data={"answer": "Yes, Modbus TCP."}).status_code == 302
    assert lead_client.post(f"/challenges/{challenge.id}/notices/new", data={
        "title": "New site plan", "description": "Floor plans of the depot added.",
        "document_url": "https://example.org/plan.pdf", "deadline": f"{LATER.year}-01-31"}).status_code == 302
    public = app.test_client().get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "Questions and answers" in public and "Is Modbus acceptable?" in public and "Yes, Modbus TCP." in public
    assert "New site plan" in public and f"31 Jan {LATER.year}" in public
    assert "Secret Asker" not in public and "Asker Oy" not in public and asker.email not in public
    api = app.test_client().get(f"/api/v1/challenges/{challenge.id}/clarifications").get_json()
    assert [e["answer"] for e in api["enquiries"]] == ["Yes, Modbus TCP."]
    assert "asker" not in str(api).lower() and asker.email not in str(api)
    assert [n["title"] for n in api["notices"]] == ["New site plan"]


def test_bad_questions_are_refused_clearly(app, make, settings):
    lead = make.buyer()
    challenge = make.challenge(lead)
    client = login(app.test_client(), make.innovator().email)
    empty = client.post(f"/challenges/{challenge.id}/questions/ask", data={"question": "  "})
    assert empty.status_code == 422 and "Write the question." in empty.get_data(as_text=True)
    huge = client.post(f"/challenges/{challenge.id}/questions/ask", data={"question": "x" * 100_000})
    assert huge.status_code == 422 and "at most 4,000 characters" in huge.get_data(as_text=True)
    login(app.test_client(), lead.email).post(f"/challenges/{challenge.id}/status", data={"status": "closed"})
    closed = client.post(f"/challenges/{challenge.id}/questions/ask", data={"question": "Still open?"})
    assert closed.status_code == 409 and "only while it is open" in closed.get_data(as_text=True)
    buyer = login(app.test_client(), make.buyer().email)
    assert buyer.post(f"/challenges/{challenge.id}/questions/ask", data={"question": "Hi"}).status_code == 403


def test_edit_form_points_to_the_notice_form_for_a_deadline_change(app, db, make):
    lead = make.buyer()
    challenge = make.challenge(lead)
    saver = make.innovator()
    login(app.test_client(), saver.email).post(f"/challenges/{challenge.id}/save")
    client = login(app.test_client(), lead.email)
    form = client.get(f"/challenges/{challenge.id}/edit").get_data(as_text=True)
    assert "Publish a notice" in form
    response = client.post(f"/challenges/{challenge.id}/edit", data={
        "title": challenge.title, "summary": challenge.summary, "problem_statement": challenge.problem_statement,
        "sector": challenge.sector, "trl_expected": "6", "country": "FI", "currency": "EUR",
        "deadline": f"{LATER.year}-12-31", "tags": "charging"})
    assert response.status_code == 422 and "changes only through a notice" in response.get_data(as_text=True)
    notice = client.post(f"/challenges/{challenge.id}/notices/new", data={
        "title": "Deadline extended", "description": "Two more weeks.", "deadline": f"{LATER.year}-12-31"})
    assert notice.status_code == 302
    db.expire_all()
    assert challenge.deadline.year == LATER.year
    mails = list(db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "challenge_update")))
    assert [m.to_address for m in mails] == [saver.email]
