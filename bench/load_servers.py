"""What bench/web_load.py drives: gunicorn servers on loopback, a signed-in cookie, and wrk.

Every address is 127.0.0.1: the bench never loads anything else.
"""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
BENCH_SECRET = "bench-secret-key-0123456789abcdef0123456789abcdef"  # noqa: S105 (a throw-away bench server)

# wrk's own counters leave 3xx uncounted; the response hook counts every status outside 2xx. Each
# wrk thread has its own Lua state, so done() sums the threads' counters.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %d, "duration_us": %d, "socket_errors": %d, "non2xx": %d, '
    .. '"p50_us": %d, "p99_us": %d}\\n', summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, bad, latency:percentile(50), latency:percentile(99)))
end
"""


def ensure_wrk() -> str:
    """The wrk binary; installed from Debian's package when missing and we are root, else a clear message."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is not installed: run `sudo apt-get install -y wrk` (Debian package) and retry.")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    apt = shutil.which("apt-get") or sys.exit("wrk is missing and there is no apt-get: install wrk and retry.")
    if subprocess.run([apt, "install", "-y", "-qq", "wrk"], env=env, check=False).returncode != 0:
        subprocess.run([apt, "update", "-qq"], env=env, check=True)
        subprocess.run([apt, "install", "-y", "-qq", "wrk"], env=env, check=True)
    return shutil.which("wrk") or sys.exit("wrk could not be installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], *, chdir: Path = ROOT, workers: int = 2):
    """Serve ``app_spec`` with gunicorn on a free loopback port; yield its base URL; stop it after."""
    port = free_port()
    command = [GUNICORN, "--workers", str(workers), "--bind", f"{HOST}:{port}", "--chdir", str(chdir),
               "--log-level", "warning", app_spec]
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=log, stderr=log)
    base = f"http://{HOST}:{port}"
    try:
        _wait_until_up(base, process, log)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _wait_until_up(base: str, process: subprocess.Popen, log, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            sys.exit(f"gunicorn exited: {log.read().decode(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/", timeout=5):  # noqa: S310 (loopback http only)
                return
        except urllib.error.HTTPError:
            return  # it answers; the pages' own status counts show what it answered
        except OSError:
            time.sleep(0.3)
    sys.exit(f"{base} did not answer within {timeout_s} s")


def app_env(database_url: str) -> dict[str, str]:
    """The app's environment under the bench: development mode with a real secret, the given database."""
    return {"DATABASE_URL": database_url, "SECRET_KEY": BENCH_SECRET, "CIVIMATCH_ENV": "development",
            "FLOOR_DATABASE_URL": database_url}


def sign_in(base: str, email: str, password: str) -> str:
    """Log in through the form (CSRF token and all); return the Cookie header value for wrk."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/login", timeout=30) as response:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.read().decode()).group(1)
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    with opener.open(base + "/login", data=body, timeout=30) as response:
        if "/login" in response.geturl():
            sys.exit(f"could not sign in as {email}")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def warm(url: str, cookie: str | None, count: int = 10) -> int:
    """A few requests before measuring (imports, the first query plans); returns the last status."""
    status = 0
    for _ in range(count):
        request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
                status = response.status
                response.read()
        except urllib.error.HTTPError as exc:
            status = exc.code
    return status


def run_wrk(wrk: str, url: str, duration_s: int, cookie: str | None = None,
            threads: int = 2, connections: int = 20) -> dict:
    """One wrk run; returns req/s, p50 and p99 in ms, non-2xx responses and socket errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration_s}s", "--timeout", "10s", "-s", script.name]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    try:
        output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    raw = json.loads(next(line for line in output.splitlines() if line.startswith("WRKJSON "))[8:])
    return {"rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1), "p50_ms": round(raw["p50_us"] / 1000, 1),
            "p99_ms": round(raw["p99_us"] / 1000, 1), "non2xx": raw["non2xx"],
            "socket_errors": raw["socket_errors"], "requests": raw["requests"]}
