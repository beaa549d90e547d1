"""`flask security-check` refuses unsafe production settings, one line per problem."""
from __future__ import annotations

import pytest

from app.security.deploy_check import deployment_problems, worker_count
from tests.conftest import TEST_SECRET

SAFE = {"SECRET_KEY": TEST_SECRET, "BASE_URL": "https://civimatch.example", "SESSION_COOKIE_SECURE": True,
        "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "DEBUG": False}


def test_safe_settings_pass():
    assert deployment_problems(SAFE, {"WEB_CONCURRENCY": "4"}) == []


@pytest.mark.parametrize(("change", "env", "words"), [
    ({"DEBUG": True}, {}, "DEBUG"),
    ({}, {"FLASK_DEBUG": "1"}, "DEBUG"),
    ({"SECRET_KEY": "dev-only-not-secret"}, {}, "SECRET_KEY"),
    ({"SECRET_KEY": "short-secret"}, {}, "SECRET_KEY"),
    ({"SECRET_KEY": ""}, {}, "SECRET_KEY"),
    ({"BASE_URL": "http://civimatch.example", "SESSION_COOKIE_SECURE": False}, {}, "Secure"),
    ({"RATELIMIT_STORAGE_URI": "memory://"}, {"WEB_CONCURRENCY": "3"}, "REDIS_URL"),
    ({"RATELIMIT_STORAGE_URI": "memory://"}, {"GUNICORN_CMD_ARGS": "--workers 2 --bind :80"}, "REDIS_URL"),
    ({"RATELIMIT_ENABLED": False}, {}, "RATELIMIT_ENABLED"),
])
def test_each_unsafe_setting_is_one_problem(change, env, words):
    problems = deployment_problems({**SAFE, **change}, env)
    assert len(problems) == 1 and words in problems[0]


def test_memory_limits_with_one_worker_are_fine():
    assert deployment_problems({**SAFE, "RATELIMIT_STORAGE_URI": "memory://"}, {"WEB_CONCURRENCY": "1"}) == []
    assert worker_count({"GUNICORN_CMD_ARGS": "-w 5"}) == 5


def test_cli_refuses_the_test_settings(runner):
    result = runner.invoke(args=["security-check"])
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert any("BASE_URL is not https://" in line for line in lines)
    assert any("TESTING is on" in line for line in lines)
    assert lines[-1].startswith("Error:") and "refusing a production start" in lines[-1]


def test_cli_accepts_production_settings(app, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    app.config.update(SAFE, TESTING=False, WTF_CSRF_ENABLED=True)
    result = app.test_cli_runner().invoke(args=["security-check"])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
