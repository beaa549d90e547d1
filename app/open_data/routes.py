"""Open-data downloads and the statistics page: thin wrappers over app.services.transparency.ocds* and .statistics."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, render_template

from app.services.errors import NotFound
from app.services.transparency import csv_export as open_data_csv
from app.services.transparency import ocds as open_data
from app.services.transparency import statistics
from app.web.request_context import get_session

bp = Blueprint("open_data", __name__)


def _settings() -> tuple[str, str]:
    return current_app.config["OCDS_PREFIX"], current_app.config["BASE_URL"]


@bp.route("/open-data")
def index():
    return render_template("open_data/index.html", exports=open_data_csv.EXPORTS, prefix=_settings()[0])


@bp.route("/open-data/ocds.json")
def ocds():
    try:
        response = jsonify(open_data.release_package(get_session(), *_settings()))
    except NotFound as exc:
        response = jsonify({"error": "not_found", "message": exc.message})
        response.status_code = 404
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/open-data/<name>.csv")
def csv_export(name: str):
    if name not in open_data_csv.EXPORTS:
        abort(404, description="No such download.")
    body = open_data_csv.export_csv(get_session(), name, *_settings())
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="civimatch-{name}.csv"', "Access-Control-Allow-Origin": "*"})


@bp.route("/statistics")
def statistics_page():
    figures = statistics.platform_statistics(get_session())
    chart_data = {key: series.as_json() for key, series in figures.charts.items()}
    return render_template("open_data/statistics.html", figures=figures, chart_data=chart_data)
