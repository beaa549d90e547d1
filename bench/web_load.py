"""Web load bench: every page's req/s, p50 and p99 beside the floor of the stack, measured in one run.

Starts bench/floor_app.py (a bare Flask page reading 20 rows from the same database, rendered with
Jinja) and the app, each under gunicorn with 2 workers on a loopback port, loads each page with
`wrk -t2 -c20` and prints one JSON line per page, with its ratio to the floor (measured before and
after the pages; the mean of both is the reference). Signed-in pages get the session cookie of a
log-in made once through the form.

    .venv/bin/python bench/web_load.py                          # seeded SQLite copy, every page, 10 s each
    .venv/bin/python bench/web_load.py --duration 5 --pages /,/dashboard
    .venv/bin/python bench/web_load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/civimatch_bench
    .venv/bin/python bench/web_load.py --size large [--solutions 100000 --challenges 10000 --users 100000]

The seeded SQLite database is made once (migrations, `seed load`, `matches rebuild`) under
instance/bench/ and copied for each run; an empty database named by --database-url is filled the
same way (or generated, with --size large); one that already holds challenges is used as it is.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, select  # noqa: E402

from app.cli.database import upgrade  # noqa: E402
from app.models import Challenge, Match, Solution, User  # noqa: E402
from bench import large_db  # noqa: E402
from bench.load_servers import ROOT, app_env, ensure_wrk, gunicorn, run_wrk, sign_in, warm  # noqa: E402

CACHE = ROOT / "instance" / "bench"
SEED_PASSWORD = "civimatch-demo"  # noqa: S105 (the demo data's published password)
ACCOUNTS = {  # (innovator, buyer) per data set: the seed's demo logins, the large set's own
    "seed": ("tiago.almeida@leaksense.example", "aino.virtanen@helsinki.example", SEED_PASSWORD),
    "large": (large_db.INNOVATOR_EMAIL, large_db.BUYER_EMAIL, large_db.PASSWORD),
}
ALL_PAGES = ("/", "/challenges", "/challenges?q=water+leak", "/solutions", "/challenges/<id>",
             "/dashboard", "/matches", "/challenges/<own>/matches", "/solutions/<own>/matches")


def _flask(database_url: str, *args: str) -> None:
    env = {**os.environ, **app_env(database_url)}
    subprocess.run([str(Path(sys.executable).with_name("flask")), "--app", "wsgi", *args], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)


def _has_data(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.scalar(select(func.count()).select_from(Challenge)))
    except Exception:  # noqa: BLE001 (no tables yet)
        return False
    finally:
        engine.dispose()


def fill(url: str, args) -> dict:
    """Migrate and fill an empty database: the demo seed, or the large synthetic set; returns timings."""
    start = time.perf_counter()
    upgrade(url)
    if args.size == "large":
        report = large_db.generate(url, solutions=args.solutions, challenges=args.challenges, users=args.users)
        return {"generate_s": round(time.perf_counter() - start, 1), **report}
    _flask(url, "seed", "load")
    _flask(url, "matches", "rebuild")
    return {"generate_s": round(time.perf_counter() - start, 1)}


def prepare(args, folder: Path) -> tuple[str, dict]:
    """The database URL to load, and how it was made (generation time when it was made now)."""
    if args.database_url:
        if _has_data(args.database_url):
            upgrade(args.database_url)
            return args.database_url, {}
        return args.database_url, fill(args.database_url, args)
    name = "seed" if args.size == "seed" else f"large-{args.challenges}-{args.solutions}-{args.users}"
    pristine = CACHE / f"{name}.sqlite"
    made = {}
    if not pristine.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        building = pristine.with_suffix(".building")
        building.unlink(missing_ok=True)
        made = fill(f"sqlite:///{building}", args)
        _copy_sqlite(building, pristine)
        building.unlink()
        Path(f"{building}-wal").unlink(missing_ok=True)
        Path(f"{building}-shm").unlink(missing_ok=True)
    copy = folder / "bench.sqlite"
    _copy_sqlite(pristine, copy)
    upgrade(f"sqlite:///{copy}")  # a copy made before the latest migration
    return f"sqlite:///{copy}", made


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy through SQLite's backup API: a plain file copy would leave out what is still in the WAL file."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def page_urls(url: str, innovator: str, buyer: str) -> dict[str, tuple[str, str]]:
    """Each page pattern -> (path, who loads it: '' anonymous, 'innovator' or 'buyer')."""
    engine = create_engine(url)
    with engine.connect() as conn:
        public = conn.scalar(select(func.min(Challenge.id)).where(Challenge.status == "open",
                                                                  Challenge.hidden_at.is_(None)))
        own_solution = conn.scalar(
            select(func.min(Solution.id)).join(User, User.organisation_id == Solution.organisation_id)
            .join(Match, Match.solution_id == Solution.id)
            .where(User.email == innovator, Solution.status == "published"))
        own_challenge = conn.scalar(
            select(func.min(Challenge.id)).join(User, User.organisation_id == Challenge.organisation_id)
            .join(Match, Match.challenge_id == Challenge.id)
            .where(User.email == buyer, Challenge.status == "open"))
    engine.dispose()
    return {
        "/": ("/", ""), "/challenges": ("/challenges", ""),
        "/challenges?q=water+leak": ("/challenges?q=water+leak", ""), "/solutions": ("/solutions", ""),
        "/challenges/<id>": (f"/challenges/{public}", ""), "/dashboard": ("/dashboard", "innovator"),
        "/matches": ("/matches", "innovator"),
        "/challenges/<own>/matches": (f"/challenges/{own_challenge}/matches", "buyer"),
        "/solutions/<own>/matches": (f"/solutions/{own_solution}/matches", "innovator"),
    }


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def measure(wrk: str, base: str, path: str, duration: int, cookie: str | None) -> dict:
    status = warm(base + path, cookie)
    load_before = _load()
    figures = run_wrk(wrk, base + path, duration, cookie)
    return {**figures, "warm_status": status, "load_avg_1m": [load_before, _load()]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="default: a seeded SQLite copy under instance/bench/")
    parser.add_argument("--size", choices=("seed", "large"), default="seed")
    parser.add_argument("--challenges", type=int, default=10_000, help="--size large only")
    parser.add_argument("--solutions", type=int, default=100_000, help="--size large only")
    parser.add_argument("--users", type=int, default=100_000, help="--size large only")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--pages", default=",".join(ALL_PAGES), help="comma-separated page patterns")
    parser.add_argument("--app-root", type=Path, default=ROOT,
                        help="the checkout whose app to serve (an export of an older commit: before/after)")
    args = parser.parse_args(argv)
    wanted = [page for page in args.pages.split(",") if page]
    unknown = set(wanted) - set(ALL_PAGES)
    if unknown:
        parser.error(f"unknown pages {sorted(unknown)}; known: {', '.join(ALL_PAGES)}")
    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory() as folder:
        url, made = prepare(args, Path(folder))
        if made:
            print(json.dumps({"database": args.size, "engine": url.split(":")[0], **made}), flush=True)
        run(args, wrk, url, wanted)
    return 0


def run(args, wrk: str, url: str, wanted: list[str]) -> None:
    innovator, buyer, password = ACCOUNTS["large" if args.size == "large" else "seed"]
    pages = page_urls(url, innovator, buyer)
    env = app_env(url)
    engine = url.split(":")[0].split("+")[0]
    with gunicorn("floor_app:app", env, chdir=ROOT / "bench") as floor, \
            gunicorn("wsgi:app", env, chdir=args.app_root) as app_base:
        cookies = {"": None, "innovator": sign_in(app_base, innovator, password),
                   "buyer": sign_in(app_base, buyer, password)}
        first = measure(wrk, floor, "/", args.duration, None)
        results = [(page, measure(wrk, app_base, pages[page][0], args.duration, cookies[pages[page][1]]))
                   for page in wanted]
        last = measure(wrk, floor, "/", args.duration, None)
    floor_rps = (first["rps"] + last["rps"]) / 2
    floor_p99 = (first["p99_ms"] + last["p99_ms"]) / 2
    common = {"size": args.size, "engine": engine, "duration_s": args.duration,
              "app": "this checkout" if args.app_root == ROOT else str(args.app_root)}
    print(json.dumps({"page": "floor", **common, "rps": round(floor_rps, 1), "p99_ms": round(floor_p99, 1),
                      "runs": [first, last]}), flush=True)
    for page, figures in results:
        print(json.dumps({"page": page, "path": pages[page][0], "signed_in": pages[page][1] or None, **common,
                          **figures, "ratio_rps": round(figures["rps"] / floor_rps, 2),
                          "ratio_p99": round(figures["p99_ms"] / floor_p99, 2)}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
