"""App rebuild benchmark: seed N solutions and M challenges (synthetic texts from bench/matching_speed.py's
Corpus) in a temporary SQLite database, then time `matches.rebuild` (what `flask --app wsgi matches rebuild`
runs: load, fit, rank both ways with reasons, store every match). Prints one JSON line: rebuild_s and this
process's cpu_s (all its threads), the matches stored, peak_rss_mb (the whole process, seeding included),
the 1-minute load average before and after, and stored_sha256, a digest of every stored row (pair, score,
both ranks, reasons) to compare two versions of the code on the same corpus.

    .venv/bin/python bench/app_rebuild.py --solutions 10000 --challenges 1000
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.cli.database import upgrade  # noqa: E402
from app.code_lists import SECTORS  # noqa: E402
from app.db import new_session, utcnow  # noqa: E402
from app.matching import CHALLENGE, SOLUTION  # noqa: E402
from app.models import Challenge, Match, Organisation, Solution, SolutionSector  # noqa: E402
from app.services.recommendations import rebuild as matches  # noqa: E402
from bench.matching_speed import NOW, SEED, Corpus  # noqa: E402

SECTOR_CODES = {label: code for code, label in SECTORS.items()}
ORGS = 500


def seed(engine, solutions: int, challenges: int) -> None:
    """Organisations on both sides; challenges and solutions drawn from the speed bench's corpus."""
    corpus = Corpus(SEED)
    now = utcnow()
    orgs = [{"id": i + 1, "name": f"Org {i + 1}", "side": "buyer" if i < ORGS else "innovator",
             "kind": "city" if i < ORGS else "startup", "country": "FR"} for i in range(2 * ORGS)]
    solution_rows, sector_rows, challenge_rows = [], [], []
    for j in range(solutions):
        item = corpus.item(j + 1, SOLUTION)
        solution_rows.append({
            "id": j + 1, "organisation_id": ORGS + 1 + j % ORGS, "title": item.title[:200], "summary": "",
            "description": item.description, "tags": list(item.tags), "trl": item.trl, "pricing_model": "other",
            "country": item.country, "status": "published" if item.active else "draft", "published_at": now})
        sector_rows += [{"solution_id": j + 1, "sector": SECTOR_CODES.get(s, "other")} for s in item.sectors]
    for i in range(challenges):
        item = corpus.item(i + 1, CHALLENGE)
        challenge_rows.append({
            "id": i + 1, "organisation_id": 1 + i % ORGS, "title": item.title[:200], "summary": "",
            "problem_statement": item.description, "sector": SECTOR_CODES.get(item.sectors[0], "other"),
            "tags": list(item.tags), "trl_expected": item.trl, "country": item.country,
            "status": "open" if item.active else "closed",
            "deadline": now + (item.deadline - NOW),
            "published_at": now})
    with engine.begin() as conn:
        for model, rows in ((Organisation, orgs), (Solution, solution_rows), (SolutionSector, sector_rows),
                            (Challenge, challenge_rows)):
            for start in range(0, len(rows), 5000):
                conn.execute(insert(model), rows[start:start + 5000])


def stored_digest(session) -> str:
    digest = hashlib.sha256()
    rows = session.execute(select(Match.challenge_id, Match.solution_id, Match.score, Match.rank_for_challenge,
                                  Match.rank_for_solution, Match.reasons)
                           .order_by(Match.challenge_id, Match.solution_id))
    for row in rows:
        digest.update(json.dumps(list(row)).encode())
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solutions", type=int, required=True)
    parser.add_argument("--challenges", type=int, required=True)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        upgrade(url)
        app = create_app({"ENV_NAME": "test", "SECRET_KEY": "bench-secret-key-0123456789abcdef",
                          "DATABASE_URL": url})
        seed(app.extensions["db_engine"], args.solutions, args.challenges)
        load_before = os.getloadavg()
        with app.app_context():
            session = new_session(app)
            try:
                start, cpu = time.perf_counter(), time.process_time()
                report = matches.rebuild(session)
                rebuild_s, cpu_s = time.perf_counter() - start, time.process_time() - cpu
                load_after = os.getloadavg()
                digest = stored_digest(session)
            finally:
                session.close()
    print(json.dumps({
        "solutions": args.solutions, "challenges": args.challenges, "matches": report.matches,
        "rebuild_s": round(rebuild_s, 2), "cpu_s": round(cpu_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_avg_1m_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
        "stored_sha256": digest,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
