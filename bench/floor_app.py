"""The floor of this stack: a bare Flask page that reads 20 rows from the same database and renders them with Jinja.

bench/web_load.py serves it under gunicorn beside the app and reports every page as a ratio to it.
`FLOOR_DATABASE_URL` names the database (the same one the app reads).
"""
from __future__ import annotations

import os

from flask import Flask, render_template_string
from sqlalchemy import create_engine, text

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Floor</title></head>
<body><h1>Latest challenges</h1>
<ul>{% for row in rows %}
<li><a href="/challenges/{{ row.id }}">{{ row.title }}</a>: {{ row.summary }}</li>{% endfor %}</ul>
</body></html>"""

QUERY = text("SELECT id, title, summary FROM challenges ORDER BY id DESC LIMIT 20")


def create_floor_app(database_url: str | None = None) -> Flask:
    app = Flask(__name__)
    engine = create_engine(database_url or os.environ["FLOOR_DATABASE_URL"])

    @app.route("/")
    def index():
        with engine.connect() as conn:
            rows = conn.execute(QUERY).all()
        return render_template_string(PAGE, rows=rows)

    return app


app = create_floor_app() if os.environ.get("FLOOR_DATABASE_URL") else None
