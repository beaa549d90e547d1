"""Read a wapiti JSON report; print each vulnerability and anomaly; exit 1 if there is any."""
from __future__ import annotations

import json
import sys


def findings(report: dict) -> list[str]:
    lines = []
    for section in ("vulnerabilities", "anomalies"):
        for category, items in (report.get(section) or {}).items():
            for item in items:
                lines.append(f"{section[:-3]}y: {category}: {item.get('method', '')} {item.get('path', '')} "
                             f"{item.get('parameter', '')} — {item.get('info', '')}")
    return lines


def main(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        lines = findings(json.load(handle))
    for line in lines:
        print(line)
    print(f"wapiti: {len(lines)} finding(s)")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
