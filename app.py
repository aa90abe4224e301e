"""The WSGI entry point: `gunicorn app:app`, `flask --app app ...`."""

from competition import create_app

app = create_app()
