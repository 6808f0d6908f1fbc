"""From the source tree: ``gunicorn -c gunicorn.conf.py wsgi:app`` (the same as ``eic.wsgi``)."""
from eic.wsgi import app  # noqa: F401
