"""Shared fixtures: a migrated database per test run (SQLite or PostgreSQL), emptied after each test."""
from __future__ import annotations

import contextvars
import os
import uuid

import pytest
from argon2 import PasswordHasher
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.cli.database import upgrade
from app.db import Base, new_session
from app.services.accounts import passwords
from tests import factories

# Full-strength argon2id costs tens of milliseconds per hash and the suite signs up hundreds of
# users: tests hash with the cheapest parameters (still argon2id, still verified the same way).
passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1))

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def _postgres_database(base_url: str):
    """Create a throw-away database on the server named by DATABASE_URL; yield its URL; drop it."""
    url = make_url(base_url)
    name = f"civimatch_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A freshly migrated database for this test run (per xdist worker)."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgresql"):
        generator = _postgres_database(base)
        url = next(generator)
        upgrade(url)
        yield url
        generator.close()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        upgrade(url)
        yield url


@pytest.fixture
def empty_database_url(tmp_path):
    """A second database with no tables, on the engine this run uses (migration and restore tests)."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgresql"):
        generator = _postgres_database(base)
        yield next(generator)
        generator.close()
    else:
        (tmp_path / "empty").mkdir()
        yield f"sqlite:///{tmp_path / 'empty' / 'civimatch.sqlite'}"


def _empty_tables(engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
            conn.execute(text("DELETE FROM sqlite_sequence")) if _has_sequence(conn) else None


def _has_sequence(conn) -> bool:
    return conn.execute(text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first() is not None


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    Flask reuses an app context that is already pushed (the `db` fixture keeps one open), so without
    this `g` would carry the request's DB session and Flask-Login's cached user from one request to the
    next, even across clients: a replayed or revoked cookie would look logged in, or out, by accident.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_test_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "ENV_NAME": "test",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://civimatch.test",
        "SERVER_NAME": None,
        "RATELIMIT_ENABLED": False,  # tests/security/test_rate_limits.py turns it on
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def app(database_url):
    app = make_test_app(database_url)
    yield app
    engine = app.extensions["db_engine"]
    _empty_tables(engine)
    engine.dispose()


@pytest.fixture
def csrf_app(database_url):
    """An app with CSRF protection on, as in production."""
    app = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    yield app
    engine = app.extensions["db_engine"]
    _empty_tables(engine)
    engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """A database session for arranging and checking state directly."""
    with app.app_context():
        session = new_session(app)
        yield session
        session.close()


@pytest.fixture
def settings(app):
    """The ServiceSettings the app's views pass to services (tests pass them the same way)."""
    return app.extensions["service_settings"]


@pytest.fixture
def make(db, settings):
    """Factory functions bound to the test session: make.buyer(), make.challenge(user) ..."""
    return factories.Factory(db, settings)


class AuthActions:
    def __init__(self, client) -> None:
        self._client = client

    def login(self, email: str, password: str = factories.PASSWORD):
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
