"""Open data: the OCDS package validates against the 1.1.5 schemas offline; CSV; no personal data anywhere public."""
import csv
import io
import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from app.models import Match
from app.services.accounts import users as accounts
from app.services.moderation import actions as moderation
from app.services.procurement import applications, pilots
from tests.pilot_scenario import COMMENT, award_data, evaluated_pilot

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas" / "ocds-1.1.5"
PRIVATE_APPROACH = "Secret approach: retrofit pantographs by night"


def _validator() -> Draft4Validator:
    """Validator for the release package; the release schema's public URL resolves to the local file."""
    package = json.loads((SCHEMAS / "release-package-schema.json").read_text())
    release = json.loads((SCHEMAS / "release-schema.json").read_text())
    registry = Registry().with_resources([
        (release["id"], Resource.from_contents(release, default_specification=DRAFT4)),
        (package["id"], Resource.from_contents(package, default_specification=DRAFT4)),
    ])
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


def assert_valid_ocds(package: dict) -> None:
    errors = sorted(_validator().iter_errors(package), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


@pytest.fixture
def published(db, make):
    """An evaluated pilot with a public application, plus a second, private application."""
    buyer, innovator, challenge, solution, application, pilot = evaluated_pilot(db, make)
    other = make.innovator(email="quiet@firm.example")
    other_solution = make.solution(other, title="Pantograph retrofit")
    challenge.status = "open"
    db.commit()
    data = applications.ApplicationData(solution_id=other_solution.id, approach=PRIVATE_APPROACH, timeline="1 year",
                                        price_amount=777777, proposal_public=False)
    applications.apply_to_challenge(db, other.id, challenge.id, data)
    challenge.status = "awarded"
    db.commit()
    return challenge, pilot


def test_schema_check_is_not_vacuous():
    with pytest.raises(AssertionError):
        assert_valid_ocds({"uri": "x", "version": "1.1", "publisher": {"name": "p"}, "publishedDate": "not a date",
                           "releases": [{"ocid": "a", "id": "1", "date": "2025-01-01T00:00:00Z", "tag": ["bogus"],
                                         "initiationType": "tender", "tender": {"id": "t", "status": "open"}}]})


def test_ocds_package_validates_and_maps_the_process(client, published, app):
    challenge, pilot = published
    package = client.get("/open-data/ocds.json").get_json()
    assert_valid_ocds(package)
    (release,) = package["releases"]
    assert release["ocid"] == f"{app.config['OCDS_PREFIX']}-challenge-{challenge.id}"
    assert release["tender"]["status"] == "complete"
    assert release["tender"]["items"][0]["classification"]["id"] == "mobility"
    assert release["tender"]["numberOfTenderers"] == 2
    assert len(release["bids"]["details"]) == 1  # only the application published by its author
    assert release["awards"][0]["value"] == {"amount": 50000, "currency": "EUR"}
    contract, follow_on = release["contracts"]
    assert follow_on["value"]["amount"] == 400000 and follow_on["awardID"] == contract["awardID"]
    implementation = contract["implementation"]
    assert implementation["transactions"][0]["value"]["amount"] == 20000
    kinds = {(m["type"], m["status"]) for m in implementation["milestones"]}
    assert ("delivery", "met") in kinds and ("delivery", "scheduled") in kinds and ("reporting", "met") in kinds
    assert any("420.5 litres/day" in m.get("description", "") for m in implementation["milestones"])


def test_ocid_prefix_is_configurable(app, client, published):
    app.config["OCDS_PREFIX"] = "ocds-zz9999"
    assert client.get("/open-data/ocds.json").get_json()["releases"][0]["ocid"].startswith("ocds-zz9999-challenge-")


def test_csv_exports(client, published):
    challenge, pilot = published
    rows = {}
    for name in ("challenges", "applications", "pilots"):
        response = client.get(f"/open-data/{name}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        rows[name] = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows["challenges"][0]["status"] == "awarded"
    assert rows["pilots"][0]["outcome"] == "adopted" and rows["pilots"][0]["total_spend"] == "20000"
    by_public = {r["proposal_public"]: r for r in rows["applications"]}
    assert by_public["yes"]["price_amount"] == "40000"
    assert by_public["no"]["applicant"] == "" and by_public["no"]["price_amount"] == ""
    assert client.get("/open-data/users.csv").status_code == 404


def test_personal_data_never_appears_in_public_pages_or_exports(client, published, runner, tmp_path):
    challenge, pilot = published
    pages = ["/open-data/ocds.json", "/open-data/challenges.csv", "/open-data/applications.csv",
             "/open-data/pilots.csv", "/pilots", f"/pilots/{pilot.id}", "/statistics", "/open-data",
             f"/challenges/{challenge.id}", f"/solutions/{pilot.solution_id}"]
    bodies = [client.get(path).get_data(as_text=True) for path in pages]
    runner.invoke(args=["export", "csv", "--dir", str(tmp_path)])
    bodies += [p.read_text() for p in tmp_path.glob("*.csv")]
    bodies.append(runner.invoke(args=["export", "ocds"]).output)
    secrets = ["buyer@city.example", "founder@startup.example", "quiet@firm.example", COMMENT, PRIVATE_APPROACH,
               "777777", "Overnight smart charging of 20 buses."]
    for body in bodies:
        for secret in secrets:
            assert secret not in body


def test_cli_writes_a_valid_ocds_file(runner, published, tmp_path):
    target = tmp_path / "ocds.json"
    result = runner.invoke(args=["export", "ocds", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert_valid_ocds(json.loads(target.read_text()))


def test_cli_reports_unwritable_paths_in_one_line(runner, published, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(args=["export", "csv", "--dir", str(blocker / "sub")])
    assert result.exit_code != 0 and "cannot create" in result.output
    result = runner.invoke(args=["export", "ocds", "--output", str(tmp_path / "missing" / "x.json")])
    assert result.exit_code != 0 and "cannot write" in result.output


def test_statistics_page_has_chart_data_and_tables(client, published):
    html = client.get("/statistics").get_data(as_text=True)
    assert '<script type="application/json" id="chart-data">' in html
    assert "vendor/chart.umd.min.js" in html and "js/charts.js" in html
    start = html.index('id="chart-data">') + len('id="chart-data">')
    data = json.loads(html[start:html.index("</script>", start)])
    assert data["funnel"]["datasets"][0]["data"] == [1, 2, 1, 1]
    assert 'id="table-funnel"' in html and 'id="table-spend"' in html


def test_statistics_and_register_render_empty(client):
    assert client.get("/statistics").status_code == 200
    assert b"No pilots match" in client.get("/pilots").data
    assert client.get("/pilots?status=bogus&page=x").status_code == 200


def test_a_hidden_challenge_leaves_every_download_with_its_pilots(client, published, db, runner, tmp_path):
    challenge, pilot = published
    kept = client.get("/open-data/challenges.csv").get_data(as_text=True)
    assert challenge.title in kept and pilot.title in client.get("/open-data/pilots.csv").get_data(as_text=True)
    admin = accounts.create_admin(db, "mod@civimatch.example", "Moderator", "tangerine orbit quietly 42")
    moderation.hide_item(db, admin.id, "challenge", challenge.id, "Duplicate posting")
    for name in ("challenges", "applications", "pilots"):
        rows = list(csv.DictReader(io.StringIO(client.get(f"/open-data/{name}.csv").get_data(as_text=True))))
        assert rows == [], name
    assert pilot.title not in client.get("/pilots").get_data(as_text=True)
    assert client.get(f"/pilots/{pilot.id}").status_code == 404
    # Nothing else is public: an empty release package would break the schema's minItems.
    response = client.get("/open-data/ocds.json")
    assert response.status_code == 404 and "at least one public challenge" in response.get_json()["message"]
    result = runner.invoke(args=["export", "ocds", "--output", str(tmp_path / "ocds.json")])
    assert result.exit_code != 0 and "at least one public challenge" in result.output
    assert not (tmp_path / "ocds.json").exists()


def test_the_package_keeps_public_challenges_when_one_is_hidden(client, published, db, make):
    challenge, _ = published
    other = make.challenge(make.buyer(email="second@town.example"), title="Quiet streets at night")
    admin = accounts.create_admin(db, "mod@civimatch.example", "Moderator", "tangerine orbit quietly 42")
    moderation.hide_item(db, admin.id, "challenge", challenge.id, "Duplicate posting")
    package = client.get("/open-data/ocds.json").get_json()
    assert_valid_ocds(package)
    assert [r["tender"]["title"] for r in package["releases"]] == [other.title]


def _figure(html: str, element_id: str) -> int:
    start = html.index(f'id="{element_id}">') + len(f'id="{element_id}">')
    return int(html[start:html.index("<", start)])


def test_statistics_headline_funnel_and_register_count_the_same_rows(client, published, db, make):
    """A cancelled pilot is still in the register; a hidden challenge counts nowhere (issue 16: 14 vs 13)."""
    challenge, pilot = published
    buyer_id = pilot.awarded_by_id
    direct = make.solution(make.innovator(email="direct@firm.example"), title="Kerbside sensors")
    db.add(Match(challenge_id=challenge.id, solution_id=direct.id, score=0.8, reasons=[], model_version="t"))
    db.commit()
    cancelled = pilots.award_to_solution(db, buyer_id, challenge.id, direct.id, award_data())
    pilots.change_pilot_status(db, buyer_id, cancelled.id, "cancelled", "Supplier withdrew")
    other_buyer = make.buyer(email="second@town.example")
    make.challenge(other_buyer, title="Quiet streets at night")
    hidden = make.challenge(other_buyer, title="Hidden duplicate")
    admin = accounts.create_admin(db, "mod@civimatch.example", "Moderator", "tangerine orbit quietly 42")
    moderation.hide_item(db, admin.id, "challenge", hidden.id, "Duplicate posting")

    html = client.get("/statistics").get_data(as_text=True)
    start = html.index('id="chart-data">') + len('id="chart-data">')
    funnel = json.loads(html[start:html.index("</script>", start)])["funnel"]["datasets"][0]["data"]
    headline = [_figure(html, f"total-{name}") for name in ("challenges", "applications", "pilots", "adopted")]
    assert headline == funnel == [2, 2, 2, 1]
    register = client.get("/pilots").get_data(as_text=True)
    assert "2 results" in register and f'href="/pilots/{cancelled.id}"' in register
