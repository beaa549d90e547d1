"""Background work the web app starts itself: hooks that hand work to Celery or run it after the response."""
