"""Celery entry point: `celery -A app.celery_worker worker --beat` (needs CELERY_BROKER_URL)."""
from dotenv import load_dotenv

load_dotenv()

from app import create_app  # noqa: E402  (settings come from the environment loaded above)
from app.tasks import create_celery  # noqa: E402

flask_app = create_app()
celery = create_celery(flask_app)
