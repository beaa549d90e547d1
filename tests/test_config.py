"""BASE_URL: an explicit value always wins; without one, links follow the HOST and PORT `make run` serves on."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dotenv import dotenv_values

from app.config import from_environment

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(monkeypatch):
    for name in ("BASE_URL", "HOST", "PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CIVIMATCH_ENV", "test")
    return monkeypatch


def test_default_base_url_without_host_or_port(env):
    assert from_environment()["BASE_URL"] == "http://127.0.0.1:8000"


def test_default_base_url_follows_port(env):
    env.setenv("PORT", "8100")

    assert from_environment()["BASE_URL"] == "http://127.0.0.1:8100"


@pytest.mark.parametrize(("host", "expected"), [
    ("localhost", "http://localhost:8100"),
    ("0.0.0.0", "http://127.0.0.1:8100"),  # noqa: S104 (a wildcard bind is no address to link to)
    ("::", "http://127.0.0.1:8100"),
    ("::1", "http://[::1]:8100"),
])
def test_default_base_url_follows_host(env, host, expected):
    env.setenv("HOST", host)
    env.setenv("PORT", "8100")

    assert from_environment()["BASE_URL"] == expected


def test_explicit_base_url_wins_over_host_and_port(env):
    env.setenv("HOST", "127.0.0.1")
    env.setenv("PORT", "8100")
    env.setenv("BASE_URL", "https://civimatch.example.org/")

    config = from_environment()

    assert config["BASE_URL"] == "https://civimatch.example.org"
    assert config["SESSION_COOKIE_SECURE"] is True


def test_empty_base_url_falls_back_to_the_default(env):
    env.setenv("BASE_URL", "")
    env.setenv("PORT", "8100")

    assert from_environment()["BASE_URL"] == "http://127.0.0.1:8100"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_hands_host_and_port_to_the_app():
    env = {k: v for k, v in os.environ.items() if k not in {"HOST", "PORT", "WORKERS", "BASE_URL", "MAKEFLAGS"}}

    result = subprocess.run(["make", "-n", "run", "PORT=8100"], cwd=ROOT, env=env,  # noqa: S603, S607
                            capture_output=True, text=True, timeout=60, check=True)

    server = [line for line in result.stdout.splitlines() if "gunicorn" in line]
    assert server == ["HOST=127.0.0.1 PORT=8100 .venv/bin/gunicorn --workers 2 --bind 127.0.0.1:8100 "
                      "--access-logfile - wsgi:app"]
    assert "BASE_URL" not in result.stdout  # the Makefile never sets it, so one in .env still wins


def test_app_started_with_port_links_to_it(tmp_path):
    """What gunicorn's workers see under `make run PORT=8100`: wsgi.py (with .env loading) and that environment."""
    env = {k: v for k, v in os.environ.items() if k not in {"HOST", "BASE_URL"}}
    env.update({"HOST": "127.0.0.1", "PORT": "8100", "CIVIMATCH_ENV": "development",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite'}"})
    # A checkout whose .env sets BASE_URL must get that value instead: an explicit BASE_URL always wins.
    expected = dotenv_values(ROOT / ".env").get("BASE_URL") or "http://127.0.0.1:8100"

    result = subprocess.run([sys.executable, "-c", "import wsgi; print(wsgi.app.config['BASE_URL'])"],  # noqa: S603
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True)

    assert result.stdout.strip().splitlines()[-1] == expected
