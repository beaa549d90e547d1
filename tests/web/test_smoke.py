"""The main pages render for anonymous visitors and a buyer can post and publish a challenge."""
from datetime import date, timedelta


def test_public_pages_render(client, make):
    make.challenge(title="Detect water leaks early", sector="water")
    for path in ("/", "/challenges", "/solutions", "/login", "/signup"):
        assert client.get(path).status_code == 200


def test_buyer_publishes_challenge_and_visitor_finds_it(app, make, auth):
    buyer = make.buyer(email="ann@city.example")
    auth.login("ann@city.example")
    client = auth._client
    response = client.post("/challenges/new", data={
        "title": "Detect water leaks", "summary": "Find leaks fast", "problem_statement": "Pipes lose 30%.",
        "sector": "water", "tags": "leak, pipes", "trl_expected": "6", "currency": "EUR", "country": "FI",
        "deadline": (date.today() + timedelta(days=365)).isoformat(),
    })
    assert response.status_code == 302
    challenge_path = response.headers["Location"]
    client.post(f"{challenge_path}/status", data={"status": "open"})
    auth.logout()
    listing = client.get("/challenges?q=leaks")
    assert b"Detect water leaks" in listing.data
    assert buyer.organisation.name.encode() in listing.data
