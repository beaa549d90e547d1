"""Digest benchmark: seed N users with matches in a temporary SQLite database, then time building the digests
and delivering them over SMTP into a local aiosmtpd server (a child process). Prints one JSON line; the
*_cpu_s figures are this process's CPU time (all its threads), which stays comparable when other work shares
the machine; smtp_server_cpu_s is the server child's, and the 1-minute load average is read before and after.

    .venv/bin/python bench/digests.py --users 10000
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from app import create_app  # noqa: E402
from app.cli.database import upgrade  # noqa: E402
from app.db import new_session, utcnow  # noqa: E402
from app.mail import delivery
from app.mail.smtp import SmtpSender, SmtpSettings  # noqa: E402
from app.models import Challenge, Match, Organisation, Solution, SolutionSector, User  # noqa: E402
from app.services.digests import runs as digests  # noqa: E402

SECTORS = ["mobility", "energy", "water", "waste", "health"]
MATCHES_PER_ITEM = 5


class CountingHandler:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def seed(engine, users: int, rng: random.Random) -> None:
    """Half buyers with one open challenge each, half innovators with one published solution each."""
    now = utcnow()
    buyers = users // 2
    innovators = users - buyers
    orgs = [{"id": i + 1, "name": f"Org {i + 1}", "side": "buyer" if i < buyers else "innovator",
             "kind": "city" if i < buyers else "startup", "country": "FI"} for i in range(users)]
    people = [{"id": i + 1, "email": f"user{i + 1}@bench.example", "name": f"User {i + 1}",
               "password_hash": "x", "organisation_id": i + 1} for i in range(users)]
    challenges = [{"id": i + 1, "organisation_id": i + 1, "title": f"Challenge {i + 1} about depot charging",
                   "summary": "Summary", "problem_statement": "Problem", "sector": SECTORS[i % 5],
                   "tags": ["charging"], "trl_expected": 6, "country": "FI", "status": "open",
                   "deadline": now + timedelta(days=rng.randint(2, 60)), "published_at": now} for i in range(buyers)]
    solutions = [{"id": j + 1, "organisation_id": buyers + j + 1, "title": f"Solution {j + 1} for smart charging",
                  "summary": "Summary", "description": "Description", "tags": ["charging"], "trl": 7,
                  "pricing_model": "subscription", "country": "FI", "status": "published", "published_at": now}
                 for j in range(innovators)]
    sectors = [{"solution_id": j + 1, "sector": SECTORS[j % 5]} for j in range(innovators)]
    pairs = {(c, rng.randint(1, innovators)) for c in range(1, buyers + 1) for _ in range(MATCHES_PER_ITEM)}
    pairs |= {(rng.randint(1, buyers), s) for s in range(1, innovators + 1) for _ in range(MATCHES_PER_ITEM)}
    reasons = [{"kind": "terms", "text": "shares: depot, charging, bus fleet"},
               {"kind": "sector", "text": "same sector: Mobility"}]
    matches = [{"challenge_id": c, "solution_id": s, "score": round(rng.uniform(0.25, 0.95), 3),
                "rank_for_challenge": 1, "rank_for_solution": 1, "reasons": reasons, "model_version": "bench"}
               for c, s in sorted(pairs)]
    with engine.begin() as conn:
        for model, rows in ((Organisation, orgs), (User, people), (Challenge, challenges), (Solution, solutions),
                            (SolutionSector, sectors), (Match, matches)):
            conn.execute(insert(model), rows)


def serve_smtp() -> int:
    """Child process: an aiosmtpd server on a free port (on the other core); prints its count at stdin EOF."""
    handler = CountingHandler()
    cpu = time.process_time()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    print(controller.port, flush=True)
    sys.stdin.read()
    controller.stop()
    print(handler.count, round(time.process_time() - cpu, 2), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--serve-smtp", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_smtp:
        return serve_smtp()
    if args.users < 2:
        parser.error("--users must be at least 2")
    with tempfile.TemporaryDirectory() as folder:
        return run(args.users, args.seed, Path(folder))


def run(users: int, seed_value: int, folder: Path) -> int:
    server = subprocess.Popen([sys.executable, __file__, "--serve-smtp"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    port = int(server.stdout.readline())
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    upgrade(url)
    app = create_app({"ENV_NAME": "test", "SECRET_KEY": "bench-secret-key-0123456789abcdef", "DATABASE_URL": url,
                      "BASE_URL": "https://civimatch.example", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port})
    seed(app.extensions["db_engine"], users, random.Random(seed_value))
    load_before = os.getloadavg()
    try:
        figures, queued, sent = build_and_deliver(app)
    finally:
        received, server_cpu_s = (server.communicate("", timeout=60)[0].split() + ["0", "0"])[:2]
    if not sent == queued == int(received):
        print(f"error: queued {queued}, sent {sent}, received {received}", file=sys.stderr)
        return 1
    print(json.dumps({
        "users": users, "digests": queued, **figures, "smtp_server_cpu_s": float(server_cpu_s),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_avg_1m_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
    }))
    return 0


def build_and_deliver(app) -> tuple[dict, int, int]:
    """What the two cron commands do: `digests send --ignore-schedule`, then `outbox deliver` (timed apart)."""
    with app.app_context():
        session = new_session(app)
        try:
            start, cpu = time.perf_counter(), time.process_time()
            report = digests.run_digests(session, app.extensions["service_settings"],
                                         digests.RunOptions(ignore_schedule=True))
            build_s, build_cpu_s = time.perf_counter() - start, time.process_time() - cpu
            start, cpu = time.perf_counter(), time.process_time()
            with SmtpSender(SmtpSettings.from_config(app.config)) as sender:
                sent = delivery.deliver_due(session, sender, delivery.DeliveryPolicy.from_config(app.config))
            deliver_s, deliver_cpu_s = time.perf_counter() - start, time.process_time() - cpu
        finally:
            session.close()
    total_s = build_s + deliver_s
    return {
        "build_s": round(build_s, 2), "deliver_s": round(deliver_s, 2), "total_s": round(total_s, 2),
        "build_cpu_s": round(build_cpu_s, 2), "deliver_cpu_s": round(deliver_cpu_s, 2),
        "total_cpu_s": round(build_cpu_s + deliver_cpu_s, 2), "messages_per_s": round(sent.sent / deliver_s, 1),
        "digests_per_s_end_to_end": round(report.queued / total_s, 1),
    }, report.queued, sent.sent


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main())
