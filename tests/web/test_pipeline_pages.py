"""The /pipeline page, its form, the one-click draft and /api/v1/pipeline."""
from app.models import Challenge, PipelineItem
from app.services.marketplace import pipeline
from tests.factories import PASSWORD

FORM = {"title": "Smart street lighting", "need": "Dim the lights when nobody is there.", "sector": "energy",
        "indicative_budget": "500000", "currency": "EUR", "expected_year": "2031", "expected_quarter": "3",
        "country": "ES"}


def _plan(db, buyer, **overrides):
    data = pipeline.PipelineData(**{"title": "Leak detection", "need": "Find leaks", "sector": "water",
                                    "country": "ES", "expected_year": 2031, "expected_quarter": 3, **overrides})
    return pipeline.publish_item(db, buyer.id, data)


def test_buyer_publishes_then_everyone_sees_it(client, auth, db, make):
    buyer = make.buyer()
    auth.login(buyer.email, PASSWORD)
    assert client.post("/pipeline/new", data=FORM).status_code == 302
    auth.logout()
    page = client.get("/pipeline").get_data(as_text=True)
    assert "Smart street lighting" in page and "planned, Q3 2031" in page


def test_a_past_quarter_is_refused_with_a_message(client, auth, db, make):
    buyer = make.buyer()
    auth.login(buyer.email, PASSWORD)
    response = client.post("/pipeline/new", data={**FORM, "expected_year": "2020", "expected_quarter": "1"})
    assert response.status_code == 422 and "Q1 2020 is in the past" in response.get_data(as_text=True)
    assert db.query(PipelineItem).count() == 0


def test_filters_in_the_url(client, db, make):
    buyer = make.buyer()
    _plan(db, buyer, title="Leak detection")
    _plan(db, buyer, title="School meals", sector="education", country="PT")
    page = client.get("/pipeline?country=PT&sector=nonsense&year=abc").get_data(as_text=True)
    assert "School meals" in page and "Leak detection" not in page


def test_one_click_draft(client, auth, db, make):
    buyer = make.buyer()
    item = _plan(db, buyer)
    auth.login(buyer.email, PASSWORD)
    response = client.post(f"/pipeline/{item.id}/draft")
    challenge = db.query(Challenge).one()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/challenges/{challenge.id}/edit")
    assert client.post(f"/pipeline/{item.id}/draft").status_code == 409


def test_another_buyer_cannot_make_the_draft(client, auth, db, make):
    item = _plan(db, make.buyer())
    other = make.buyer()
    auth.login(other.email, PASSWORD)
    assert client.post(f"/pipeline/{item.id}/draft").status_code == 403
    assert db.query(Challenge).count() == 0


def test_innovator_matches_page_lists_planned_challenges(client, auth, db, make):
    innovator = make.innovator()
    make.solution(innovator, sectors=["water"])
    _plan(db, make.buyer())
    auth.login(innovator.email, PASSWORD)
    page = client.get("/matches").get_data(as_text=True)
    assert "Planned challenges in your sectors" in page and "planned, Q3 2031" in page


def test_api_lists_the_pipeline(client, db, make):
    _plan(db, make.buyer())
    body = client.get("/api/v1/pipeline?country=ES").get_json()
    assert body["total"] == 1 and body["items"][0]["label"] == "planned, Q3 2031"
    assert client.get("/api/v1/pipeline?country=ZZ").status_code == 400  # query parameters are checked: 400
