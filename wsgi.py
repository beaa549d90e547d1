"""Gunicorn entry point: `gunicorn wsgi:app`."""
from dotenv import load_dotenv

load_dotenv()

from app import create_app  # noqa: E402  (settings come from the environment loaded above)

app = create_app()
