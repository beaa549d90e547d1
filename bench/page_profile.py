"""Where a page's time goes: queries per request, time in SQL, in templates, and the rest (Python).

Runs each page in-process with Flask's test client on a copy of the bench database (no server, no
load): a SQLAlchemy event counts statements and their time, Flask's template signals time rendering.
`--cprofile PAGE` prints the top functions of one page by cumulative time.

    .venv/bin/python bench/page_profile.py [--database-url URL] [--repeat 20] [--cprofile /dashboard]
"""
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import before_render_template, template_rendered  # noqa: E402
from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402
from bench.load_servers import BENCH_SECRET  # noqa: E402
from bench.web_load import ACCOUNTS, ALL_PAGES, page_urls, prepare  # noqa: E402


class Meter:
    """Statement count and SQL seconds (cursor execute to its end), template seconds."""

    def __init__(self, app) -> None:
        self.queries, self.sql_s, self.template_s = 0, 0.0, 0.0
        self._started: list[float] = []
        engine = app.extensions["db_engine"]
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        before_render_template.connect(self._render_start, app)
        template_rendered.connect(self._render_end, app)
        self._render: list[float] = []

    def _before(self, *_args, **_kw) -> None:
        self.queries += 1
        self._started.append(time.perf_counter())

    def _after(self, *_args, **_kw) -> None:
        self.sql_s += time.perf_counter() - self._started.pop()

    def _render_start(self, *_args, **_kw) -> None:
        self._render.append(time.perf_counter())

    def _render_end(self, *_args, **_kw) -> None:
        self.template_s += time.perf_counter() - self._render.pop()


def _client(app, email: str | None, password: str):
    client = app.test_client()
    if email:
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, f"sign-in as {email} failed"  # noqa: S101 (a bench check)
    return client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--size", choices=("seed", "large"), default="seed")
    parser.add_argument("--challenges", type=int, default=10_000)
    parser.add_argument("--solutions", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--cprofile", default="", help="a page pattern to profile with cProfile")
    args = parser.parse_args(argv)
    innovator, buyer, password = ACCOUNTS[args.size]
    with tempfile.TemporaryDirectory() as folder:
        url, _ = prepare(args, Path(folder))
        app = create_app({"SECRET_KEY": BENCH_SECRET, "DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_ENABLED": False})
        meter = Meter(app)
        clients = {"": _client(app, None, ""), "innovator": _client(app, innovator, password),
                   "buyer": _client(app, buyer, password)}
        for page, (path, who) in page_urls(url, innovator, buyer).items():
            client = clients[who]
            status = client.get(path).status_code  # warm
            if page == args.cprofile:
                profile = cProfile.Profile()
                profile.enable()
            meter.queries, meter.sql_s, meter.template_s = 0, 0.0, 0.0
            start = time.perf_counter()
            for _ in range(args.repeat):
                client.get(path)
            total = (time.perf_counter() - start) / args.repeat
            if page == args.cprofile:
                profile.disable()
            print(json.dumps({"page": page, "path": path, "status": status, "queries": meter.queries / args.repeat,
                              "total_ms": round(total * 1000, 1), "sql_ms": round(meter.sql_s * 1000 / args.repeat, 1),
                              "template_ms": round(meter.template_s * 1000 / args.repeat, 1)}), flush=True)
        if args.cprofile:
            pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
    return 0


if __name__ == "__main__":
    assert set(ALL_PAGES)  # noqa: S101
    sys.exit(main())
