"""Mail tests: a real SMTP server per test, and an app whose SMTP settings point at it."""
from __future__ import annotations

import pytest

from tests.conftest import _empty_tables, make_test_app
from tests.mail.smtp_sink import SmtpSink


@pytest.fixture
def smtp_server():
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def app(database_url, smtp_server):
    """The shared app fixture, wired to the test SMTP server; retries are due again at once."""
    app = make_test_app(database_url, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_TIMEOUT_S=5,
                        OUTBOX_RETRY_BASE_S=0, OUTBOX_MAX_ATTEMPTS=3, MAIL_FROM="CiviMatch <digest@civimatch.test>",
                        UNSUBSCRIBE_MAILTO="unsubscribe@civimatch.test")
    yield app
    engine = app.extensions["db_engine"]
    _empty_tables(engine)
    engine.dispose()
