"""Gunicorn entry point: `gunicorn wsgi:app`."""
from dotenv import load_dotenv

load_dotenv()

from app import create_app  # noqa: E402  (settings come from the environment loaded above)
from app.config import ConfigError  # noqa: E402

try:
    app = create_app()
except ConfigError as exc:  # e.g. no SECRET_KEY in production: one clear line, not a traceback
    raise SystemExit(f"CiviMatch cannot start: {exc}") from None
