"""The digest bench runs end to end on a few users: real digests, real SMTP, one JSON line with the figures."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "digests.py"


def test_digest_bench_builds_and_delivers_every_digest_and_prints_its_figures():
    result = subprocess.run([sys.executable, str(SCRIPT), "--users", "40"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["users"] == figures["digests"] == 40
    for key in ("build_s", "deliver_s", "total_s", "build_cpu_s", "deliver_cpu_s", "messages_per_s",
                "smtp_server_cpu_s", "peak_rss_mb", "load_avg_1m_before_after"):
        assert key in figures
